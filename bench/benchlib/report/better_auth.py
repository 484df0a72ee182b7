"""better-auth (npm) beside our login: the section and its summary rows, from
r["better_auth"] (bench/benchlib/better_auth.py's dict) and our own figures of the same run
(r["cold"]["login"], r["cold"]["hello-world"], r["handlers"], r["argon2"], r["throughput"]).
Any of ours that is missing shows as –; without r["better_auth"] both give no lines."""

from __future__ import annotations

from ..config import ARGON2_DEFAULTS, HELLO, MB
from ..util import med

DASH = "–"


def _peer(r: dict) -> dict | None:
    """better-auth's figures: r["better_auth"], or r itself when it is that dict."""
    b = r.get("better_auth")
    if b is None and "start_to_ready_ms" in r:
        b = r
    return b or None


def _at(d, *path):
    """d[path[0]][path[1]]..., None when any step is missing."""
    for key in path:
        try:
            d = d[key]
        except (KeyError, IndexError, TypeError):
            return None
    return d


def _ms(v) -> str:
    return DASH if v is None else f"{v:.1f}"


def _mb(v) -> str:
    return DASH if v is None else f"{v:.1f}"


def _ratio(peer, ours) -> str:
    if peer is None or ours is None or ours <= 0:
        return DASH
    return f"{peer / ours:.1f}×" if peer / ours >= 10 else f"{peer / ours:.2f}×"


def _ours(r: dict) -> dict:
    """Our figures that the comparison quotes, each None when absent."""
    login, hello = _at(r, "cold", "login"), _at(r, "cold", HELLO)
    def median_of(c, key):
        values = _at(c, key)
        return med(values) if values else None
    hwm = _at(login, "hwm")
    over_us = _at(r, "handlers", "overhead_us", "login")
    a = r.get("argon2") or {}
    return {
        "ready": median_of(login, "ready_ms"),
        "first": median_of(login, "first_response_ms"),
        "hello_ready": median_of(hello, "ready_ms"),
        "hwm_mb": max(hwm) / MB if hwm else None,
        "argon2": a.get("median_ms"),
        "argon2_cpu": a.get("cpu_median_ms"),
        "overhead_ms": over_us / 1000 if over_us is not None else None,
        "throughput": {t.get("concurrency"): t for t in r.get("throughput") or []},
    }


def better_auth_section(r: dict, facts=None) -> list[str]:
    b = _peer(r)
    if not b:
        return []
    o = _ours(r)
    v = b.get("versions", {})
    lines = []
    add = lines.append
    add("## better-auth beside ours\n")
    add(f"[better-auth](https://www.better-auth.com) {v.get('better-auth', '?')}, a self-hosted "
        f"auth server for Node that developers pick today, doing what our `login` does: an "
        f"email-and-password sign-in (`POST /api/auth/sign-in/email`) that answers a session. "
        f"Node {v.get('node', '?')}, served as its docs show for a plain Node server "
        "(`toNodeHandler(auth)` on `node:http`), `NODE_ENV=production`, telemetry off, its "
        "in-memory rate limiter on (the sign-in rule raised so that repeated sign-ins from "
        "one address are answered), its memory adapter (`better-auth/adapters/memory`) holding "
        f"the member, and argon2id at our parameters ({ARGON2_DEFAULTS}) through "
        f"`@node-rs/argon2` {v.get('@node-rs/argon2', '?')} as its "
        "`emailAndPassword.password.{hash,verify}` (its default is scrypt). Same machine as the "
        "rest of this report; server in `bench/peers/better-auth/server.mjs` (pinned by its "
        "package-lock.json, `make bench-better-auth-tools`), driver in "
        "`bench/benchlib/better_auth.py`, alone as `python3 bench/better_auth.py`.\n")
    add(f"{b.get('runs', '?')} cold starts: *ready* = spawn of `node server.mjs` → its ready "
        "line (listening, auth instance built); *first sign-in* = spawn → the 200 answer to a "
        "sign-in sent on a new connection as soon as it is ready, VmHWM read then. The member "
        "exists before each start: it is signed up once through better-auth's own sign-up API "
        "in a setup process (not timed) and its user and account rows are loaded by each "
        "start, as our member is already in DynamoDB. Then, in each process, "
        f"{b.get('warmup_signins', '?')} unmeasured sign-ins (V8 optimises the hot path as it "
        "runs; their median inside the server was "
        f"{_ms(_at(b, 'warmup_signin_server_ms', 'median'))} ms) and then "
        f"{b.get('signins_per_run', '?')} warm sign-ins one at a time over a keep-alive "
        "connection, in blocks of 10 each followed by 10 `@node-rs/argon2` verifies of the "
        "member's stored hash in the same process; sign-in latency is timed inside the "
        "server (request event → response finished) and by the client (loopback round "
        "trip). *Beyond argon2* = median server-side sign-in − median verify. CPU per "
        "sign-in = the server process's CPU time (all threads) over the sign-in blocks ÷ "
        "sign-ins. Ours come from the same run: login's cold starts, `bench/argon2-verify`, "
        "the criterion handler overhead and the throughput table above. MB = 10⁶ bytes.\n")
    ready, first = _at(b, "start_to_ready_ms", "median"), _at(b, "start_to_first_signin_ms", "median")
    hello = _at(b, "node_hello_ready_ms", "median")
    a2 = _at(b, "argon2_verify_ms", "median")
    ours_a2_now = _at(b, "ours_argon2_verify_ms", "median")
    add("| measure | better-auth | ours (login) | better-auth ÷ ours |")
    add("|---|---:|---:|---:|")
    add(f"| start → ready, median ms | {_ms(ready)} | {_ms(o['ready'])} | {_ratio(ready, o['ready'])} |")
    add(f"| the runtime's floor: bare `node:http` server / hello-world Lambda, ready, median ms | "
        f"{_ms(hello)} | {_ms(o['hello_ready'])} | {_ratio(hello, o['hello_ready'])} |")
    add(f"| start → first sign-in answered, median ms | {_ms(first)} | {_ms(o['first'])} | "
        f"{_ratio(first, o['first'])} |")
    add(f"| CPU from start to the first sign-in answered, median ms | "
        f"{_ms(_at(b, 'cpu_ms_start_to_first_signin', 'median'))} | {DASH} | {DASH} |")
    add(f"| peak RSS (VmHWM) at the first sign-in, largest, MB | "
        f"{_mb(b.get('peak_rss_first_signin_mb'))} | {_mb(o['hwm_mb'])} | "
        f"{_ratio(b.get('peak_rss_first_signin_mb'), o['hwm_mb'])} |")
    add(f"| peak RSS after the warm sign-ins, largest, MB | {_mb(b.get('peak_rss_mb'))} | "
        f"{DASH} | {DASH} |")
    add(f"| argon2id verify, {ARGON2_DEFAULTS}, median ms | {_ms(a2)} (`@node-rs/argon2`) | "
        f"{_ms(o['argon2'])} (`bench/argon2-verify`) | {_ratio(a2, o['argon2'])} |")
    if ours_a2_now is not None:
        add(f"| the same two verifies timed back to back by the better-auth bench, median ms | "
            f"{_ms(a2)} | {_ms(ours_a2_now)} | {_ratio(a2, ours_a2_now)} |")
    add(f"| warm sign-in, inside the server, median / p90 ms | "
        f"{_ms(_at(b, 'warm_signin_server_ms', 'median'))} / "
        f"{_ms(_at(b, 'warm_signin_server_ms', 'p90'))} | {DASH} | {DASH} |")
    add(f"| warm sign-in, client round trip, median / p90 ms | "
        f"{_ms(_at(b, 'warm_signin_ms', 'median'))} / {_ms(_at(b, 'warm_signin_ms', 'p90'))} | "
        f"{DASH} | {DASH} |")
    beyond = b.get("beyond_argon2_ms")
    ours_over = DASH if o["overhead_ms"] is None else f"{o['overhead_ms']:.3f}"
    add(f"| per sign-in beyond argon2, no network I/O, ms | {_ms(beyond)} (HTTP, routing, "
        f"adapter, session, cookie) | {ours_over} (handler overhead, criterion) | "
        f"{_ratio(beyond, o['overhead_ms'])} |")
    cpu = b.get("cpu_ms_per_signin")
    cpu_beyond = b.get("cpu_ms_per_signin_beyond_argon2")
    best = max(o["throughput"].values(), key=lambda t: t.get("per_second", 0), default=None)
    ours_cpu = _at(best, "cpu_ms_per_login", "login processes")
    ours_cpu_beyond = _ours_cpu_beyond(o)
    add(f"| CPU per sign-in, the server process, ms | {_ms(cpu)} | {_ms(ours_cpu)} (login "
        f"processes, best throughput setting) | {_ratio(cpu, ours_cpu)} |")
    add(f"| CPU per sign-in beyond argon2's CPU, ms | {_ms(cpu_beyond)} | {_ms(ours_cpu_beyond)} "
        f"| {_ratio(cpu_beyond, ours_cpu_beyond)} |")
    for t in b.get("throughput") or []:
        mine = o["throughput"].get(t.get("concurrency"))
        ours_tp = (f"{mine.get('per_second', 0):.1f} ({_ms(mine.get('p50_ms'))})"
                   if mine else DASH)
        add(f"| sign-ins/s, {t.get('concurrency')} concurrent clients (p50 ms) | "
            f"{t.get('per_second', 0):.1f} ({_ms(t.get('p50_ms'))}) | {ours_tp} (instances) | "
            f"{_ratio(t.get('per_second'), mine.get('per_second') if mine else None)} |")
    add("")
    add("Fair and not:\n")
    add("- Same machine, same argon2 parameters, every figure from runs of the same command; "
        "the argon2 implementations differ (`@node-rs/argon2` wraps the `argon2-rust` crate, "
        "ours is RustCrypto's `argon2`), so *beyond argon2* subtracts each side's own verify.")
    add("- better-auth's memory adapter does no network I/O: its member lookup, account "
        "lookup and session insert are array scans and pushes in the process. Ours makes two "
        "DynamoDB calls per login (to moto here, over HTTP, through the AWS SDK), and its "
        "first response includes building the AWS clients. So start → first sign-in and the "
        "throughput rows favour better-auth on I/O; with a real database (Postgres through "
        "Kysely, say) it would add a connection at start and round trips per sign-in. "
        "better-auth documents the memory adapter for development and tests; each sign-in "
        "adds a session row to its arrays, and no sign-in lookup scans them (a trial of 300 "
        "sign-ins in one process showed no drift).")
    add("- *Beyond argon2* compares unlike scopes: better-auth's is measured inside its HTTP "
        "server, so it includes Node's HTTP parsing and its response writing; ours (criterion) "
        "starts from an API Gateway event already in memory, with the in-memory store, and "
        "excludes the Lambda runtime API round trip and the AWS SDK's work per DynamoDB call "
        "(about 0.17 ms each, the handler overhead section's last row).")
    add("- CPU per sign-in: better-auth's is one warm process answering one sign-in at a time; "
        "ours is the login processes' CPU under the throughput load, not counting moto's.")
    add("- Throughput: better-auth is one Node process (JavaScript on one thread, argon2 on "
        "libuv's pool of 4), driven by Python client threads on the same cores; ours shares "
        "the cores with moto, the runtime API and its driver. Neither is what production "
        "would run on; both are bounded by argon2 on these cores.")
    add("- Left out on both sides: TLS, API Gateway or a reverse proxy, email verification "
        "(off by default in better-auth; our member is approved), and any cookie or token "
        "work beyond what each sign-in answers (better-auth a signed session cookie and a "
        "session row; ours a session token and a device token).\n")
    return lines


def _vs(peer, ours, unit: str, fmt=_ms) -> str:
    """'<peer> <unit> vs ours <ours> <unit> (<ratio>)', ours as – when missing."""
    if ours is None:
        return f"{fmt(peer)} {unit} (ours not in these results)"
    return f"{fmt(peer)} {unit} vs ours {fmt(ours)} {unit} ({_ratio(peer, ours)})"


def _ours_cpu_beyond(o: dict) -> float | None:
    best = max(o["throughput"].values(), key=lambda t: t.get("per_second", 0), default=None)
    cpu = _at(best, "cpu_ms_per_login", "login processes")
    return cpu - o["argon2_cpu"] if cpu is not None and o["argon2_cpu"] is not None else None


def better_auth_summary_rows(r: dict) -> list[str]:
    b = _peer(r)
    if not b:
        return []
    o = _ours(r)
    v = b.get("versions", {})
    who = f"better-auth {v.get('better-auth', '?')} (Node {v.get('node', '?')}, memory adapter)"
    first = _at(b, "start_to_first_signin_ms", "median")
    over = (lambda x: DASH if x is None else f"{x:.3f}")
    return [
        f"| {who}: start → first sign-in answered, median | {_vs(first, o['first'], 'ms')} | "
        "(comparison) | |",
        f"| {who}: peak RSS at the first sign-in, largest | "
        f"{_vs(b.get('peak_rss_first_signin_mb'), o['hwm_mb'], 'MB', _mb)} | (comparison) | |",
        f"| {who}: per sign-in beyond argon2, no network I/O | "
        f"{_vs(b.get('beyond_argon2_ms'), o['overhead_ms'], 'ms', over)}; CPU beyond argon2 "
        f"{_vs(b.get('cpu_ms_per_signin_beyond_argon2'), _ours_cpu_beyond(o), 'ms')} | "
        "(comparison) | |",
    ]
