"""Handler overhead: the criterion benches of bench/handlers, and their medians."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from .config import HANDLER_BENCHES, ROOT, SDK_CALL_BENCH, SDK_FLOOR_BENCH
from .util import log


def handler_overhead(profile: str, target: str, rustflags: str) -> dict:
    """Runs the criterion benches and reads each one's median (ns per iteration)."""
    cmd = ["cargo", "bench", "--locked", "--profile", profile, "--target", target,
           "-p", "handler-bench", "--bench", "handlers", "--", "--noplot"]
    log(" ".join(cmd))
    env = {**os.environ, "RUSTFLAGS": rustflags}
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=sys.stderr)
    out = {"command": " ".join(cmd), "profile": profile, "rustflags": rustflags, "benches": {}}
    for _, bench, argon2, _ in HANDLER_BENCHES:
        for name in filter(None, (bench, argon2, SDK_CALL_BENCH, SDK_FLOOR_BENCH)):
            est = json.loads((ROOT / "target" / "criterion" / name / "new" / "estimates.json").read_text())
            out["benches"][name] = {
                "median_us": est["median"]["point_estimate"] / 1000,
                "median_ci_us": [est["median"]["confidence_interval"]["lower_bound"] / 1000,
                                 est["median"]["confidence_interval"]["upper_bound"] / 1000],
                "mean_us": est["mean"]["point_estimate"] / 1000,
            }
    # Over the in-memory store the handler rows hold no SDK work: median minus argon2's
    # share is the handler's own overhead. The sdk/ rows stay rows of their own.
    for label, bench, argon2, _ in HANDLER_BENCHES:
        total = out["benches"][bench]["median_us"]
        share = out["benches"][argon2]["median_us"] if argon2 else 0.0
        out.setdefault("overhead_us", {})[label] = total - share
    return out

