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
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib.binaries import packaged_binary  # noqa: E402
from benchlib.config import BENCH  # noqa: E402
from benchlib.cpu import beyond_argon2, login_cpu  # noqa: E402
from benchlib.login import argon2_bench  # noqa: E402
from benchlib.stack import login_bench  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin-dir", help="a directory with login and register binaries")
    parser.add_argument("--logins", type=int, default=200)
    args = parser.parse_args()
    binaries = {f: (Path(args.bin_dir) / f if args.bin_dir else packaged_binary(f))
                for f in ("login", "register")}
    with login_bench(binaries, "cpu") as (runner, events):
        login = login_cpu(runner, events, args.logins)
    argon2 = argon2_bench(BENCH / "target" / "release" / "argon2-verify", 1, 40)["memory"]
    print(json.dumps({"login": login, "argon2": argon2, **beyond_argon2(login, argon2)},
                     indent=1))


if __name__ == "__main__":
    main()
