#!/usr/bin/env python3
"""better-auth (npm) beside our login, alone: email-and-password sign-in on Node 20 with
argon2id at our parameters and its memory adapter (bench/benchlib/better_auth.py says what
is measured; the server is bench/peers/better-auth/server.mjs). Prints the figures as JSON
and keeps them in bench/results/better-auth.json.

Needs `make bench-better-auth-tools` (npm ci of the pinned packages) and node on PATH; no
local stack. `--markdown` also prints the report's section, beside our figures from a
results file of `make bench` (bench/results/latest.json) when there is one.

Usage: better_auth.py [--runs N] [--signins N] [--throughput-signins N] [--markdown]
                      [--ours FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib.better_auth import better_auth_bench  # noqa: E402
from benchlib.config import RESULTS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="better-auth sign-in beside our login")
    parser.add_argument("--runs", type=int, default=5, help="cold starts (each with its "
                        "first sign-in and warm sign-ins)")
    parser.add_argument("--signins", type=int, default=100, help="warm sign-ins per start "
                        "(after 50 unmeasured)")
    parser.add_argument("--throughput-signins", type=int, default=200, help="sign-ins at "
                        "each throughput setting (nproc and 2×nproc clients); 0 skips it")
    parser.add_argument("--markdown", action="store_true", help="also print the report's "
                        "section and summary rows (to stderr)")
    parser.add_argument("--ours", default=str(RESULTS / "latest.json"), help="our figures "
                        "for --markdown: a results file of make bench")
    args = parser.parse_args()
    r = better_auth_bench(args.runs, args.signins, args.throughput_signins)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "better-auth.json").write_text(json.dumps(r, indent=1))
    print(json.dumps(r, indent=1))
    if args.markdown:
        from benchlib.report.better_auth import better_auth_section, better_auth_summary_rows
        ours_path = Path(args.ours)
        ours = json.loads(ours_path.read_text()) if ours_path.exists() else {}
        ours["better_auth"] = r
        lines = better_auth_summary_rows(ours) + [""] + better_auth_section(ours, None)
        print("\n".join(lines), file=sys.stderr)


if __name__ == "__main__":
    main()
