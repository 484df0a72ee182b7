"""The handler overhead section (criterion, bench/handlers) and its line in the findings."""

from __future__ import annotations

from ..config import GOAL_HANDLER_US, HANDLER_BENCHES, SDK_CALL_BENCH, SDK_FLOOR_BENCH
from .common import Facts, verdict


def handler_overhead(r: dict, facts: Facts) -> list[str]:
    h = r.get("handlers")
    if not h:
        return []
    lines = []
    add = lines.append
    add("## Handler overhead\n")
    add("criterion (`bench/handlers/benches/handlers.rs`), run by this command as "
        f"`{h['command']}`{' with RUSTFLAGS=' + repr(h['rustflags']) if h['rustflags'] else ''}: "
        "each iteration hands one API Gateway event (JSON text, a new source address each "
        "time) to the function's handler and takes its response, through the real "
        "handlers and flows over the project's in-memory store (`MemoryStore`, "
        "`shared/src/store/memory.rs`) with an in-memory outbox for mail, so no AWS SDK work "
        "is included. argon2 runs at its minimum cost (m=8 KiB, t=1, p=1) and "
        "is measured alone at that cost (verify for login, hash for register, each through "
        "`spawn_blocking` as the handlers call it); the overhead is the difference of the "
        "medians: the project's own code (routing, parsing, validation, tokens, responses). "
        "Setup (not timed): a member registered, a redirect session, an "
        "authorize and a code exchange, all through the handlers.\n")
    add("The last row is one DynamoDB `GetItem` of the member's email item through the AWS "
        f"SDK, answered in process by `bench/handlers/src/canned_dynamodb.rs` (`{SDK_CALL_BENCH}`): "
        "the SDK's own work per call (request and endpoint building, SigV4 signing, JSON both "
        "ways, its interceptors) plus the stand-in's, which a deployed function adds to its "
        "handler's overhead for each of its DynamoDB calls. The row after it makes the same "
        f"call without the SDK's orchestrator (`{SDK_FLOOR_BENCH}`): the request body written "
        "by serde_json, signed with aws-sigv4 as the SDK signs it, the same canned answer "
        "parsed into the SDK's own item type: the work any client has to do per call, so the "
        "difference is what the orchestrator (interceptors, config layers, endpoint rules, "
        "retry bookkeeping) adds.\n")
    add("| flow | median µs | 95 % CI of the median | argon2 alone µs | overhead µs | "
        "DynamoDB calls | goal ≤ "
        f"{GOAL_HANDLER_US:g} µs (overhead) |")
    add("|---|---:|---:|---:|---:|---:|---|")
    for label, bench, argon2, calls in HANDLER_BENCHES:
        b = h["benches"][bench]
        a2 = h["benches"][argon2]["median_us"] if argon2 else None
        over = h["overhead_us"][label]
        add(f"| {label} | {b['median_us']:.1f} | {b['median_ci_us'][0]:.1f}–"
            f"{b['median_ci_us'][1]:.1f} | {f'{a2:.1f}' if a2 is not None else '–'} | "
            f"{over:.1f} | {calls} | {verdict(over <= GOAL_HANDLER_US)} |")
    sdk = h["benches"][SDK_CALL_BENCH]
    add(f"| one DynamoDB call through the AWS SDK, in process | {sdk['median_us']:.1f} | "
        f"{sdk['median_ci_us'][0]:.1f}–{sdk['median_ci_us'][1]:.1f} | – | – | 1 | – |")
    floor = h["benches"].get(SDK_FLOOR_BENCH)
    if floor:
        add(f"| the same call written, signed and parsed by hand, in process | "
            f"{floor['median_us']:.1f} | {floor['median_ci_us'][0]:.1f}–"
            f"{floor['median_ci_us'][1]:.1f} | – | – | 1 | – |")
    add("")
    return lines


def handler_finding(r: dict, facts: Facts) -> list[str]:
    h = r.get("handlers")
    if not h:
        return []
    worst_handler, worst_us = facts.worst_handler, facts.worst_us
    lines = []
    add = lines.append
    sdk_call = h["benches"][SDK_CALL_BENCH]["median_us"]
    floor = h["benches"].get(SDK_FLOOR_BENCH, {}).get("median_us")
    add(f"- **Handler overhead** {worst_us:.0f} µs at worst ({worst_handler}), against a "
        f"{GOAL_HANDLER_US:g} µs goal: {'met' if worst_us <= GOAL_HANDLER_US else 'missed'}, "
        "over the in-memory store, so without AWS SDK work. A deployed function adds, for "
        f"each DynamoDB call, about {sdk_call:.0f} µs in process through the AWS SDK "
        f"(`{SDK_CALL_BENCH}`: operation set-up, endpoint rules, SigV4 signing, JSON both "
        "ways, interceptors, plus the stand-in's own JSON work), and these flows make one or "
        "two." + (f" The same call written, signed and parsed by hand takes {floor:.0f} µs "
                  f"(`{SDK_FLOOR_BENCH}`), so {1 - floor / sdk_call:.0%} of an SDK call is "
                  "the orchestrator around the work every client does; where a live login's "
                  "CPU goes by code is in *Where a login's main thread goes*."
                  if floor else ""))
    return lines
