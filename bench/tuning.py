#!/usr/bin/env python3
"""Release profiles side by side: `make bench-tuning`.

Builds `login` and `not-found` with each cargo profile named on the command line (as
`make package` builds, same target and RUSTFLAGS), then measures in one interleaved run:
stripped binary size, cold start to ready and to the first response (login against moto
with argon2 at its defaults, so a slower argon2 would show), peak RSS, beside the
hello-world baseline. Writes bench/tuning.json (committed), which `make bench` (bench.py) puts
into BENCHMARKS.md as its "Tuning" section.

Needs the local stack (`make stack-up`), `make package` (its `register` seeds the login
member) and bench/target/release/hello-lambda (built by `make bench`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402

FUNCTIONS = ["login", "not-found"]


def build(profile: str, target: str) -> dict[str, Path]:
    cmd = ["cargo", "build", "--locked", "--profile", profile, "--target", target,
           *[arg for f in FUNCTIONS for arg in ("-p", f)]]
    bench.log(" ".join(cmd))
    started = time.time()
    subprocess.run(cmd, cwd=bench.ROOT, check=True, stdout=sys.stderr)
    bench.log(f"{profile}: built in {time.time() - started:.0f} s")
    return {f: bench.ROOT / "target" / target / profile / f for f in FUNCTIONS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("profiles", nargs="+", help="cargo profiles, e.g. release deploy")
    parser.add_argument("--target", default=f"{os.uname().machine}-unknown-linux-gnu")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--note", default="", help="what else differs between the builds")
    args = parser.parse_args()

    builds = {p: build(p, args.target) for p in args.profiles}
    dev_env = bench.read_env_file(bench.ROOT / ".tools" / "bench.env")
    endpoint = dev_env.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
    run_id = f"tuning-{int(time.time())}-{os.getpid()}"
    dev_env["MEMBERS_TABLE"] = f"bench-{run_id}"
    dynamo = bench.Dynamo(endpoint)
    dynamo.create_table(dev_env["MEMBERS_TABLE"])
    hello = bench.BENCH / "target" / "release" / "hello-lambda"
    runners = {
        p: bench.Runner({bench.HELLO: hello, "register": bench.packaged_binary("register"), **b},
                        dev_env)
        for p, b in builds.items()
    }
    events = bench.Events(run_id)
    results: dict = {
        "machine": bench.machine(), "runs": args.runs, "target": args.target,
        "rustflags": os.environ.get("RUSTFLAGS", ""), "note": args.note,
        "command": "make bench-tuning PROFILES=\"" + " ".join(args.profiles) + "\"",
        "profiles": {},
    }
    try:
        bench.register_members(next(iter(runners.values())), events)
        starts = [(p, f) for p in builds for f in FUNCTIONS] + [(None, bench.HELLO)]
        samples = {s: {"ready_ms": [], "first_response_ms": [], "hwm": [], "status": []}
                   for s in starts}
        rng = random.Random(1)
        for i in range(args.runs):
            rng.shuffle(starts)
            for profile, function in starts:
                runner = runners[profile or args.profiles[0]]
                event = (events.login(events.login_email, bench.PASSWORD) if function == "login"
                         else events.build("not-found"))
                res = runner.cold_start(function, event)
                for key in samples[(profile, function)]:
                    samples[(profile, function)][key].append(res[key])
            bench.log(f"round {i + 1}/{args.runs}")
    finally:
        dynamo.call("DeleteTable", {"TableName": dev_env["MEMBERS_TABLE"]})

    hello_ready = bench.med(samples[(None, bench.HELLO)]["ready_ms"])
    results["hello_ready_ms"] = hello_ready
    for profile, paths in builds.items():
        results["profiles"][profile] = {
            f: {
                "binary": paths[f].stat().st_size,
                "ready_ms": bench.med(samples[(profile, f)]["ready_ms"]),
                "first_response_ms": bench.med(samples[(profile, f)]["first_response_ms"]),
                "peak_rss": max(samples[(profile, f)]["hwm"]),
                "statuses": sorted(set(samples[(profile, f)]["status"]), key=str),
            }
            for f in FUNCTIONS
        }
    bench.RESULTS.mkdir(parents=True, exist_ok=True)
    out = bench.BENCH / "tuning.json"
    out.write_text(json.dumps(results, indent=1, default=str))
    print(json.dumps(results["profiles"], indent=1))
    bench.log(f"wrote {out}")


if __name__ == "__main__":
    main()
