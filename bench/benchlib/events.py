"""API Gateway v2 events for the functions, from tests/fixtures."""

from __future__ import annotations

import json
import time

from .config import FIXTURES, FUNCTIONS, PASSWORD


class Events:
    """API Gateway v2 events from tests/fixtures, each from its own source address (the
    brute-force counters key on it) and, where they name the fixture member, naming the
    bench's members instead."""

    def __init__(self, run_id: str):
        self.run_id = run_id
        self.counter = 0
        self.fixtures = {f: json.loads((FIXTURES / f"{f}.json").read_text()) for f in FUNCTIONS}
        self.login_email = f"bench-login-{run_id}@example.com"
        self.admin_email = f"bench-admin-{run_id}@example.com"

    def guess_emails(self, count: int) -> list[str]:
        """Members whose passwords the enumeration bench guesses wrong: several, since an
        account takes only ACCOUNT_FAILURE_BUDGET failures per 15 minutes from strangers."""
        return [f"bench-guess-{self.run_id}-{i}@example.com" for i in range(count)]

    def _next_ip(self) -> str:
        self.counter += 1
        n = self.counter
        return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"

    def build(self, function: str, body: dict | None = None) -> bytes:
        event = json.loads(json.dumps(self.fixtures[function]))
        ctx = event["requestContext"]
        ctx["http"]["sourceIp"] = self._next_ip()
        ctx["requestId"] = f"bench-{self.run_id}-{self.counter}"
        ctx["timeEpoch"] = int(time.time() * 1000)
        if body is not None:
            event["body"] = json.dumps(body)
        elif event.get("body"):
            text = event["body"]
            if function == "register":
                unique = f"bench-reg-{self.run_id}-{self.counter}@example.com"
                text = text.replace("fixture@example.com", unique)
            elif function == "login":
                text = text.replace("fixture@example.com", self.login_email)
            else:
                text = text.replace("fixture@example.com", self.admin_email)
            event["body"] = text.replace("correct-horse-battery", PASSWORD)
        return json.dumps(event).encode()

    def login(self, email: str, password: str) -> bytes:
        return self.build("login", {"email": email, "password": password})

    def register(self, email: str) -> bytes:
        return self.build(
            "register",
            {"email": email, "password": PASSWORD,
             "options": {"contactInfo": {"firstName": "Bench"}, "privacyStatus": "PUBLIC"}},
        )
