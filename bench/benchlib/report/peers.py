"""Our login beside the same login in Node.js 20 and Python 3.11 (bench/benchlib/peers.py):
the section, and its rows for the Summary table."""

from __future__ import annotations

from .common import fmt_mb, fmt_ms

PEER_KEYS = ["node", "python"]


def _ratio(r: dict, key: str, name: str) -> str:
    v = r["ratios"].get(key, {}).get(name)
    return f"{v:.2f}×" if v is not None else "–"


def _ms(v: float | None) -> str:
    return fmt_ms(v) if v is not None else "–"


def _peers(r: dict) -> list[str]:
    return [k for k in PEER_KEYS if k in r["subjects"]]


def peer_summary_rows(r: dict) -> list[str]:
    """Rows for the Summary table (| measure | result | goal | |): ours, then each peer
    with its ratio to ours."""
    if not r or "subjects" not in r:
        return []
    s, labels, peers = r["subjects"], r["labels"], _peers(r)

    def row(measure: str, fig: str, ratio: str, fmt, unit: str) -> str:
        parts = [f"{labels[k]} {fmt(s[k][fig]) if s[k].get(fig) is not None else '–'}{unit} "
                 f"= {_ratio(r, k, ratio)}" for k in peers]
        ours = s["ours"].get(fig)
        return (f"| {measure}, ours vs {' / '.join(labels[k] for k in peers)} | "
                f"{fmt(ours) if ours is not None else '–'}{unit} vs {'; '.join(parts)} | "
                "(comparison, no goal) | |")

    return [
        row("same login as peers: cold start ready, p50", "ready_p50_ms", "ready", fmt_ms, " ms"),
        row("same login as peers: first response (cold), p50", "first_response_p50_ms",
            "first_response", fmt_ms, " ms"),
        row("same login as peers: warm login beyond argon2, p50", "beyond_argon2_ms",
            "beyond_argon2", fmt_ms, " ms"),
        row("same login as peers: CPU per warm login", "cpu_ms_per_login", "cpu_per_login",
            fmt_ms, " ms"),
        row("same login as peers: peak RSS after the warm logins", "peak_rss", "peak_rss",
            fmt_mb, " MB"),
        row("same login as peers: package zip", "package_zip", "package", fmt_mb, " MB"),
    ]


def peers_section(r: dict, facts) -> list[str]:  # noqa: ANN001 - report.common.Facts, unused
    if not r or "subjects" not in r:
        return []
    s, labels, peers = r["subjects"], r["labels"], _peers(r)
    keys = ["ours", *peers]
    lines: list[str] = []
    add = lines.append
    add("## The same login in Node.js and Python\n")
    add("The Velo `login` (`POST /backend/authentication/login`, the login fixture, the same "
        "member and password) written as a site developer would otherwise write it, each the "
        "way its runtime's practice has it, and started the way Lambda starts it, against the "
        "bench's runtime API and the same moto table: **Node.js 20** (`bench/peers/node`: AWS "
        "SDK for JavaScript v3 `@aws-sdk/client-dynamodb`, `@node-rs/argon2`, bundled into one "
        "minified ESM file by esbuild with the argon2 binding beside it, the client made once "
        "per instance, HTTP keep-alive) and **Python 3.11** (`bench/peers/python`: boto3, "
        "argon2-cffi, run by the official runtime interface client `awslambdaric`, client "
        "and thread pool made at import). Each makes the requests ours makes, on the same "
        "items: the attempt counted under the lock's condition, the account-wide budget and "
        "the batch read of the credentials and the source's failures at once, then the "
        "lock deleted, the budget place given back and the last login stamped at once; each "
        "verifies the argon2id hash our `register` stored, and answers the same API Gateway v2 "
        "response with session and device tokens signed as ours are (HS256, same header and "
        "claims).\n")
    add(f"Versions: {'; '.join(r['versions'][k] for k in peers)}. Ours: `{r['ours_binary']}`"
        + ("" if r.get("ours_is_packaged", True) else " (**a debug build, not the packaged "
                                                     "one: figures for trying the bench only**)")
        + ".\n")
    add(f"*Ready* and *first response*: {r['runs']} cold starts of each, rounds interleaved in "
        f"shuffled order. *Warm login*: one instance of each kept warm, {r['warm']} logins fed "
        "to them in turn (after 3 to warm up), timed by the runtime API from handing out the "
        "event to the response. *argon2 alone*: one verify at our parameters with the same "
        "library in the same runtime, in a process of its own (bench/argon2-verify, "
        "bench/peers/node/argon2-verify.mjs, bench/peers/python/argon2_verify.py), "
        f"{r['argon2_runs']} each, half before and half after the warm logins. *Beyond "
        "argon2* = median warm login − median argon2 verify: the runtime, its SDK, its HTTP "
        "and the two DynamoDB round trips to moto (the same requests for all three, so moto's "
        "share is common to all). *CPU per warm login*: the instance's user + system time "
        "over the warm logins ÷ their number; *CPU beyond argon2* subtracts one verify's CPU "
        "time. *Peak RSS*: VmHWM after the warm logins (the instance's peak over its life); "
        "*after the first response*: VmHWM at the first response of a cold start, largest. "
        "Ratio = the peer's figure ÷ ours. MB = 10⁶ bytes.\n")
    add(f"| | {' | '.join(labels[k] for k in keys)} |")
    add(f"|---|{'---:|' * len(keys)}")

    def row(name: str, fig: str, ratio: str | None, fmt=_ms) -> None:
        cells = []
        for k in keys:
            v = s[k].get(fig)
            text = fmt(v) if v is not None else "–"
            cells.append(text if k == "ours" or ratio is None else f"{text} ({_ratio(r, k, ratio)})")
        add(f"| {name} | {' | '.join(cells)} |")

    row("ready p50 ms", "ready_p50_ms", "ready")
    row("ready p90 ms", "ready_p90_ms", None)
    row("first response p50 ms", "first_response_p50_ms", "first_response")
    row("first response p90 ms", "first_response_p90_ms", None)
    row("warm login p50 ms", "warm_p50_ms", "warm_login")
    row("warm login p90 ms", "warm_p90_ms", None)
    row("argon2 verify alone p50 ms", "argon2_p50_ms", None)
    row("**warm login beyond argon2 ms**", "beyond_argon2_ms", "beyond_argon2")
    row("CPU per warm login ms", "cpu_ms_per_login", "cpu_per_login")
    row("argon2 verify alone, CPU ms", "argon2_cpu_p50_ms", None)
    row("**CPU beyond argon2 ms**", "cpu_beyond_argon2_ms", "cpu_beyond_argon2")
    row("peak RSS MB (after the warm logins)", "peak_rss", "peak_rss", fmt_mb)
    row("RSS MB after the warm logins (VmRSS)", "rss_after_warm", None, fmt_mb)
    add(f"| VmHWM after the first response MB, largest | "
        f"{' | '.join(fmt_mb(max(s[k]['cold_hwm'])) for k in keys)} |")
    row("package zip MB", "package_zip", "package", fmt_mb)
    add(f"| DynamoDB requests / round trips of a login | "
        f"{' | '.join(str(s[k]['dynamodb']['count']) + ' / ' + str(s[k]['dynamodb']['round_trips']) for k in keys)} |")
    for path, name in (("wrong_password", "a wrong password"), ("unknown_email", "an unknown email")):
        if all(path in s[k].get("dynamodb_paths", {}) for k in keys):
            add(f"| DynamoDB requests / round trips, status: {name} | " + " | ".join(
                f"{p['count']} / {p['round_trips']}, {p['status']}"
                for p in (s[k]["dynamodb_paths"][path] for k in keys)) + " |")
    add(f"| statuses (cold; warm) | "
        f"{' | '.join(_statuses(s[k]) for k in keys)} |")
    add(f"| tokens (HS256 signature with SIGNING_KEYS, header and claims) | "
        f"{' | '.join(_tokens(s[k]) for k in keys)} |")
    add("")
    negative = [labels[k] for k in keys
                if any((s[k].get(f) or 0) < 0 for f in ("beyond_argon2_ms", "cpu_beyond_argon2_ms"))]
    if negative:
        add(f"A figure *beyond argon2* below zero ({', '.join(negative)}) means that runtime's "
            "argon2-alone process verifies slower than its login does: for ours, "
            "bench/argon2-verify is built apart from the login and need not run the same "
            "argon2 code; no ratio is given against it.\n")
    if r.get("stuck"):
        add(f"Taken again: {len(r['stuck'])} sample(s) whose instance was still waiting for "
            f"moto after {r.get('stuck_after_s', 20):g} s (a request the local DynamoDB never "
            "answered; the instance was replaced): " + "; ".join(r["stuck"]) + ".\n")
    add("What each package counts: " + "; ".join(
        f"{labels[k]}: {s[k]['package']['counts']} ({s[k]['package']['files']} files, "
        f"{fmt_mb(s[k]['package']['unzipped'])} MB unzipped)" for k in keys) + "."
        + (f" With boto3 packaged too (as some ship it, to pin its version), the Python zip "
           f"would be {fmt_mb(s['python']['package']['zip_with_boto3'])} MB."
           if "python" in s and s["python"]["package"].get("zip_with_boto3") else "") + "\n")
    add("The requests of one login of each, through a counting proxy in front of moto, in the "
        "order they arrived (a round trip's requests go out together, so their order within it "
        "varies; the proxy holds each answer 50 ms, so that requests sent together are seen "
        "together): " + "; ".join(
            f"{labels[k]}: {', '.join(s[k]['dynamodb']['calls'])}" for k in keys) + ".\n")
    add("What the peers do differently from ours (bench/peers/README.md has the full list): "
        "neither heeds `x-end-user-ip` from a trusted caller nor proves an `x-device-token` "
        "(the bench's request carries neither, so ours takes the same path: counted against "
        "the account's budget, the source from API Gateway); they read the signing key from "
        "`SIGNING_KEYS` only (no Secrets Manager); they parse the member the stamp returns "
        "for its id and token version only, where ours reads the whole record; their error "
        "answers keep ours' envelope and codes but not every route-level check (body size, "
        "content type, method). The Node instance runs a minimal runtime loop in place of "
        "the managed runtime's (`aws-lambda-ric` needs cmake to build), without the managed "
        "runtime's memory flags for node.\n")
    return lines


def _statuses(o: dict) -> str:
    cold = ",".join(str(x) for x in sorted(set(o["status"]), key=str))
    warm = ",".join(str(x) for x in sorted(set(o["warm_status"]), key=str))
    return f"{cold}; {warm}"


def _tokens(o: dict) -> str:
    a = o.get("answer") or {}
    toks = a.get("tokens") or {}
    if not toks:
        return a.get("problem", "–")
    ok = all(t.get("ok") for t in toks.values())
    sizes = "/".join(str(t.get("bytes", "?")) for t in toks.values())
    return f"{'verified' if ok else '**not verified**'} ({sizes} bytes)"

