"""Sizing guidance: Lambda memory settings, argon2 time and cost per million logins."""

from __future__ import annotations

import math

from ..config import (ARGON2_FUNCTIONS, ASSUMED_DYNAMODB_MS, FULL_VCPU_MB, FUNCTIONS,
                      MEMORY_SIZES, PRICE_GB_S, PRICE_PER_MILLION_REQUESTS)
from ..util import med
from .common import Facts, fmt_mb, fmt_ms


def sizing_rows(verify_ms: float) -> list[dict]:
    rows = []
    for mem in MEMORY_SIZES:
        share = min(1.0, mem / FULL_VCPU_MB)
        verify = verify_ms / share
        duration = verify + ASSUMED_DYNAMODB_MS
        billed_s = math.ceil(duration) / 1000  # 1 ms billing granularity
        cost = {arch: (PRICE_PER_MILLION_REQUESTS + mem / 1024 * billed_s * price * 1e6)
                for arch, price in PRICE_GB_S.items()}
        rows.append({"mem": mem, "share": share, "verify": verify, "duration": duration,
                     "cost": cost})
    return rows


def sizing(r: dict, facts: Facts) -> list[str]:
    cold, a = r["cold"], r["argon2"]
    lines = []
    add = lines.append
    t1 = a["cpu_median_ms"]
    rows = sizing_rows(t1)
    add("## Sizing guidance\n")
    add(f"Lambda gives a function CPU in proportion to its memory, one full vCPU at "
        f"{FULL_VCPU_MB} MB; argon2 with p=1 uses one thread, so it stops getting faster there. "
        f"Verify time below = {fmt_ms(t1)} ms (this run's median CPU time per verify on one core "
        f"of this machine, taken as one Lambda vCPU) × {FULL_VCPU_MB} ÷ memory. A login's duration adds "
        f"{ASSUMED_DYNAMODB_MS:g} ms for its two round trips to DynamoDB (an assumption for calls "
        f"in-region, not measured here). Cost per million logins = requests "
        f"(${PRICE_PER_MILLION_REQUESTS:.2f}/M) + duration (1 ms granularity) × memory × "
        f"${PRICE_GB_S['x86_64']:.10f} per GB-s (x86_64) or ${PRICE_GB_S['arm64']:.10f} (arm64), "
        "us-east-1 on-demand prices assumed; it **excludes DynamoDB, API Gateway, data transfer "
        "and CloudWatch Logs**. arm64 assumes the same per-vCPU argon2 speed as this "
        f"{r['arch']} core; Graviton's may differ, measure it there before relying on it.\n")
    add("| memory MB | vCPU share | argon2 verify ms | login duration ms | $ / 1M logins x86_64 | $ / 1M logins arm64 |")
    add("|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        add(f"| {row['mem']} | {row['share']:.3f} | {fmt_ms(row['verify'])} | "
            f"{fmt_ms(row['duration'])} | {row['cost']['x86_64']:.2f} | {row['cost']['arm64']:.2f} |")
    add("")
    rec = next(row for row in rows if row["mem"] == 1024)
    cheapest = min(rows, key=lambda row: row["cost"]["arm64"])
    rest_ready = max(med(cold[f]["ready_ms"]) for f in FUNCTIONS if f not in ARGON2_FUNCTIONS)
    rest_rss = max(max(cold[f]["hwm"]) for f in FUNCTIONS if f not in ARGON2_FUNCTIONS)
    argon_rss = max(max(cold[f]["hwm"]) for f in ARGON2_FUNCTIONS)
    proj = {mm: rest_ready * FULL_VCPU_MB / mm for mm in (128, 256, 512)}
    add("- **login, register, reset-password: 1024 MB.** Below one vCPU the argon2 CPU-seconds "
        "cost the same at any memory (half the memory, twice the time), so memory buys latency "
        f"almost for free: at 1024 MB a verify takes ≈ {fmt_ms(rec['verify'])} ms and a login "
        f"≈ {fmt_ms(rec['duration'])} ms for ${rec['cost']['x86_64']:.2f} (x86_64) / "
        f"${rec['cost']['arm64']:.2f} (arm64) per million logins, against "
        f"${cheapest['cost']['arm64']:.2f} (arm64) at the cheapest size ({cheapest['mem']} MB, "
        f"{fmt_ms(cheapest['duration'])} ms). 1769 MB gives the fastest login for a little more "
        f"(the DynamoDB wait is billed at more memory). Peak RSS of these functions was "
        f"{fmt_mb(argon_rss)} MB, inside even 128 MB. Register and reset-password hash once per "
        "request at the same cost as a verify, so the same setting fits them.")
    add(f"- **every other function: 256 MB.** They do no hashing (JSON, HS256 tokens, one or two "
        f"DynamoDB calls, SES) and peak at {fmt_mb(rest_rss)} MB RSS, so memory only buys CPU "
        f"for init and request handling. Their slowest median init here was "
        f"{fmt_ms(rest_ready)} ms on a full core; if init is CPU-bound it stretches by "
        f"{FULL_VCPU_MB}/memory: ≈ {fmt_ms(proj[128])} ms at 128 MB, {fmt_ms(proj[256])} ms at "
        f"256 MB, {fmt_ms(proj[512])} ms at 512 MB (an upper bound; part of init is waiting on "
        "the page cache, not CPU). 256 MB keeps a cold start near 0.1 s at twice the 128 MB "
        "price per ms; their warm requests take a few ms of CPU.")
    add(f"- Lower `ARGON2_MEMORY_KIB`/`ARGON2_ITERATIONS` cut cost and latency proportionally, "
        "but only down to OWASP's minimums for argon2id (m=19456 KiB, t=2, p=1 is one of "
        "them); the defaults are already there.\n")
    return lines
