"""argon2 alone (the login ceiling) and login throughput of N warm `login` instances."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from .config import PASSWORD
from .events import Events
from .procfs import machine_cpu_s, proc_cpu_s, proc_cpu_split
from .runner import Runner
from .util import med, pct


def argon2_bench(binary: Path, threads: int, runs: int) -> dict:
    out = subprocess.run([str(binary), "--runs", str(runs), "--threads", str(threads)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)



def argon2_figures(binary: Path, nproc: int, runs: int = 40) -> dict:
    """`runs` verifies at the defaults on one thread (wall and CPU time) and the rate with
    `nproc` threads verifying at once, from bench/argon2-verify."""
    a = argon2_bench(binary, nproc, runs)
    samples = a["verify_ms"]
    return {
        "samples": samples, "median_ms": med(samples), "p90_ms": pct(samples, 0.9),
        "min_ms": min(samples), "parallel_per_s": a["parallel"]["per_second"],
        "cpu_samples": a["verify_cpu_ms"], "cpu_median_ms": med(a["verify_cpu_ms"]),
        "memory": a["memory"],
    }


def login_throughput(runner: Runner, events: Events, concurrency: int, seconds: float,
                     expected_rate: float, moto_pid: int | None) -> dict:
    api = runner.runtime("login")
    session = api.session
    procs = [runner.spawn("login", api) for _ in range(concurrency)]
    try:
        for _ in range(2 * concurrency):  # cold starts, first connections to moto
            session.submit(events.login(events.login_email, PASSWORD))
        for _ in range(2 * concurrency):
            runner.wait_done(session, "login", procs)
        fill = int(expected_rate * seconds * 1.5) + 4 * concurrency
        batch = [events.login(events.login_email, PASSWORD) for _ in range(fill)]
        procs_cpu0 = [proc_cpu_split(p.pid) for p in procs]
        moto0 = proc_cpu_s(moto_pid) if moto_pid else 0.0
        self0 = sum(os.times()[:2])
        busy0, total0 = machine_cpu_s()
        start = time.perf_counter_ns()
        for event in batch:
            session.submit(event)
        time.sleep(seconds)
        measured = fill - session.drain()
        done = [runner.wait_done(session, "login", procs) for _ in range(measured)]
        end = max(inv.done_ns for inv in done)
        busy1, total1 = machine_cpu_s()
        self1 = sum(os.times()[:2])
        moto1 = proc_cpu_s(moto_pid) if moto_pid else 0.0
        procs_cpu1 = [proc_cpu_split(p.pid) for p in procs]
    finally:
        for proc in procs:
            runner.stop(proc)
        api.stop()
    wall = (end - start) / 1e9
    durations = [inv.duration_ms for inv in done]
    statuses = [inv.status_code() for inv in done]
    n = len(done)
    login_user = sum(b[0] - a[0] for a, b in zip(procs_cpu0, procs_cpu1))
    login_sys = sum(b[1] - a[1] for a, b in zip(procs_cpu0, procs_cpu1))
    return {
        "concurrency": concurrency,
        "logins": n,
        "seconds": wall,
        "per_second": n / wall,
        "p50_ms": med(durations),
        "p99_ms": pct(durations, 0.99),
        "non_200": sum(1 for s in statuses if s != 200),
        "cpu_ms_per_login": {
            "login processes": (login_user + login_sys) / n * 1000,
            "login user": login_user / n * 1000,
            "login system": login_sys / n * 1000,
            "moto": (moto1 - moto0) / n * 1000,
            "runtime API + driver": (self1 - self0) / n * 1000,
            "machine busy (all)": (busy1 - busy0) / n * 1000,
        },
        # /proc/stat and per-process ticks are sampled apart: clamp the remainder at 0.
        "other_cpu_s": max(0.0, (busy1 - busy0) - (login_user + login_sys) - (moto1 - moto0)
                           - (self1 - self0)),
        "machine_busy_fraction": (busy1 - busy0) / (total1 - total0),
    }
