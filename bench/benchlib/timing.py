"""Paired timing of two kinds of request to one warm instance: interleaved in random order
within each pair, so that the stand-in's drift over a run stays out of the comparison."""

from __future__ import annotations

import collections
import random
from typing import Callable

from .runner import Runner
from .util import med, pct


def paired_timing(runner: Runner, function: str, kinds: dict[str, Callable[[], bytes]],
                  pairs: int, rng: random.Random, ok: Callable[[int | None], bool]) -> dict:
    """`kinds` maps two names to event makers; `ok` says which status codes are the path
    under test (others are counted and left out)."""
    names = list(kinds)
    api = runner.runtime(function)
    session = api.session
    proc = runner.spawn(function, api)
    try:
        for _ in range(5):  # cold start, moto connection, first hashes
            for name in names:
                session.submit(kinds[name](), tag="warm")
        for _ in range(5 * len(names)):
            runner.wait_done(session, function, [proc])
        order = []
        for _ in range(pairs):
            pair = names[:]
            rng.shuffle(pair)
            order += pair
        for name in order:
            session.submit(kinds[name](), tag=name)
        done = [runner.wait_done(session, function, [proc]) for _ in order]
    finally:
        runner.stop(proc)
        api.stop()
    by = {name: [] for name in names}
    answers = {name: collections.Counter() for name in names}
    diffs, pair, excluded = [], {}, 0
    # One instance: `done` is in `order`, pair by pair.
    for i, inv in enumerate(done):
        answers[inv.tag][str(inv.status_code())] += 1
        if i % 2 == 0:
            pair = {}
        if ok(inv.status_code()):
            by[inv.tag].append(inv.duration_ms)
            pair[inv.tag] = inv.duration_ms
        else:
            excluded += 1
        if i % 2 == 1 and len(pair) == 2:
            diffs.append(pair[names[0]] - pair[names[1]])
    a, b = med(by[names[0]]), med(by[names[1]])
    return {
        "function": function, "pairs": pairs, "kinds": names,
        "p50_ms": {n: med(by[n]) for n in names}, "p90_ms": {n: pct(by[n], 0.9) for n in names},
        "ratio": a / b if b else float("nan"),
        "pair_diff_p50_ms": med(diffs),
        "answers": {n: dict(c) for n, c in answers.items()},
        "excluded": excluded,
    }
