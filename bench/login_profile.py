#!/usr/bin/env python3
"""`make bench-profile`: where a warm login's main-thread CPU goes, by code. Runs one login
instance (built by `make bench-profile` with symbols and frame pointers) under `perf
record`, keeps the figures in bench/login_profile.json and rewrites the "Where a login's
main thread goes" section of BENCHMARKS.md from them (`make bench` renders the same
section from the same file).

    python3 bench/login_profile.py --bin-dir DIR [--logins 300]

Needs the local stack (`make stack-up`), .tools/bench.env and `perf` (linux-perf).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib.profile import profile_login  # noqa: E402
from benchlib.report.common import rewrite_section, stamp  # noqa: E402
from benchlib.report.profile import PROFILE, login_profile  # noqa: E402
from benchlib.stack import login_bench  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin-dir", required=True, help="a directory with login and register")
    parser.add_argument("--logins", type=int, default=300)
    args = parser.parse_args()
    binaries = {f: Path(args.bin_dir).resolve() / f for f in ("login", "register")}
    with login_bench(binaries, "profile") as (runner, events), \
            tempfile.TemporaryDirectory() as tmp:
        figures = profile_login(runner, events, Path(tmp) / "perf.data", args.logins)
    if figures["non_200"]:
        raise SystemExit(f"{figures['non_200']} of {figures['logins']} logins failed")
    figures["rustflags"] = os.environ.get("RUSTFLAGS", "")
    stamp(figures)
    PROFILE.write_text(json.dumps(figures, indent=2) + "\n")
    section = login_profile({}, None)  # type: ignore[arg-type]
    rewrite_section("## Where a login's main thread goes", section, after="## Where a login's CPU goes")
    print("\n".join(section))


if __name__ == "__main__":
    main()
