"""`make bench-directory`: what a page of members costs on a seeded table. Runs
tests/src/bin/directory-costs.rs against the local DynamoDB, keeps its figures in
bench/directory.json and rewrites the "Member pages" section of BENCHMARKS.md from them
(`make bench` renders the same section from the same file)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from benchlib.config import BENCH, ROOT
from benchlib.report.common import rewrite_section, stamp
from benchlib.report.pages import DIRECTORY, member_pages


def main() -> None:
    out = subprocess.run(
        ["cargo", "run", "-q", "--locked", "-p", "integration-tests", "--bin", "directory-costs"],
        cwd=ROOT, check=True, capture_output=True, text=True, env=os.environ,
    ).stdout
    figures = json.loads(out)
    stamp(figures)
    DIRECTORY.write_text(json.dumps(figures, indent=2) + "\n")
    section = member_pages({}, None)  # type: ignore[arg-type]
    title = section[0].split("\n")[0]
    rewrite_section("## Member pages", section)
    print(f"{title.strip('# ')}: {len(figures['queries'])} queries -> {DIRECTORY.relative_to(BENCH.parent)}, BENCHMARKS.md")


if __name__ == "__main__":
    sys.exit(main())
