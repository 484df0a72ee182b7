"""Where a login's main-thread CPU goes, by code (bench/login_profile.json, from
`make bench-profile`): a one-off figure file, rendered by that command and by `make bench`."""

from __future__ import annotations

import json

from ..config import BENCH
from .common import Facts

PROFILE = BENCH / "login_profile.json"


def login_profile(r: dict, facts: Facts) -> list[str]:
    if not PROFILE.exists():
        return []
    p = json.loads(PROFILE.read_text())
    lines = ["## Where a login's main thread goes, by code\n"]
    add = lines.append
    add(f"From `make bench-profile` ({p.get('date', 'date not recorded')}, commit "
        f"{p.get('commit', '?')}): `login` and `register` built as `deploy` is, with symbols "
        "and frame pointers (cargo profile `profiling`, RUSTFLAGS "
        f"`{p.get('rustflags', '?')}`), one warm instance answering {p['logins']} logins one "
        "after another through the runtime API against moto while `perf record -g` samples it "
        f"at {p['frequency_hz']} Hz (bench/benchlib/profile.py). The main thread's "
        f"{p['main_samples']:,} samples are sorted by the first frame, from the leaf up, that "
        "names what the work is for; ms per login = the share × the main thread's CPU per "
        f"login in the same run ({p['main_thread_ms']:.2f} ms, under perf; the process "
        f"{p['cpu_ms']:.1f} ms). On the other threads, {p['other_in_argon2']:.1%} of "
        f"{p['other_samples']:,} samples are in argon2.\n")
    add("| main thread, per login | share | ms |")
    add("|---|---:|---:|")
    sdk = 0.0
    for name, share in p["main"].items():
        sdk += share if name.startswith("AWS SDK") else 0.0
        add(f"| {name} | {share:.1%} | {share * p['main_thread_ms']:.2f} |")
    add("")
    add(f"Reading: the AWS SDK's own frames hold {sdk:.0%} of the main thread "
        f"({sdk * p['main_thread_ms']:.2f} ms per login for 6 DynamoDB calls), most of it the "
        "orchestrator around each call rather than the signing and the JSON every client "
        "needs (the handler overhead section's `sdk/get_item_signed_by_hand` row measures that "
        "floor in process); glibc's share is partly theirs, as malloc's callers are not "
        "unwound. The kernel's share is the 8 HTTP exchanges of a login (2 with the runtime "
        "API, 6 with DynamoDB) over loopback, where the sender's softirq also does the "
        "receiver's TCP work. The service's own code is a small part.\n")
    return lines
