"""The report's opening: how it was produced, on what machine, and the summary table."""

from __future__ import annotations

from ..config import (ARGON2_DEFAULTS, GOAL_BINARY_MB, GOAL_ENUMERATION, GOAL_HANDLER_US,
                      GOAL_READY_RATIO, GOAL_RSS_MB, GOAL_THROUGHPUT, MB)
from ..util import med
from .better_auth import better_auth_summary_rows
from .common import Facts, fmt_mb, fmt_ms, verdict
from .cost import cost_summary_rows
from .cpu import login_cpu_rows
from .peers import peer_summary_rows


def header(r: dict, command: str) -> list[str]:
    m = r["machine"]
    lines = []
    add = lines.append
    add("# Benchmarks\n")
    add(f"Produced by `{command}` (bench/bench.py, which rewrites this file). Every figure "
        "below comes from that one run, except those marked one-off (the *Tuning* table, from `make bench-tuning`, and a binary-size breakdown)."
        + (" `-o package` took the binaries `make package` had built as they were."
           if "-o package" in command else "") + "\n")
    add(f"- machine: {m['nproc']} cores (`nproc`), {m['cpu']}, kernel {m['kernel']}, "
        f"shared with other work (load average {m['loadavg_start'][0]:.2f} at start, "
        f"{m['loadavg_end'][0]:.2f} at end)")
    add(f"- date: {m['date']}; commit {m['commit']}; {m['rustc']}; "
        f"binaries from `make package` ({r['arch']}, zips written {r['built']})")
    add(f"- local stack: moto `{r['moto']}` on :5000, aws-ses-v2-local on :8005")
    add(f"- run took {r['elapsed_s']:.0f} s\n")
    return lines


def summary(r: dict, facts: Facts) -> list[str]:
    m, cold, en, h = r["machine"], r["cold"], r["enumeration"], r.get("handlers")
    hello_ready, worst_ratio_fn, worst_ratio = facts.hello_ready, facts.worst_ratio_fn, facts.worst_ratio
    biggest, hungriest, best_tp, tp_frac = facts.biggest, facts.hungriest, facts.best_tp, facts.tp_frac
    quiet = facts.quiet
    lines = []
    add = lines.append
    add("## Summary\n")
    add("| measure | result | goal | |")
    add("|---|---|---|---|")
    add(f"| cold start, ready (spawn → first `GET /next`), median, worst function | "
        f"{fmt_ms(med(cold[worst_ratio_fn]['ready_ms']))} ms ({worst_ratio_fn}) = "
        f"{worst_ratio:.2f}× hello-world ({fmt_ms(hello_ready)} ms) | ≤ {GOAL_READY_RATIO}× | "
        f"{verdict(worst_ratio <= GOAL_READY_RATIO)} |")
    add(f"| network calls during init | "
        f"{'none but the Runtime API, every function' if not quiet else 'other connects in: ' + ', '.join(quiet)} "
        f"| none | {verdict(not quiet)} |")
    add(f"| stripped binary, largest | {fmt_mb(r['sizes'][biggest]['binary'])} MB ({biggest}) | "
        f"≤ {GOAL_BINARY_MB:g} MB | {verdict(r['sizes'][biggest]['binary'] <= GOAL_BINARY_MB * MB)} |")
    add(f"| peak RSS (VmHWM after the first response), largest | "
        f"{fmt_mb(max(cold[hungriest]['hwm']))} MB ({hungriest}) | ≤ {GOAL_RSS_MB:g} MB | "
        f"{verdict(max(cold[hungriest]['hwm']) <= GOAL_RSS_MB * MB)} |")
    add(f"| argon2id verify, {ARGON2_DEFAULTS}, in-process, median | "
        f"{fmt_ms(r['argon2']['median_ms'])} ms | (ceiling {r['ceiling']:.1f} logins/s = "
        f"{m['nproc']} cores ÷ verify) | |")
    add(f"| login throughput, best of {', '.join(str(t['concurrency']) for t in r['throughput'])} "
        f"instances | {best_tp['per_second']:.1f} logins/s = {tp_frac * 100:.0f} % of ceiling "
        f"(p50 {fmt_ms(best_tp['p50_ms'])} ms, p99 {fmt_ms(best_tp['p99_ms'])} ms) | ≥ "
        f"{GOAL_THROUGHPUT * 100:.0f} % | {verdict(tp_frac >= GOAL_THROUGHPUT)} |")
    if h:
        worst_handler, worst_us = facts.worst_handler, facts.worst_us
        add(f"| handler overhead beyond argon2 and I/O (criterion median, in-memory store), "
            f"worst of {len(h['overhead_us'])} | {worst_us:.1f} µs ({worst_handler}) | ≤ "
            f"{GOAL_HANDLER_US:g} µs | {verdict(worst_us <= GOAL_HANDLER_US)} |")
    add(f"| enumeration: known email + wrong password ÷ unknown email, medians | "
        f"{fmt_ms(en['known_p50_ms'])} / {fmt_ms(en['unknown_p50_ms'])} ms = {en['ratio']:.3f} | "
        f"within {GOAL_ENUMERATION * 100:.0f} % | "
        f"{verdict(abs(en['ratio'] - 1) <= GOAL_ENUMERATION)} |")
    lines += login_cpu_rows(r)
    lines += peer_summary_rows(r.get("peers") or {})
    lines += better_auth_summary_rows(r)
    lines += cost_summary_rows(r) if "cost" in r else []
    add("")
    return lines
