#!/usr/bin/env python3
"""`make bench-timing`: does a request about an address with a member take as long as one
about an address without? Recovery (`send-recovery-email`: a member's address vs an unknown
one) and headless registration with email verification (`register`: a fresh address vs a
taken one), each as paired timings on one warm instance of the function built with the
`deploy` profile (make package's), against the local DynamoDB. Keeps the figures in
bench/timing.json and rewrites the "Timing by address" section of BENCHMARKS.md (`make
bench` renders the same section from the same file).

Usage: timing.py [--pairs N] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

from benchlib.config import BENCH, PASSWORD, ROOT
from benchlib.events import Events
from benchlib.report.common import rewrite_section, stamp
from benchlib.report.timing import TIMING, address_timing
from benchlib.runner import Runner
from benchlib.stack import Dynamo, register_members
from benchlib.timing import paired_timing
from benchlib.util import log, machine, read_env_file

FUNCTIONS = ["register", "send-recovery-email"]
HEADLESS_REGISTER = "/_api/iam/authentication/v2/register"


def headless_register(events: Events, email: str) -> bytes:
    event = json.loads(events.build("register", {"loginId": {"email": email}, "password": PASSWORD}))
    event["rawPath"] = event["requestContext"]["http"]["path"] = HEADLESS_REGISTER
    event["routeKey"] = f"POST {HEADLESS_REGISTER}"
    return json.dumps(event).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    binaries = {f: ROOT / "target" / "deploy" / f for f in FUNCTIONS}
    missing = [str(p) for p in binaries.values() if not p.exists()]
    if missing:
        raise SystemExit("missing binaries (cargo build --profile deploy): " + ", ".join(missing))
    env = read_env_file(ROOT / ".tools" / "bench.env")
    env["EMAIL_VERIFICATION"] = "required"
    run_id = f"{int(time.time())}-{os.getpid()}"
    table = env["MEMBERS_TABLE"] = f"bench-timing-{run_id}"
    dynamo = Dynamo(env.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"))
    dynamo.create_table(table)
    runner = Runner(binaries, env)
    events = Events(run_id)
    members = [f"bench-known-{run_id}-{i}@example.com" for i in range(40)]
    unknown = (f"bench-nobody-{run_id}-{i}@example.com" for i in range(10**9))
    results = {}
    try:
        log(f"table {table}: registering {len(members)} members")
        register_members(runner, events, 0, members)
        log(f"recovery, {args.pairs} pairs")
        results["recovery"] = paired_timing(
            runner, "send-recovery-email",
            {"member": lambda: events.build("send-recovery-email", {"email": rng.choice(members)}),
             "unknown": lambda: events.build("send-recovery-email", {"email": next(unknown)})},
            args.pairs, rng, ok=lambda status: status == 200)
        log(f"registration, {args.pairs} pairs")
        results["registration"] = paired_timing(
            runner, "register",
            {"taken": lambda: headless_register(events, rng.choice(members)),
             "fresh": lambda: headless_register(events, next(unknown))},
            args.pairs, rng, ok=lambda status: status == 200)
    finally:
        try:
            dynamo.delete_table(table)
        except Exception as err:  # noqa: BLE001 - cleanup only
            log(f"could not delete table {table}: {err}")
    stamp(results)
    results["machine"] = {k: machine()[k] for k in ("cpu", "nproc") if k in machine()}
    TIMING.write_text(json.dumps(results, indent=2) + "\n")
    section = address_timing({}, None)  # type: ignore[arg-type]
    rewrite_section("## Timing by address", section)
    print("\n".join(section))
    print(f"-> {TIMING.relative_to(BENCH.parent)}, BENCHMARKS.md")


if __name__ == "__main__":
    sys.exit(main())
