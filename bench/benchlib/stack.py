"""The local stack: the bench's own DynamoDB table (and secret) in moto, and its members."""

from __future__ import annotations

import json
import os
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .config import ROOT
from .events import Events
from .runner import Runner
from .util import read_env_file


class Dynamo:
    """Just enough DynamoDB (JSON protocol) to make and drop the bench's own table."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint.rstrip("/") + "/"

    def call(self, target: str, payload: dict, service: str = "dynamodb") -> dict:
        prefix, version = {"dynamodb": ("DynamoDB_20120810", "1.0"),
                           "secretsmanager": ("secretsmanager", "1.1")}[service]
        req = urllib.request.Request(
            self.endpoint,
            data=json.dumps(payload).encode(),
            headers={
                "Content-Type": f"application/x-amz-json-{version}",
                "X-Amz-Target": f"{prefix}.{target}",
                "Authorization": f"AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/{service}/"
                "aws4_request, SignedHeaders=host, Signature=0",
            },
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.load(resp)

    def create_table(self, name: str) -> None:
        self.call(
            "CreateTable",
            {
                "TableName": name,
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "BillingMode": "PAY_PER_REQUEST",
            },
        )

    def delete_table(self, name: str) -> None:
        self.call("DeleteTable", {"TableName": name})



def moto_info(endpoint: str, moto_pid: int | None) -> dict:
    """moto's `Connection` answer (keep-alive or not) and its command line."""
    info = {}
    try:
        with urllib.request.urlopen(endpoint, timeout=5) as resp:
            info["moto_connection"] = resp.headers.get("Connection") or "keep-alive"
    except Exception:  # noqa: BLE001 - informational only
        info["moto_connection"] = "unknown"
    info["moto"] = (Path(f"/proc/{moto_pid}/cmdline").read_bytes().replace(b"\0", b" ")
                    .decode().strip() if moto_pid else "not found")
    return info


def register_members(runner: Runner, events: Events, guessed_accounts: int = 0,
                     more: list[str] | None = None) -> None:
    """Registers the members the logins use (login's, the admin's, the accounts the
    enumeration bench guesses at, and `more`), through `register`."""
    api = runner.runtime("register")
    session = api.session
    emails = ([events.login_email, events.admin_email] + events.guess_emails(guessed_accounts)
              + (more or []))
    for email in emails:
        session.submit(events.register(email), tag=email)
    proc = runner.spawn("register", api)
    try:
        for _ in range(len(emails)):
            inv = runner.wait_done(session, "register", [proc])
            body = inv.response_body()
            if inv.status_code() != 200 or '"ACTIVE"' not in body:
                raise SystemExit(f"registering {inv.tag} failed: {inv.body[:500]!r}")
    finally:
        runner.stop(proc)
        api.stop()



@contextmanager
def login_bench(binaries: dict[str, Path], name: str) -> Iterator[tuple[Runner, Events]]:
    """A table of its own (`bench-<name>-…`, deleted afterwards) in the local DynamoDB, a
    runner for `binaries` (login and register) with .tools/bench.env, and the bench's
    members registered in it."""
    dev_env = read_env_file(ROOT / ".tools" / "bench.env")
    dynamo = Dynamo(dev_env.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"))
    run_id = f"{int(time.time())}-{os.getpid()}"
    dev_env["MEMBERS_TABLE"] = f"bench-{name}-{run_id}"
    dynamo.create_table(dev_env["MEMBERS_TABLE"])
    try:
        runner = Runner(binaries, dev_env)
        events = Events(run_id)
        register_members(runner, events)
        yield runner, events
    finally:
        dynamo.delete_table(dev_env["MEMBERS_TABLE"])
