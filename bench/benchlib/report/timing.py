"""Known ÷ unknown address timing of recovery and registration (bench/timing.json, from
`make bench-timing`)."""

from __future__ import annotations

import json

from ..config import BENCH, GOAL_ADDRESS_TIMING
from .common import Facts, fmt_ms, verdict

TIMING = BENCH / "timing.json"

LABELS = {
    "recovery": ("`sendRecoveryEmail` (send-recovery-email)", "a member's address", "an unknown address"),
    "registration": ("headless register, email verification on (register)", "a taken address",
                     "a fresh address"),
}


def address_timing(r: dict, facts: Facts) -> list[str]:
    if not TIMING.exists():
        return []
    t = json.loads(TIMING.read_text())
    lines = []
    add = lines.append
    add("## Timing by address\n")
    add(f"From `make bench-timing` ({t.get('date', 'date not recorded')}, commit "
        f"{t.get('commit', '?')}): does the answer about an address with a member come as fast "
        "as the one about an address without? Each row is paired requests to one warm instance "
        "(the `deploy` build), interleaved in random order within each pair, each from its own "
        "source address, against the local DynamoDB. Both kinds do the same work: the email (or "
        "its decoy, for no one) is sealed into the outbox and the request answers without SES.\n")
    add("| request | first kind | p50 ms | p90 ms | second kind | p50 ms | p90 ms | ratio of medians | paired diff p50 ms | goal ±10 % |")
    add("|---|---|---:|---:|---|---:|---:|---:|---:|---|")
    for key, (title, first_label, second_label) in LABELS.items():
        row = t.get(key)
        if not row:
            continue
        first, second = row["kinds"]
        add(f"| {title} | {first_label} | {fmt_ms(row['p50_ms'][first])} | {fmt_ms(row['p90_ms'][first])} "
            f"| {second_label} | {fmt_ms(row['p50_ms'][second])} | {fmt_ms(row['p90_ms'][second])} "
            f"| {row['ratio']:.3f} | {row['pair_diff_p50_ms']:+.2f} "
            f"| {verdict(abs(row['ratio'] - 1) <= GOAL_ADDRESS_TIMING)} |")
    excluded = {k: t[k]["excluded"] for k in LABELS if t.get(k, {}).get("excluded")}
    if excluded:
        add(f"\nAnswers other than 200 left out: {excluded} (answers: "
            f"{ {k: t[k]['answers'] for k in excluded} }).")
    add("")
    return lines
