"""Findings: what the figures mean, one bullet per goal."""

from __future__ import annotations

from ..config import FUNCTIONS, GOAL_ENUMERATION
from ..util import med
from .common import Facts, fmt_mb, fmt_ms
from .handlers import handler_finding


def findings(r: dict, facts: Facts) -> list[str]:
    m, cold, a, en = r["machine"], r["cold"], r["argon2"], r["enumeration"]
    hello_ready, worst_ratio_fn, biggest = facts.hello_ready, facts.worst_ratio_fn, facts.biggest
    best_tp, tp_frac, c = facts.best_tp, facts.tp_frac, facts.best_tp["cpu_ms_per_login"]
    own, ours, other_share = facts.own, facts.ours, facts.other_share
    lines = []
    add = lines.append
    nf = med(cold["not-found"]["ready_ms"])
    token_first = med(cold["token"]["first_response_ms"])
    token_bundle = med(cold["token, CA bundle file only"]["first_response_ms"])
    smallest = min(FUNCTIONS, key=lambda f: r["sizes"][f]["binary"])
    add("## Findings\n")
    add(f"- **Cold start.** The worst function was ready in "
        f"{fmt_ms(med(cold[worst_ratio_fn]['ready_ms']))} ms ({worst_ratio_fn}), not-found in "
        f"{fmt_ms(nf)} ms, against hello-world's {fmt_ms(hello_ready)} ms: init now reads the "
        "settings and nothing else. Until 2026-11-23 it also built the AWS clients, whose "
        "default HTTPS client loads the CA roots as it is built; that made every function "
        "3.2–3.7× hello-world (8.7–10.2 ms, same machine). The build now happens on the first "
        "request that needs it (`LazyApp`), which also keeps the `SECRETS_ARN` read off init "
        f"(network table). Its cost shows in token's first response, {fmt_ms(token_first)} ms "
        f"with the Debian certificate directory and {fmt_ms(token_bundle)} ms with the bundle "
        "file alone (Lambda's case), two DynamoDB calls to moto included.")
    add(f"- **Binary size.** Largest {fmt_mb(r['sizes'][biggest]['binary'])} MB ({biggest}), "
        f"smallest {fmt_mb(r['sizes'][smallest]['binary'])} MB ({smallest}). Two changes "
        "since the 11.4–13.1 MB of the first run: the SDK's HTTP client is our own HTTP/1.1 "
        "one (no h2, −1.5 MB on login), and the `deploy` profile chosen in *Tuning* above. A "
        "one-off breakdown of the earlier 13.1 MB login (`bench/size_breakdown.py`, unstripped "
        "relink): aws-lc's C code 2.6 MB, AWS SDK + smithy + aws-config 2.1 MB, std/core "
        "generics 1.5 MB, h2 0.87 MB (now gone), hyper/http/tower 0.7 MB, rustls 0.5 MB, "
        "tracing + regex 0.4 MB, the project's own code 0.2 MB. aws-lc stays: it gives rustls "
        "the post-quantum hybrid key exchange (X25519MLKEM768) AWS endpoints accept, which "
        "ring does not.")
    add(f"- **Login throughput** {best_tp['per_second']:.1f} logins/s = {tp_frac * 100:.0f} % of "
        "the ceiling. What stands between them, from this run: (1) the cores do not scale: "
        f"argon2 alone, {m['nproc']} threads in one process, reached {a['parallel_per_s']:.1f} "
        f"verifies/s = {a['parallel_per_s'] / r['ceiling'] * 100:.0f} % of the ceiling (two 19 MiB "
        "working sets against the 32 MiB L3 this VM reports, or a host sharing the cores; not "
        "determined), so 85 % is out of reach of this machine before anything else; (2) moto, "
        f"the Python stand-in for DynamoDB, runs on the same cores and spends {c['moto']:.1f} ms "
        f"of CPU per login ({c['moto'] / ours * 100:.0f} % of the benchmark's CPU per login), "
        f"and with it a login costs {ours:.1f} ms of CPU, which bounds {m['nproc']} cores at "
        f"{m['nproc'] / ours * 1000:.1f} logins/s = "
        f"{m['nproc'] / ours * 1000 / r['ceiling'] * 100:.0f} %; (3) the function's own "
        f"{own - a['cpu_median_ms']:.1f} ms of CPU per login besides argon2: SDK calls, logging, "
        f"and a new TCP connection per DynamoDB call because moto answers `Connection: "
        f"{r['moto_connection']}` (DynamoDB keeps connections alive). Other work held "
        f"{other_share * 100:.0f} % of the machine during the window. Against real DynamoDB "
        "on Lambda, where every instance has its own vCPU share, (1) and (2) do not apply.")
    lines += handler_finding(r, facts)
    enum_ok = abs(en["ratio"] - 1) <= GOAL_ENUMERATION
    add(f"- **Enumeration timing** ratio {en['ratio']:.3f} "
        f"({'within' if enum_ok else 'outside'} {GOAL_ENUMERATION * 100:.0f} %; paired difference "
        f"{en['pair_diff_p50_ms']:+.1f} ms). The two paths do the same work: the attempt "
        "counted (lock and account-wide budget, two conditional UpdateItems) beside one "
        "BatchGetItem (the member's email key is asked for either way), one argon2 verify "
        "against the member's hash or a dummy hash of the same parameters, the source's "
        "failure counted, and the same 401 answer.\n")
    return lines
