"""Where a warm login's CPU goes (bench/benchlib/cpu.py)."""

from __future__ import annotations

from ..config import FULL_VCPU_MB, PRICE_GB_S
from .common import Facts, verdict

# Issue 15: a login's CPU beyond argon2, per login.
GOAL_BEYOND_ARGON2_MS = 1.0


def login_cpu_rows(r: dict) -> list[str]:
    c = r.get("login_cpu")
    if not c:
        return []
    beyond = c["login"]["main_thread_ms"]
    return [f"| login CPU beyond argon2, one warm instance (its async thread: everything but "
            f"the verify) | {beyond:.2f} ms of {c['login']['cpu_ms']:.1f} ms per login | "
            f"≤ {GOAL_BEYOND_ARGON2_MS:g} ms | {verdict(beyond <= GOAL_BEYOND_ARGON2_MS)} |"]


def login_cpu(r: dict, facts: Facts) -> list[str]:
    c = r.get("login_cpu")
    if not c:
        return []
    login, argon2 = c["login"], c["argon2"]
    lines = ["## Where a login's CPU goes\n"]
    add = lines.append
    add(f"One warm `login` instance answers {login['logins']} logins one after another (each "
        "from its own source address, through the runtime API, against moto); its CPU is read "
        "from `/proc/<pid>/stat` and `/proc/<pid>/task/<pid>/stat` before and after. The "
        "function runs a current-thread tokio runtime, so its main thread does everything but "
        "argon2 (HTTP to the runtime API and DynamoDB, the AWS SDK, JSON, tokens, logging), "
        "and argon2 runs on the blocking pool. argon2 alone comes from bench/argon2-verify on "
        "a thread of its own, with its working memory kept between verifies as the functions "
        "do since issue 15, and with a fresh zeroed block per verify (the crate's own "
        "`verify_password`, what the functions did before). Clock ticks are 10 ms, so each "
        "figure is good to about ±0.05 ms per login.\n")
    add("| per login | ms |")
    add("|---|---:|")
    add(f"| login process, user + system | {login['cpu_ms']:.2f} ({login['user_ms']:.2f} + "
        f"{login['system_ms']:.2f}) |")
    add(f"| — main thread (everything but argon2) | {login['main_thread_ms']:.2f} |")
    add(f"| — blocking pool (argon2) | {login['other_threads_ms']:.2f} |")
    add(f"| page faults (minor) | {login['minor_faults']:.1f} |")
    add(f"| argon2 alone, memory kept (user + system) | {c['argon2_kept_ms']:.2f} "
        f"({argon2['kept_user_ms']:.2f} + {argon2['kept_system_ms']:.2f}) |")
    add(f"| argon2 alone, fresh block per verify (user + system) | {c['argon2_fresh_ms']:.2f} "
        f"({argon2['fresh_user_ms']:.2f} + {argon2['fresh_system_ms']:.2f}) |")
    if "huge_user_ms" in argon2:
        add(f"| argon2 alone, memory kept in transparent huge pages (not used by the "
            f"functions; {argon2['huge_pages_kb'] / 1024:.0f} MiB granted) | "
            f"{argon2['huge_user_ms'] + argon2['huge_system_ms']:.2f} |")
    add(f"| login process − argon2 alone (kept) | {c['beyond_argon2_ms']:.2f} |")
    add("")
    main_ms = login["main_thread_ms"]
    # What the gap costs a site: CPU-bound time stretches by 1769/M below a full vCPU.
    login_memory_mb = 1024
    billed_ms = main_ms * FULL_VCPU_MB / login_memory_mb
    usd_per_million = billed_ms / 1000 * login_memory_mb / 1024 * PRICE_GB_S["arm64"] * 1e6
    sign_in = (r.get("cost") or {}).get("priced", {}).get("sign_in", {}).get("total_usd")
    add(f"Reading: the work that is not argon2 costs {main_ms:.2f} ms per login on the main "
        f"thread (goal ≤ {GOAL_BEYOND_ARGON2_MS:g} ms: "
        f"{verdict(main_ms <= GOAL_BEYOND_ARGON2_MS)}); the next section names it by code. "
        "The blocking-pool thread spends "
        f"{login['other_threads_ms'] - c['argon2_kept_ms']:+.2f} ms beside argon2 measured "
        "alone: the same argon2 code with the same parameters and memory handling, in "
        "another process, so the difference is where the block's pages land and run-to-run "
        "variation, not work of the function's (in a one-off run on 2026-12-02, on an Intel "
        "Xeon, login linked with mimalloc, whose arenas the kernel backs with transparent "
        "huge pages, spent 13.3 ms on that thread against 16.1 ms with glibc, and 0.8 ms more "
        "to ready and 7 MB more RSS, so it was not kept). What the main thread's share costs "
        f"a site: at login's 1024 MB on arm64, {main_ms:.2f} ms of CPU is {billed_ms:.1f} ms "
        f"of Lambda time, ${usd_per_million:.3f} per million logins"
        + (f", {usd_per_million / (sign_in * 1e6):.2%} of a sign-in's "
           f"${sign_in * 1e6:.2f} per million (*What a login costs a site*)" if sign_in else "")
        + ".\n")
    return lines
