"""BENCHMARKS.md from a results dict (what bench.py saves to bench/results/latest.json):
one function per section, each returning its lines, in the order they appear."""

from __future__ import annotations

from .better_auth import better_auth_section
from .common import Facts
from .cost import cost_section
from .cpu import login_cpu
from .findings import findings
from .handlers import handler_overhead
from .login import argon2_and_throughput, enumeration
from .oneoff import dynamodb_calls, tuning
from .overview import header, summary
from .pages import member_pages
from .peers import peers_section
from .profile import login_profile
from .sizing import sizing
from .starts import first_request, network, per_function
from .timing import address_timing

def peers(r: dict, facts: Facts) -> list[str]:
    return peers_section(r.get("peers") or {}, facts)


def cost(r: dict, facts: Facts) -> list[str]:
    return cost_section(r, facts) if "cost" in r else []


SECTIONS = [summary, handler_overhead, per_function, first_request, network,
            argon2_and_throughput, login_cpu, login_profile, peers, better_auth_section, cost,
            enumeration, address_timing, sizing, findings, tuning, dynamodb_calls, member_pages]


def report(r: dict, command: str) -> str:
    facts = Facts.of(r)
    lines = header(r, command)
    for section in SECTIONS:
        lines += section(r, facts)
    return "\n".join(lines)
