#!/usr/bin/env python3
"""Our login beside its Node.js 20 and Python 3.11 peers, alone (`make bench-peers`):
makes its own table in the local moto (`peers-<run>`), registers the bench member through
our `register` binary, measures (bench/benchlib/peers.py), prints JSON (or the report's
markdown with --markdown), and drops the table.

    make bench-peers-tools && python3 bench/peers.py --runs 5

Needs the local stack (`make stack-up`), the peers built (`make bench-peers-tools`) and
our binaries: target/lambda/{login,register}/bootstrap (`make package`), else the debug
builds in target/debug (figures then not the shipped binary's; the JSON says which).
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

from benchlib.binaries import packaged_binary  # noqa: E402
from benchlib.config import ROOT  # noqa: E402
from benchlib.events import Events  # noqa: E402
from benchlib.peers import main_env, ours_binary, runtime_peers  # noqa: E402
from benchlib.runner import Runner  # noqa: E402
from benchlib.stack import Dynamo, register_members  # noqa: E402
from benchlib.util import log  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="our login beside its Node.js and Python peers")
    parser.add_argument("--runs", type=int, default=10, help="cold starts of each")
    parser.add_argument("--warm", type=int, default=20, help="warm logins of each")
    parser.add_argument("--argon2-runs", type=int, default=20, help="argon2 verifies alone, each runtime")
    parser.add_argument("--login", help="our login binary (default: packaged, else target/debug/login)")
    parser.add_argument("--argon2-verify", help="bench/argon2-verify's binary (default: "
                        "bench/target/release/argon2-verify if built)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", help="also write the JSON here")
    parser.add_argument("--markdown", action="store_true", help="print the report section instead")
    args = parser.parse_args()

    env = main_env()
    login, packaged = (Path(args.login), True) if args.login else ours_binary()
    register = packaged_binary("register")
    if not packaged or not register.exists():
        register = ROOT / "target" / "debug" / "register"
    if not packaged:
        log(f"no packaged login: measuring the debug build {login} (development only)")
    run_id = f"{int(time.time())}-{os.getpid()}"
    table = f"peers-{run_id}"
    dynamo = Dynamo(env.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"))
    events = Events(f"peers-{run_id}")
    log(f"table {table}")
    dynamo.create_table(table)
    try:
        register_members(Runner({"register": register}, {**env, "MEMBERS_TABLE": table}), events)
        results = runtime_peers(env, events, table, args.runs, warm=args.warm,
                                argon2_runs=args.argon2_runs, rust_binary=login,
                                argon2_verify=Path(args.argon2_verify) if args.argon2_verify else None,
                                rng=random.Random(args.seed))
    finally:
        try:
            dynamo.delete_table(table)
        except Exception as err:  # noqa: BLE001 - cleanup only
            log(f"could not delete table {table}: {err}")
    results["ours_is_packaged"] = results["ours_is_packaged"] and packaged
    results["loadavg"] = os.getloadavg()
    text = json.dumps(results, indent=1, default=str)
    if args.out:
        Path(args.out).write_text(text)
    if args.markdown:
        from benchlib.report.peers import peer_summary_rows, peers_section
        print("\n".join(peer_summary_rows(results)))
        print("\n".join(peers_section(results, None)))
    else:
        print(text)


if __name__ == "__main__":
    main()
