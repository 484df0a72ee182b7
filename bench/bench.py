#!/usr/bin/env python3
"""`make bench`: cold start, size, memory, argon2, login throughput and enumeration timing
of the release Lambda binaries, in one run, against the local stack. Prints a markdown
report and writes it to BENCHMARKS.md (raw figures in bench/results/).

Needs: target/lambda/<function>/bootstrap(.zip) (`make package`), the bench crates built
(bench/target/release/{hello-lambda,argon2-verify}), moto on :5000 and SES on :8005
(`make stack-up`), strace, and .tools/bench.env (scripts/dev-env.sh).

The measurements and the report live in bench/benchlib/, one module per concern; this file
runs them in order. `--from-json` rewrites the report from a saved results file alone.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# Re-exported: bench/tuning.py (`import bench`) uses the paths, the stack, the runner and the
# helpers from here; the rest keeps `bench.<name>` working as it did before the split.
from runtime_api import Invocation, RuntimeAPI, Session  # noqa: E402,F401
from benchlib.binaries import binary_sizes, elf_stripped, packaged_at, packaged_binary  # noqa: E402,F401
from benchlib.better_auth import better_auth_bench  # noqa: E402
from benchlib.coldstart import cold_starts, network_during_init  # noqa: E402,F401
from benchlib.cost import create_table as create_full_table, login_cost  # noqa: E402
from benchlib.cpu import beyond_argon2, login_cpu  # noqa: E402
from benchlib.config import (  # noqa: E402,F401
    ARGON2_DEFAULTS, ARGON2_FUNCTIONS, ASSUMED_DYNAMODB_MS, BENCH, DIAGNOSTIC_STARTS,
    FIXTURES, FULL_VCPU_MB, FUNCTIONS, GOAL_BINARY_MB, GOAL_ENUMERATION, GOAL_HANDLER_US,
    GOAL_READY_RATIO, GOAL_RSS_MB, GOAL_THROUGHPUT, HANDLER_BENCHES, HELLO, MB, MEMORY_SIZES,
    NO_DIR, PASSWORD, PRICE_GB_S, PRICE_PER_MILLION_REQUESTS, RESULTS, ROOT, SDK_CALL_BENCH,
    SECRET_START)
from benchlib.enumeration import enumeration, guessed_accounts  # noqa: E402,F401
from benchlib.events import Events  # noqa: E402,F401
from benchlib.handlers import handler_overhead  # noqa: E402,F401
from benchlib.login import argon2_bench, argon2_figures, login_throughput  # noqa: E402,F401
from benchlib.peers import runtime_peers  # noqa: E402
from benchlib.procfs import (  # noqa: E402,F401
    listening_pid, machine_cpu_s, proc_cpu_s, proc_cpu_split, vm_status)
from benchlib.report import report  # noqa: E402,F401
from benchlib.report.common import fmt_mb, fmt_ms, verdict  # noqa: E402,F401
from benchlib.report.sizing import sizing_rows  # noqa: E402,F401
from benchlib.runner import CONNECT, Runner, parse_connects  # noqa: E402,F401
from benchlib.stack import Dynamo, moto_info, register_members  # noqa: E402,F401
from benchlib.util import log, machine, med, pct, read_env_file, sh  # noqa: E402,F401


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="members-auth benchmarks")
    parser.add_argument("--runs", type=int, default=20, help="cold starts per binary")
    parser.add_argument("--pairs", type=int, default=300, help="enumeration logins of each kind")
    parser.add_argument("--seconds", type=float, default=15, help="throughput window per setting")
    parser.add_argument("--concurrency", default="", help="instances, e.g. 2,4 (default: nproc, 2×nproc)")
    parser.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    parser.add_argument("--command", default=os.environ.get("BENCH_COMMAND", "make bench"),
                        help="the command line to name in the report")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--from-json", help="only rewrite the report from a results file "
                        "of an earlier run (bench/results/latest.json)")
    parser.add_argument("--bin-dir", help="take <dir>/<function> instead of the packaged "
                        "target/lambda/<function>/bootstrap (to try the bench on other builds)")
    parser.add_argument("--profile", default=os.environ.get("BENCH_PROFILE", "deploy"),
                        help="the cargo profile the handler benches are built with (make "
                        "package's)")
    parser.add_argument("--target", default=os.environ.get("BENCH_TARGET", f"{os.uname().machine}-unknown-linux-gnu"),
                        help="the target triple the handler benches are built for")
    return parser.parse_args()


def write_report(results: dict, command: str, out: str) -> None:
    text = report(results, command)
    Path(out).write_text(text)
    print(text)


def find_binaries(bin_dir: str | None) -> dict[str, Path]:
    """hello-world and every function's binary; exits when one is missing."""
    binaries = {HELLO: BENCH / "target" / "release" / "hello-lambda"}
    for f in FUNCTIONS:
        binaries[f] = (Path(bin_dir).resolve() / f if bin_dir
                       else packaged_binary(f))
    missing = [str(p) for p in binaries.values() if not p.exists()]
    if missing:
        raise SystemExit("missing binaries (make package): " + ", ".join(missing))
    return binaries


def binaries_arch(binaries: dict[str, Path]) -> str:
    """The packaged binaries' architecture; exits unless this machine can run them."""
    arch = sh("file", "-b", str(binaries["login"]))
    arch = "arm64" if "aarch64" in arch else "x86_64" if "x86-64" in arch else arch
    host = {"x86_64": "x86_64", "aarch64": "arm64"}.get(os.uname().machine, os.uname().machine)
    if arch != host:
        raise SystemExit(f"the packaged binaries are {arch}; this machine runs {host}")
    return arch


def main() -> None:
    args = parse_args()
    if args.from_json:
        results = json.loads(Path(args.from_json).read_text())
        write_report(results, results.get("command", args.command), args.out)
        return
    started = time.time()
    rng = random.Random(args.seed)
    m = machine()
    results: dict = {"machine": m, "runs": args.runs}

    binaries = find_binaries(args.bin_dir)
    results["arch"] = binaries_arch(binaries)

    # ---- handler overhead (first: its build must not overlap the timings below)
    log("handler overhead: criterion benches over the in-memory store")
    results["handlers"] = handler_overhead(args.profile, args.target,
                                           os.environ.get("RUSTFLAGS", ""))

    results["sizes"] = binary_sizes(binaries)

    # ---- environment and stack
    dev_env = read_env_file(ROOT / ".tools" / "bench.env")
    endpoint = dev_env.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
    dynamo = Dynamo(endpoint)
    run_id = f"{int(time.time())}-{os.getpid()}"
    table = f"bench-{run_id}"
    dev_env["MEMBERS_TABLE"] = table
    moto_port = int(endpoint.rsplit(":", 1)[1].strip("/"))
    moto_pid = listening_pid(moto_port)
    results.update(moto_info(endpoint, moto_pid))
    results["built"] = packaged_at()
    runner = Runner(binaries, dev_env)
    events = Events(run_id)
    log(f"table {table}, moto pid {moto_pid}")
    dynamo.create_table(table)
    try:
        register_members(runner, events, guessed_accounts(args.pairs))
        results["network"] = network_during_init(runner, events, dynamo, dev_env,
                                                 f"bench-{run_id}", moto_port)
        results["cold"] = cold_starts(runner, events, binaries, args.runs, rng)

        log("argon2 verify in-process")
        results["argon2"] = argon2_figures(BENCH / "target" / "release" / "argon2-verify",
                                           m["nproc"])
        results["ceiling"] = m["nproc"] / (results["argon2"]["median_ms"] / 1000)

        levels = [int(x) for x in args.concurrency.split(",") if x] or [m["nproc"], 2 * m["nproc"]]
        results["throughput"] = []
        for level in levels:
            log(f"login throughput, {level} instances, {args.seconds:g} s")
            results["throughput"].append(login_throughput(
                runner, events, level, args.seconds, results["ceiling"], moto_pid))

        log(f"enumeration timing, {args.pairs} pairs")
        results["enumeration"] = enumeration(runner, events, args.pairs, args.seed)

        log("where a login's CPU goes: one warm instance")
        cpu = login_cpu(runner, events)
        results["login_cpu"] = {"login": cpu, "argon2": results["argon2"]["memory"],
                                **beyond_argon2(cpu, results["argon2"]["memory"])}

        log(f"peers: the same login in Node.js 20 and Python 3.11, {args.runs} starts each")
        results["peers"] = runtime_peers(dev_env, events, table, args.runs, rng=rng)
    finally:
        try:
            dynamo.delete_table(table)
        except Exception as err:  # noqa: BLE001 - cleanup only
            log(f"could not delete table {table}: {err}")

    # The cost journey needs the table's indexes (the bench's own table has only its key).
    log("what a login costs: the client's journey, priced")
    cost_table = f"bench-cost-{run_id}"
    create_full_table(cost_table, dev_env)
    try:
        results["cost"] = login_cost(binaries, dev_env, cost_table)
    finally:
        try:
            dynamo.delete_table(cost_table)
        except Exception as err:  # noqa: BLE001 - cleanup only
            log(f"could not delete table {cost_table}: {err}")

    log(f"better-auth: email and password sign-in on Node.js 20, {args.runs} starts")
    results["better_auth"] = better_auth_bench(args.runs, 100)

    m["loadavg_end"] = os.getloadavg()
    results["elapsed_s"] = time.time() - started
    results["command"] = args.command
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=1, default=str))
    write_report(results, args.command, args.out)


if __name__ == "__main__":
    main()
