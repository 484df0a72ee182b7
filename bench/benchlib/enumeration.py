"""Enumeration timing: a known email with a wrong password against an unknown email."""

from __future__ import annotations

import collections
import json
import random

from .config import PASSWORD
from .events import Events
from .runner import Runner
from .util import med, pct


# Wrong guesses per guessed account, below the account-wide budget (20 per 15 minutes,
# shared/src/flows/throttle.rs): past it the known email would answer 429 instead.
GUESSES_PER_ACCOUNT = 15


def guessed_accounts(pairs: int) -> int:
    """How many members the known-email guesses spread over (warm-up included)."""
    return -(-(pairs + 5) // GUESSES_PER_ACCOUNT)


def enumeration(runner: Runner, events: Events, pairs: int, seed: int) -> dict:
    rng = random.Random(seed)
    counter = iter(range(10**9))
    accounts = events.guess_emails(guessed_accounts(pairs))
    guesses = iter(range(10**9))

    def known() -> bytes:
        email = accounts[next(guesses) // GUESSES_PER_ACCOUNT]
        return events.login(email, f"wrong-{rng.getrandbits(48):x}")

    def unknown() -> bytes:
        return events.login(f"nobody-{events.run_id}-{next(counter)}@example.com", PASSWORD + "x")

    api = runner.runtime("login")
    session = api.session
    proc = runner.spawn("login", api)
    try:
        for _ in range(5):  # cold start, moto connection, the dummy hash
            session.submit(known(), tag="warm")
            session.submit(unknown(), tag="warm")
        for _ in range(10):
            runner.wait_done(session, "login", [proc])
        order = []
        for _ in range(pairs):
            pair = ["known", "unknown"]
            rng.shuffle(pair)
            order += pair
        for kind in order:
            session.submit(known() if kind == "known" else unknown(), tag=kind)
        done = [runner.wait_done(session, "login", [proc]) for _ in order]
    finally:
        runner.stop(proc)
        api.stop()
    by = {"known": [], "unknown": []}
    answers = {"known": collections.Counter(), "unknown": collections.Counter()}
    pair_diffs, pair, excluded, raw = [], {}, 0, []
    # `done` is in completion order: one instance, so in `order`, pair by pair.
    for i, inv in enumerate(done):
        body = json.loads(inv.response_body() or "{}")
        code = body.get("details", {}).get("applicationError", {}).get("code")
        answers[inv.tag][f"{inv.status_code()} {code}"] += 1
        raw.append((inv.tag, round(inv.duration_ms, 3), inv.status_code()))
        if i % 2 == 0:
            pair = {}
        # Only the wrong-credentials answer is the path under test; a 503 is the stand-in
        # DynamoDB timing out, not the login's timing.
        if inv.status_code() == 401:
            by[inv.tag].append(inv.duration_ms)
            pair[inv.tag] = inv.duration_ms
        else:
            excluded += 1
        if i % 2 == 1 and len(pair) == 2:
            pair_diffs.append(pair["known"] - pair["unknown"])
    k, u = med(by["known"]), med(by["unknown"])
    return {
        "pairs": pairs,
        "known_p50_ms": k, "known_p90_ms": pct(by["known"], 0.9),
        "unknown_p50_ms": u, "unknown_p90_ms": pct(by["unknown"], 0.9),
        "ratio": k / u,
        "pair_diff_p50_ms": med(pair_diffs),
        "answers": {kind: dict(a) for kind, a in answers.items()},
        "excluded": excluded,
        "raw": raw,
    }
