"""argon2 and login throughput, and enumeration timing."""

from __future__ import annotations

from ..config import ARGON2_DEFAULTS, GOAL_ENUMERATION
from ..enumeration import GUESSES_PER_ACCOUNT
from ..util import med
from .common import Facts, fmt_ms, verdict


def argon2_and_throughput(r: dict, facts: Facts) -> list[str]:
    m = r["machine"]
    moto, own, driver, ours = facts.moto, facts.own, facts.driver, facts.ours
    other_share = facts.other_share
    lines = []
    add = lines.append
    a = r["argon2"]
    add("## argon2 and login throughput\n")
    add(f"argon2id verify at the defaults ({ARGON2_DEFAULTS}), measured in-process by "
        f"`bench/argon2-verify` (argon2 0.6.0 as in Cargo.lock, the release profile of the "
        f"functions), {len(a['samples'])} verifies on one thread: median "
        f"{fmt_ms(a['median_ms'])} ms, p90 {fmt_ms(a['p90_ms'])} ms, min {fmt_ms(a['min_ms'])} ms "
        f"(wall time); the thread's CPU time per verify (`getrusage(RUSAGE_THREAD)`, which does not "
        f"count waiting for a core held by other work): median {fmt_ms(a['cpu_median_ms'])} ms. "
        f"With {m['nproc']} threads verifying at once the same binary reached "
        f"{a['parallel_per_s']:.1f} verifies/s. "
        f"**Ceiling = {m['nproc']} cores ÷ {fmt_ms(a['median_ms'])} ms = {r['ceiling']:.1f} logins/s** "
        f"(on CPU time it would be {m['nproc'] / a['cpu_median_ms'] * 1000:.1f}).\n")
    add("Login throughput drives the packaged `login` binary through the bench's runtime API "
        "with N concurrent runtime loops (N processes polling `GET /next`, each one invocation "
        "at a time, as N warm Lambda instances), every login a real success against moto "
        "(`BatchGetItem` + `UpdateItem`). `make dev --release` (cargo-lambda watch) was not used: "
        "it would build all 17 functions a second time in release into another target "
        "directory (tens of minutes on 2 cores) and put cargo-lambda's emulator and router in "
        "front of one instance per function. Latency is the function's duration (event handed "
        "out → response posted), after 2 warm-up logins per instance. CPU per login is read from "
        "`/proc` over the measured window.\n")
    add("CPU columns: CPU ms per login over the measured window, by process (from "
        "`/proc/<pid>/stat`); *other work* is the rest of the machine's busy time (`/proc/stat`): "
        "programs outside this benchmark.\n")
    add("| instances | logins | logins/s | % of ceiling | p50 ms | p99 ms | non-200 | CPU: login (user + sys) | moto | runtime API + driver | other work | machine busy |")
    add("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t in r["throughput"]:
        c = t["cpu_ms_per_login"]
        add(f"| {t['concurrency']} | {t['logins']} | {t['per_second']:.1f} | "
            f"{t['per_second'] / r['ceiling'] * 100:.0f} % | {fmt_ms(t['p50_ms'])} | "
            f"{fmt_ms(t['p99_ms'])} | {t['non_200']} | {c['login processes']:.1f} "
            f"({c['login user']:.1f} + {c['login system']:.1f}) | "
            f"{c['moto']:.1f} | {c['runtime API + driver']:.1f} | "
            f"{t['other_cpu_s'] / t['logins'] * 1000:.1f} | "
            f"{t['machine_busy_fraction'] * 100:.0f} % |")
    add("")
    add(f"Reading (best setting): a login cost {ours:.1f} ms of CPU in this benchmark's processes: "
        f"{own:.1f} ms in the login process (argon2 ≈ {fmt_ms(a['cpu_median_ms'])} ms CPU of "
        f"it), {moto:.1f} ms in moto, {driver:.1f} ms in the runtime API and driver. The ceiling "
        f"counts argon2 alone; with everything a login needs on the same {m['nproc']} cores the "
        f"stack cannot exceed {m['nproc']} ÷ {ours:.1f} ms = {m['nproc'] / ours * 1000:.1f} "
        f"logins/s = {m['nproc'] / ours * 1000 / r['ceiling'] * 100:.0f} % of the ceiling, and "
        f"other work took {other_share * 100:.0f} % of the machine during the window. moto is "
        f"one Python process, in effect one core at a time (the GIL; scripts/moto_server.py "
        f"also serialises requests with a lock), so alone it caps the stack at about "
        f"{(1000 / moto) if moto > 0 else float('inf'):.0f} logins/s (1 ÷ its CPU per login).\n")
    return lines


def enumeration(r: dict, facts: Facts) -> list[str]:
    en = r["enumeration"]
    lines = []
    add = lines.append
    add("## Enumeration timing\n")
    add(f"{en['pairs']} logins with a registered email and a wrong password and {en['pairs']} "
        "with unknown emails, interleaved in random order within each pair, one warm `login` "
        "instance, each from its own source address so that no lockout or per-source cap "
        "answers instead (those are keyed on the source); the registered emails are "
        f"{GUESSES_PER_ACCOUNT} guesses each of several members, below the account-wide budget "
        "that would answer 429 past 20. Duration = event handed out → response.\n")

    def answers(kind: str) -> str:
        return "; ".join(f"{n} × {a}" for a, n in sorted(en["answers"][kind].items()))

    add("| | p50 ms | p90 ms | answers (count × status code) |")
    add("|---|---:|---:|---|")
    add(f"| known email, wrong password | {fmt_ms(en['known_p50_ms'])} | {fmt_ms(en['known_p90_ms'])} | {answers('known')} |")
    add(f"| unknown email | {fmt_ms(en['unknown_p50_ms'])} | {fmt_ms(en['unknown_p90_ms'])} | {answers('unknown')} |")
    if en["excluded"]:
        slow = [f"{x[1] / 1000:.1f} s" for x in en["raw"] if x[2] != 401]
        add(f"\n{en['excluded']} answer(s) other than 401 were left out of the timings (taking "
            f"{', '.join(slow)}; a 503 is the function's answer when a DynamoDB call times out "
            "after 2 s on both attempts: moto stalled, see bench/results/logs/login.log).")
    quarter = max(1, en["pairs"] // 3)
    drift = {kind: (med([x[1] for x in en["raw"] if x[0] == kind and x[2] == 401][:quarter]),
                    med([x[1] for x in en["raw"] if x[0] == kind and x[2] == 401][-quarter:]))
             for kind in ("known", "unknown")}
    add(f"\nBoth kinds slow down together over the run (median of the first / last {quarter}: "
        f"known {fmt_ms(drift['known'][0])} / {fmt_ms(drift['known'][1])} ms, unknown "
        f"{fmt_ms(drift['unknown'][0])} / {fmt_ms(drift['unknown'][1])} ms): every failed login "
        "adds counter items to the one table moto serves, one request at a time (see "
        "scripts/moto_server.py). Interleaving keeps that drift out of the comparison.")
    add(f"\nRatio of medians: {en['ratio']:.3f} (difference "
        f"{en['known_p50_ms'] - en['unknown_p50_ms']:+.1f} ms; median of the paired differences, "
        f"known − unknown within each pair: {en['pair_diff_p50_ms']:+.1f} ms); goal within "
        f"{GOAL_ENUMERATION * 100:.0f} %: {verdict(abs(en['ratio'] - 1) <= GOAL_ENUMERATION)}.\n")
    return lines
