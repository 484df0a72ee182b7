"""Statistics, shell-outs, logging and the machine's description."""

from __future__ import annotations

import datetime
import math
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .config import ROOT


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def med(values: list[float]) -> float:
    return statistics.median(values)


def sh(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    dirty = bool(sh("git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"))
    return {
        "nproc": int(sh("nproc") or os.cpu_count() or 1),
        "cpu": cpu,
        "kernel": sh("uname", "-r"),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "rustc": sh("rustc", "-V"),
        "commit": sh("git", "-C", str(ROOT), "rev-parse", "--short", "HEAD")
        + (" (with uncommitted changes)" if dirty else ""),
        "loadavg_start": os.getloadavg(),
    }


def read_env_file(path: Path) -> dict[str, str]:
    env = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        words = shlex.split(value)
        env[key] = words[0] if words else ""
    return env
