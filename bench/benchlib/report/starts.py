"""Per-function cold start, size and memory; what init and the first request do; the
network calls made during init."""

from __future__ import annotations

from ..config import (DIAGNOSTIC_STARTS, FUNCTIONS, GOAL_BINARY_MB, GOAL_READY_RATIO,
                      GOAL_RSS_MB, HELLO, MB, SECRET_START)
from ..util import med, pct
from .common import Facts, fmt_mb, fmt_ms


def per_function(r: dict, facts: Facts) -> list[str]:
    cold, hello_ready = r["cold"], facts.hello_ready
    lines = []
    add = lines.append
    add("## Per function\n")
    add(f"Cold start: {r['runs']} starts of each binary, rounds interleaved in shuffled order. "
        "*ready* = process spawn → its first `GET /2018-06-01/runtime/invocation/next`; "
        "*first response* = spawn → `POST .../response` for its fixture event "
        "(`tests/fixtures/<function>.json`, against moto/SES; login and register run argon2 on a "
        "real member, so theirs include a hash). Ratio = median ready ÷ hello-world's. Size: "
        "the `bootstrap` inside `target/lambda/<function>/bootstrap.zip` (what Lambda runs; "
        "all stripped: no `.symtab`) and the zip. hello-world runs the `not-found` fixture. "
        "Peak RSS: VmHWM read from `/proc/<pid>/status` when the first response arrives, "
        f"largest of the {r['runs']} starts. MB = 10⁶ bytes.\n")
    add("| function | ready p50 ms | ready p90 ms | ready min ms | ratio | first response p50 ms | "
        "p90 ms | status | binary MB | zip MB | peak RSS MB |")
    add("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|")
    for f in [HELLO, *FUNCTIONS]:
        c = cold[f]
        s = r["sizes"][f]
        ratio = med(c["ready_ms"]) / hello_ready
        statuses = ",".join(str(x) for x in sorted(set(c["status"]), key=str))
        mark = lambda ok, text: text if ok else f"**{text}**"  # noqa: E731
        add(f"| {f} | {fmt_ms(med(c['ready_ms']))} | {fmt_ms(pct(c['ready_ms'], 0.9))} | "
            f"{fmt_ms(min(c['ready_ms']))} | {mark(ratio <= GOAL_READY_RATIO, f'{ratio:.2f}×')} | "
            f"{fmt_ms(med(c['first_response_ms']))} | {fmt_ms(pct(c['first_response_ms'], 0.9))} | "
            f"{statuses} | {mark(s['binary'] <= GOAL_BINARY_MB * MB, fmt_mb(s['binary']))}"
            f"{'' if s['stripped'] else ' (not stripped)'} | {fmt_mb(s['zip']) if s['zip'] else '–'} | "
            f"{mark(max(c['hwm']) <= GOAL_RSS_MB * MB, fmt_mb(max(c['hwm'])))} |")
    add("")
    return lines


def first_request(r: dict, facts: Facts) -> list[str]:
    cold, hello_ready = r["cold"], facts.hello_ready
    lines = []
    add = lines.append
    add("### What init does, and what the first request does\n")
    add("Init reads only the settings (`LazyApp::from_env`) and sets up logging. The first "
        "request that gets past routing builds the app: the AWS SDK's configuration and "
        "clients, the CA roots (`shared/src/https.rs`, loaded once per process: here "
        "`/etc/ssl/certs/ca-certificates.crt` and every file of `/etc/ssl/certs`), and the "
        "Secrets Manager read when `SECRETS_ARN` is set. `token` answers its fixture with two "
        "DynamoDB calls, so its first response carries that build; the diagnostic start loads "
        "the CA bundle file only (`SSL_CERT_DIR` pointed at nothing), like the single "
        "`/etc/pki/tls/certs/ca-bundle.crt` of Lambda's images.\n")
    add("| start | ready p50 ms | ratio to hello-world | first response p50 ms | p90 ms |")
    add("|---|---:|---:|---:|---:|")
    for f in [HELLO, "not-found", "token", *DIAGNOSTIC_STARTS]:
        c = cold[f]
        add(f"| {f} | {fmt_ms(med(c['ready_ms']))} | {med(c['ready_ms']) / hello_ready:.2f}× | "
            f"{fmt_ms(med(c['first_response_ms']))} | {fmt_ms(pct(c['first_response_ms'], 0.9))} |")
    add("")
    return lines


def network(r: dict, facts: Facts) -> list[str]:
    started = facts.started
    lines = []
    add = lines.append
    add("## No network call during init\n")
    add("Each binary is started once under `strace -f -ttt -e trace=connect`; the runtime API "
        "holds the first `GET /next` for 300 ms before handing out the event, and every "
        "`connect()` stamped before the event was handed out is listed as *init*. strace was "
        "chosen over pointing the AWS endpoints at a recording port because it sees every "
        "`connect()` of the process whatever the address (a DNS lookup over UDP, the instance "
        "metadata service at 169.254.169.254 for credentials or region, a Unix socket), while a "
        "recording port sees only calls aimed at the endpoints we configured. The *first "
        "invocation* column shows the same trace after the event: the functions reach DynamoDB "
        "(moto) and SES only when a request needs them.\n")
    add("Each start gets its own runtime API port; moto is 127.0.0.1:5000, SES 127.0.0.1:8005.\n")
    add(f"The last row, *{SECRET_START}*, is login started with `SECRETS_ARN` naming a secret in "
        "moto that holds the signing keys (and `SIGNING_KEYS` empty in its environment): "
        "the secret is read by the first request (moto in the *first invocation* column, "
        "status 200 proving the keys arrived), never during init.\n")
    add("| function | connects during init | connects in the first invocation | status |")
    add("|---|---|---|---|")
    for f in started:
        n = r["network"][f]
        add(f"| {f} | {', '.join(n['init']) or 'none'} | "
            f"{', '.join(dict.fromkeys(n['invocation'])) or 'none'} | {n.get('status', '')} |")
    add("")
    return lines
