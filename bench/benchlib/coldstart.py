"""Cold starts (spawn → ready → first response, peak RSS) and the network calls made during
init (one start of each binary under strace)."""

from __future__ import annotations

import json
import random
from pathlib import Path

from .config import DIAGNOSTIC_STARTS, FUNCTIONS, HELLO, PASSWORD, SECRET_START
from .events import Events
from .runner import Runner
from .stack import Dynamo
from .util import log


def network_during_init(runner: Runner, events: Events, dynamo: Dynamo, dev_env: dict[str, str],
                        secret: str, moto_port: int) -> dict[str, dict]:
    """Every binary once under strace, then login with its keys in Secrets Manager (the
    secret `secret`, made here) to show the secret is read by the first request."""
    log("strace: connects during init")
    port_names = {moto_port: "moto (DynamoDB, Secrets Manager)", 8005: "SES"}
    network = {}
    for name in [HELLO, *FUNCTIONS]:
        event = events.build(name if name != HELLO else "not-found")
        network[name] = runner.strace_run(name, event, port_names)
    dynamo.call("CreateSecret", {"Name": secret, "SecretString": json.dumps({
        "signingKeys": dev_env["SIGNING_KEYS"], "adminKey": dev_env.get("ADMIN_KEY", "")})},
        service="secretsmanager")
    network[SECRET_START] = runner.strace_run(
        "login", events.login(events.login_email, PASSWORD), port_names,
        extra_env={"SECRETS_ARN": secret, "SIGNING_KEYS": "", "ADMIN_KEY": ""},
        label=SECRET_START)
    return network


def cold_starts(runner: Runner, events: Events, binaries: dict[str, Path], runs: int,
                rng: random.Random) -> dict[str, dict[str, list]]:
    """`runs` cold starts of every binary and of the diagnostic starts, rounds interleaved in
    shuffled order so that drift in the machine's load spreads over all of them."""
    # Besides every binary, the diagnostic start of token with only the CA bundle file to
    # load (as on Lambda's images).
    starts = {name: (name, None) for name in binaries}
    starts.update(DIAGNOSTIC_STARTS)
    log(f"cold starts: {runs} × {len(starts)}")
    cold = {name: {"ready_ms": [], "first_response_ms": [], "status": [], "hwm": []}
            for name in starts}
    order = list(starts)
    for _ in range(runs):
        rng.shuffle(order)
        for name in order:
            function, extra_env = starts[name]
            event = events.build(function if function != HELLO else "not-found")
            res = runner.cold_start(function, event, extra_env)
            for key in ("ready_ms", "first_response_ms", "status", "hwm"):
                cold[name][key].append(res[key])
    return cold
