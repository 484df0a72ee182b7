#!/usr/bin/env python3
"""Where a warm login's CPU goes (bench/benchlib/cpu.py), alone: `make bench` runs the same
measurement. Prints JSON.

    python3 bench/login_cpu.py [--bin-dir DIR] [--logins 200]

DIR holds `login` and `register` binaries (default: the packaged ones, `make package`);
needs the local stack (`make stack-up`), .tools/bench.env and bench/target/release/argon2-verify.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib.binaries import packaged_binary  # noqa: E402
from benchlib.config import BENCH, ROOT  # noqa: E402
from benchlib.cpu import beyond_argon2, login_cpu  # noqa: E402
from benchlib.events import Events  # noqa: E402
from benchlib.login import argon2_bench  # noqa: E402
from benchlib.runner import Runner  # noqa: E402
from benchlib.stack import Dynamo, register_members  # noqa: E402
from benchlib.util import read_env_file  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin-dir", help="a directory with login and register binaries")
    parser.add_argument("--logins", type=int, default=200)
    args = parser.parse_args()
    binaries = {f: (Path(args.bin_dir) / f if args.bin_dir else packaged_binary(f))
                for f in ("login", "register")}
    dev_env = read_env_file(ROOT / ".tools" / "bench.env")
    dynamo = Dynamo(dev_env.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"))
    run_id = f"{int(time.time())}-{os.getpid()}"
    dev_env["MEMBERS_TABLE"] = f"bench-cpu-{run_id}"
    dynamo.create_table(dev_env["MEMBERS_TABLE"])
    try:
        runner = Runner(binaries, dev_env)
        events = Events(run_id)
        register_members(runner, events)
        login = login_cpu(runner, events, args.logins)
    finally:
        dynamo.delete_table(dev_env["MEMBERS_TABLE"])
    argon2 = argon2_bench(BENCH / "target" / "release" / "argon2-verify", 1, 40)["memory"]
    print(json.dumps({"login": login, "argon2": argon2, **beyond_argon2(login, argon2)},
                     indent=1))


if __name__ == "__main__":
    main()
