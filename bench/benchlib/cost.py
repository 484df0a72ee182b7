"""What a login costs a site: a member's journey through Wix's client, measured step by
step through the bench's runtime API (warm duration, CPU time, DynamoDB request units
from the counting proxy in capacity.py, API Gateway requests), then priced at published
us-east-1 on-demand rates and set beside Amazon Cognito's per-MAU prices.

The journey, as `@wix/sdk`'s OAuthStrategy drives it (client/test/direct-login.test.mjs,
client/lib/helpers.mjs; the bodies are those of tests/api/headless.rs and oauth.rs):
  registration, once:  register (headless v2) → the mailer sends the code (from the
                       table's stream, not an API request) → verify
  every sign-in:       login (headless v2) → redirect-session (prompt none, web_message,
                       PKCE S256) → authorize (the page the client loads in its iframe,
                       which posts {code, state}) → token (authorization_code) → current
                       member → N × token (refresh_token; the client keeps its first
                       refresh token)
Each event is the function's committed fixture (tests/fixtures) with method, path,
query, headers, body and source address replaced, as tests/src/event.rs builds them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
import secrets
import statistics
import time
import urllib.parse
import urllib.request
from pathlib import Path

from .binaries import packaged_binary
from .capacity import CapacityProxy, item_size, round_trips
from .config import (ASSUMED_DYNAMODB_MS, FULL_VCPU_MB, PASSWORD, PRICE_GB_S,
                     PRICE_PER_MILLION_REQUESTS, ROOT)
from .events import Events
from .runner import Runner
from .stack import Dynamo
from .util import machine

RETRIEVED = "2026-12"  # "as published, retrieved 2026-12"

# Published on-demand prices, us-east-1. Lambda's are config.py's (PRICE_GB_S,
# PRICE_PER_MILLION_REQUESTS), as the sizing section uses them.
PRICES = {
    "dynamodb_rru_per_million": {
        "usd": 0.125,
        "source": "https://aws.amazon.com/dynamodb/pricing/on-demand/ (Standard table "
                  "class, read request units; figure as transcribed after the Nov 2024 "
                  "on-demand price cut by https://airbyte.com/data-engineering-resources/dynamodb-pricing)",
    },
    "dynamodb_wru_per_million": {
        "usd": 0.625,
        "source": "https://aws.amazon.com/dynamodb/pricing/on-demand/ (Standard table "
                  "class, write request units; same transcription)",
    },
    "dynamodb_storage_gb_month": {
        "usd": 0.25, "free_gb": 25,
        "source": "https://aws.amazon.com/dynamodb/pricing/ (data storage: first 25 GB "
                  "per month free, then from $0.25 per GB-month)",
    },
    "api_gateway_http_per_million": {
        "usd": 1.00,
        "source": "https://aws.amazon.com/api-gateway/pricing/ (HTTP APIs, first 300 "
                  "million requests a month, us-east-1; metered in 512 KB increments; "
                  "figure as transcribed by https://www.learnaws.org/2021/01/10/api-gateway-pricing/ "
                  "and https://awsforengineers.com/blog/aws-api-gateway-pricing-explained)",
    },
    "ses_per_thousand": {
        "usd": 0.10,
        "source": "https://aws.amazon.com/ses/pricing/ (outbound email, as transcribed by "
                  "https://www.acecloudinterviews.com/tutorials/aws/ses/: from $0.10 per "
                  "1,000 emails)",
    },
    "lambda": {
        "gb_s": PRICE_GB_S, "per_million_requests": PRICE_PER_MILLION_REQUESTS,
        "source": "bench/benchlib/config.py (PRICE_GB_S, PRICE_PER_MILLION_REQUESTS: "
                  "us-east-1 on-demand, first pricing tier)",
    },
}

# Amazon Cognito user pools, per monthly active user (direct sign-in), by feature plan:
# https://aws.amazon.com/cognito/pricing/ as transcribed from that page's worked examples
# by https://raw.githubusercontent.com/api-evangelist/amazon-cognito/refs/heads/main/plans/amazon-cognito-plans-pricing.yml
# (read 2026-09-20): Lite: first 10,000 MAUs free, $0.0055 per MAU to 100,000, $0.0046
# to 1,000,000; Essentials: 10,000 free, then $0.015; Plus: no free tier, $0.020.
# Tiers past 1,000,000 MAUs were not found in that source, so the table stops there.
COGNITO = {
    "source": "https://aws.amazon.com/cognito/pricing/ (transcribed by api-evangelist/"
              "amazon-cognito plans/amazon-cognito-plans-pricing.yml, read 2026-09-20)",
    "plans": {
        "Lite": [(10_000, 0.0), (100_000, 0.0055), (1_000_000, 0.0046)],
        "Essentials": [(10_000, 0.0), (None, 0.015)],
        "Plus": [(None, 0.020)],
    },
}

DEFAULT_MAUS = [10_000, 100_000, 1_000_000]
DEFAULT_SIGN_INS = [4, 30]
# A DynamoDB round trip in-region, from config's assumption (two round trips ~10 ms).
DYNAMODB_ROUND_TRIP_MS = ASSUMED_DYNAMODB_MS / 2
# The mailer's wait on SES: not measured here (the local SES answers at once); the same
# assumption as a login's two DynamoDB round trips.
ASSUMED_SES_MS = ASSUMED_DYNAMODB_MS
# The functions' settings for the journey: the documented defaults (scripts/dev-env.sh),
# whatever the local dev.env happens to hold.
JOURNEY_SETTINGS = {"APPROVAL_MODE": "automatic", "EMAIL_VERIFICATION": "required"}
FUNCTIONS = ["register", "mailer", "verify", "login", "redirect-session", "authorize",
             "token", "current-member"]
CODE = re.compile(r"verification code(?: is|:)\s*(\d{6})\b")


# ---------------------------------------------------------------- deployment settings

def deployed_memory() -> tuple[dict[str, int], str]:
    """Each function's memory and the architecture, as infra/variables.tf deploys them
    by default (report/sizing.py's recommendation: 1024 MB where argon2 runs, 256 MB
    elsewhere)."""
    text = (ROOT / "infra" / "variables.tf").read_text()
    block = re.search(r'variable "function_memory_mb".*?default\s*=\s*\{(.*?)\}', text, re.S)
    memory = {m.group(1): int(m.group(2))
              for m in re.finditer(r'"([\w-]+)"\s*=\s*(\d+)', block.group(1))} if block else {}
    mailer = re.search(r'variable "mailer_memory_mb".*?default\s*=\s*(\d+)', text, re.S)
    if mailer:
        memory["mailer"] = int(mailer.group(1))
    arch = re.search(r'variable "architecture".*?default\s*=\s*"(\w+)"', text, re.S)
    return memory, arch.group(1) if arch else "arm64"


# ---------------------------------------------------------------- events

def api_event(events: Events, function: str, method: str, path: str,
              headers: dict[str, str] | None = None, body: dict | None = None,
              query: str = "") -> bytes:
    """The fixture of `function` with method, path, query, headers, body and a fresh
    source address (tests/src/event.rs's api_gateway_event)."""
    event = json.loads(json.dumps(events.fixtures[function]))
    ctx = event["requestContext"]
    ctx.pop("authorizer", None)
    ip = events._next_ip()
    event["rawPath"] = path
    event["routeKey"] = f"{method} {path}"
    ctx["routeKey"] = event["routeKey"]
    ctx["http"].update(method=method, path=path, sourceIp=ip)
    ctx["requestId"] = f"cost-{events.run_id}-{events.counter}"
    ctx["timeEpoch"] = int(time.time() * 1000)
    base = {k: v for k, v in event.get("headers", {}).items() if k in ("host", "user-agent")}
    event["headers"] = {**base, **{k.lower(): v for k, v in (headers or {}).items()}}
    event["body"] = json.dumps(body) if body is not None else None
    event["rawQueryString"] = query
    if query:
        event["queryStringParameters"] = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
    else:
        event.pop("queryStringParameters", None)
    return json.dumps(event).encode()


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    return verifier, challenge.decode()


# ---------------------------------------------------------------- warm instances

def _cpu_ns(pid: int) -> int:
    """CPU time of every thread of a process, ns (/proc/<pid>/task/*/schedstat)."""
    total = 0
    for stat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        try:
            total += int(stat.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


class Instance:
    """One warm process of a function, fed through its own runtime API."""

    def __init__(self, runner: Runner, function: str):
        self.runner, self.function = runner, function
        self.api = runner.runtime(function)
        self.proc = runner.spawn(function, self.api)

    def invoke(self, event: bytes, proxy: CapacityProxy) -> dict:
        session = self.api.session
        deadline = time.monotonic() + 10
        # Idle means blocked in GET /next: the next event goes straight in.
        while session.first_next_ns is None and time.monotonic() < deadline:
            time.sleep(0.005)
        nexts = session.next_calls
        cpu0 = _cpu_ns(self.proc.pid)
        mark = proxy.mark()
        session.submit(event)
        inv = self.runner.wait_done(session, self.function, [self.proc])
        # The invocation ends when the runtime asks for the next event.
        while session.next_calls <= nexts and time.monotonic() < deadline + 30:
            time.sleep(0.001)
        cpu = (_cpu_ns(self.proc.pid) - cpu0) / 1e6
        calls = proxy.since(mark)
        return {
            "inv": inv,
            "status": inv.status_code(),
            "wall_ms": inv.duration_ms,
            "cpu_ms": cpu,
            "calls": calls,
        }

    def stop(self) -> None:
        self.runner.stop(self.proc)
        self.api.stop()


def _dynamo_summary(calls: list[dict]) -> dict:
    return {
        "calls": len(calls),
        "round_trips": round_trips(calls),
        "rru": sum(c["rru"] for c in calls),
        "wru": sum(c["wru"] for c in calls),
        "index_wru": sum(c["index_wru"] for c in calls),
        "unmetered": sum(1 for c in calls if c.get("unmetered")),
        "ops": [f"{c['op']}{'' if c['ok'] else ' (' + c['error'] + ')'}: "
                f"{c['rru']:g} RRU {c['wru']} WRU [{'; '.join(c['items'])}]" for c in calls],
    }


# ---------------------------------------------------------------- the journey

class Journey:
    def __init__(self, runner: Runner, events: Events, proxy: CapacityProxy, env: dict,
                 upstream: str):
        self.events, self.proxy, self.env = events, proxy, env
        self.instances: dict[str, Instance] = {}
        try:
            for f in FUNCTIONS:
                self.instances[f] = Instance(runner, f)
        except BaseException:
            self.stop()
            raise
        self.dynamo = Dynamo(upstream)
        self.table = env["MEMBERS_TABLE"]
        clients = json.loads(env.get("OAUTH_CLIENTS") or "[]")
        client = clients[0] if clients else {}
        self.client_id = client.get("clientId", "local-client")
        self.origin = (client.get("origins") or ["http://127.0.0.1:5173"])[0]
        self.ses = env.get("AWS_ENDPOINT_URL_SESV2", "http://127.0.0.1:8005").rstrip("/")
        self.mail_seen: set[str] = set()
        self.sequence = 0

    def stop(self) -> None:
        for inst in self.instances.values():
            inst.stop()

    def call(self, step: str, function: str, event: bytes) -> tuple[dict, str]:
        r = self.instances[function].invoke(event, self.proxy)
        r["step"], r["function"] = step, function
        if r["inv"].outcome != "response" or (r["status"] or 0) >= 400:
            raise SystemExit(f"{step}: {function} answered {r['status']} "
                             f"{r['inv'].body[:300]!r}")
        return r, r["inv"].response_body()

    def headers(self, extra: dict | None = None) -> dict:
        return {"content-type": "application/json", "origin": self.origin, **(extra or {})}

    # ---- registration

    def new_mail(self) -> list[str]:
        out = self.dynamo.call("Scan", {
            "TableName": self.table, "ProjectionExpression": "pk",
            "FilterExpression": "begins_with(pk, :p)",
            "ExpressionAttributeValues": {":p": {"S": "MAIL#"}}})
        keys = [i["pk"]["S"] for i in out.get("Items", []) if i["pk"]["S"] not in self.mail_seen]
        self.mail_seen.update(keys)
        return keys

    def code_for(self, email: str, since: int) -> str:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"{self.ses}/store?since={since}", timeout=10) as resp:
                emails = json.load(resp).get("emails", [])
            for e in reversed(emails):
                if email in [t.lower() for t in (e.get("destination") or {}).get("to", [])]:
                    m = CODE.search(f"{e.get('subject', '')}\n{(e.get('body') or {}).get('text', '')}")
                    if m:
                        return m.group(1)
            time.sleep(0.2)
        raise SystemExit("no verification email reached the local SES")

    def register(self, email: str) -> tuple[list[dict], str]:
        since = int(time.time()) - 1
        steps = []
        r, body = self.call("register", "register", api_event(
            self.events, "register", "POST", "/_api/iam/authentication/v2/register",
            self.headers({"authorization": "visitor-access-token"}),
            {"loginId": {"email": email}, "password": PASSWORD,
             "profile": {"nickname": "cost"}}))
        state_token = json.loads(body)["stateToken"]
        steps.append(r)
        keys = self.new_mail()
        self.sequence += 1
        stream_event = json.dumps({"Records": [
            {"eventID": str(i), "eventName": "INSERT", "eventSource": "aws:dynamodb",
             "awsRegion": "us-east-1",
             "dynamodb": {"Keys": {"pk": {"S": k}}, "SequenceNumber": f"{self.sequence}{i:04d}",
                          "StreamViewType": "KEYS_ONLY"}} for i, k in enumerate(keys)]}).encode()
        r, body = self.call("mailer (stream)", "mailer", stream_event)
        r["emails"] = len(keys)
        steps.append(r)
        code = self.code_for(email, since)
        r, body = self.call("verify", "verify", api_event(
            self.events, "verify", "POST", "/_api/iam/verification/v1/auth/verify",
            self.headers(), {"code": code, "stateToken": state_token}))
        steps.append(r)
        return steps, json.loads(body)["sessionToken"]

    # ---- sign-in

    def sign_in(self, email: str, refreshes: int) -> list[dict]:
        steps = []
        r, body = self.call("login", "login", api_event(
            self.events, "login", "POST", "/_api/iam/authentication/v2/login",
            self.headers({"authorization": "visitor-access-token"}),
            {"loginId": {"email": email}, "password": PASSWORD}))
        session_token = json.loads(body)["sessionToken"]
        steps.append(r)
        verifier, challenge = pkce()
        state = secrets.token_urlsafe(12)
        r, body = self.call("redirect session", "redirect-session", api_event(
            self.events, "redirect-session", "POST", "/_api/redirects-api/v1/redirect-session",
            self.headers(),
            {"auth": {"authRequest": {
                "clientId": self.client_id, "codeChallenge": challenge,
                "codeChallengeMethod": "S256", "responseMode": "web_message",
                "responseType": "code", "scope": "offline_access", "state": state,
                "sessionToken": session_token}, "prompt": "none"}}))
        full_url = json.loads(body)["redirectSession"]["fullUrl"]
        steps.append(r)
        parts = urllib.parse.urlsplit(full_url)
        r, page = self.call("authorize", "authorize", api_event(
            self.events, "authorize", "GET", parts.path,
            {"user-agent": "Mozilla/5.0", "sec-fetch-dest": "iframe"}, None, parts.query))
        start = page.index("var m=") + len("var m=")
        message = json.loads(page[start:page.index(";var o=", start)])
        if message.get("state") != state or "code" not in message:
            raise SystemExit("authorize: no code for the sign-in")
        steps.append(r)
        r, body = self.call("token (code)", "token", api_event(
            self.events, "token", "POST", "/oauth2/token", self.headers(),
            {"clientId": self.client_id, "grantType": "authorization_code",
             "code": message["code"], "codeVerifier": verifier}))
        tokens = json.loads(body)
        steps.append(r)
        r, body = self.call("current member", "current-member", api_event(
            self.events, "current-member", "GET", "/members/v1/members/my",
            {"origin": self.origin, "authorization": tokens["access_token"]}))
        steps.append(r)
        for _ in range(refreshes):
            r, body = self.call("token (refresh)", "token", api_event(
                self.events, "token", "POST", "/oauth2/token", self.headers(),
                {"clientId": self.client_id, "grantType": "refresh_token",
                 "refreshToken": tokens["refresh_token"]}))
            steps.append(r)
        return steps


def _summarise(runs: list[list[dict]]) -> list[dict]:
    """Per step of the journey (position), medians over the runs; DynamoDB figures are
    the same on every run unless `varied` says otherwise."""
    out = []
    for pos in range(len(runs[0])):
        samples = [run[pos] for run in runs]
        dyn = [_dynamo_summary(s["calls"]) for s in samples]
        keyset = {(d["calls"], d["rru"], d["wru"]) for d in dyn}
        worst = max(dyn, key=lambda d: (d["wru"], d["rru"], d["calls"]))
        out.append({
            "step": samples[0]["step"],
            "function": samples[0]["function"],
            "api_request": samples[0]["function"] != "mailer",
            "status": samples[0]["status"],
            "runs": len(samples),
            "wall_ms": statistics.median(s["wall_ms"] for s in samples),
            "cpu_ms": statistics.median(s["cpu_ms"] for s in samples),
            "cpu_ms_samples": [round(s["cpu_ms"], 3) for s in samples],
            # Round trips are read from timing (calls that overlap); the most common
            # count over the runs, so one late connection does not split a batch.
            "dynamodb": {**worst, "round_trips": statistics.median_low(d["round_trips"] for d in dyn)},
            "varied": len(keyset) > 1,
            "emails": samples[0].get("emails", 0),
        })
    return out


def table_storage(upstream: str, table: str) -> dict:
    """Items and bytes in the table (item sizes + DynamoDB's 100 bytes of per-item storage
    overhead, [SZ] in capacity.py), read with an uncounted Scan."""
    d = Dynamo(upstream)
    items, start = [], None
    while True:
        payload = {"TableName": table}
        if start:
            payload["ExclusiveStartKey"] = start
        out = d.call("Scan", payload)
        items += out.get("Items", [])
        start = out.get("LastEvaluatedKey")
        if not start:
            break
    kinds: dict[str, int] = {}
    for i in items:
        kind = i["pk"]["S"].split("#", 1)[0] if "#" in i["pk"]["S"] else "other"
        kinds[kind] = kinds.get(kind, 0) + 1
    return {"items": len(items), "bytes": sum(item_size(i) + 100 for i in items),
            "kinds": kinds}


def create_table(name: str, env: dict[str, str]) -> None:
    """The table as the real one is made (pk, the stream, the GSIs: counting index writes
    needs them; stack.Dynamo.create_table makes the key alone), with the project's
    create-table (target/debug/create-table, else `cargo run -p integration-tests --bin
    create-table`), against env's AWS_ENDPOINT_URL."""
    import subprocess
    tool = ROOT / "target" / "debug" / "create-table"
    cmd = ([str(tool), name] if tool.exists()
           else ["cargo", "run", "-q", "-p", "integration-tests", "--bin", "create-table", "--", name])
    aws = {k: v for k, v in env.items() if k.startswith("AWS_")}
    out = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **aws}, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"create-table {name} failed: {out.stderr[-2000:]}")


def elf_arch(path: Path) -> str:
    """x86_64 or arm64, from the ELF header's e_machine."""
    with open(path, "rb") as f:
        head = f.read(20)
    machine = int.from_bytes(head[18:20], "little") if head[:4] == b"\x7fELF" else 0
    return {0x3E: "x86_64", 0xB7: "arm64"}.get(machine, "unknown")


def login_cost(binaries: dict[str, Path] | Path | str, base_env: dict[str, str], table: str,
               refreshes: int = 4, repeats: int = 5, upstream: str | None = None,
               maus: list[int] | None = None, sign_ins: list[int] | None = None) -> dict:
    """Runs the journey against `table` (which must exist, made as the real one is: pk
    and the GSIs of tests/src/bin/create-table.rs; see create_table) and returns per-step figures and the
    priced comparison. `binaries` maps function → binary, or is a directory holding
    <dir>/<function> (a build's target/debug, say)."""
    if not isinstance(binaries, dict):
        root = Path(binaries)
        binaries = {f: root / f for f in FUNCTIONS}
    binaries = {f: Path(b).resolve() for f, b in binaries.items()}
    # bench.py's binaries leave out the mailer (it has no route): take it from beside login.
    for f in FUNCTIONS:
        if f not in binaries and "login" in binaries:
            login = binaries["login"]
            binaries[f] = (login.parent.parent / f / "bootstrap" if login.name == "bootstrap"
                           else login.parent / f)
            if not binaries[f].exists():
                binaries[f] = packaged_binary(f)
    missing = [f"{f}: {binaries.get(f)}" for f in FUNCTIONS
               if f not in binaries or not Path(binaries[f]).exists()]
    if missing:
        raise SystemExit("missing binaries: " + ", ".join(missing))
    upstream = upstream or base_env.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
    proxy = CapacityProxy(upstream).start()
    env = {**base_env, **JOURNEY_SETTINGS, "MEMBERS_TABLE": table,
           "AWS_ENDPOINT_URL": proxy.endpoint}
    run_id = f"{int(time.time())}-{os.getpid()}"
    events = Events(run_id)
    runner = Runner({f: binaries[f] for f in FUNCTIONS}, env)
    journey = Journey(runner, events, proxy, env, upstream)
    try:
        # Warm-up: a member registered and signed in once, so every instance has started,
        # loaded its keys and opened its connections (cold starts are the sizing section's).
        warm = f"cost-warm-{run_id}@example.com"
        journey.register(warm)
        journey.sign_in(warm, refreshes)
        email = f"cost-{run_id}@example.com"
        registration, _ = journey.register(email)
        runs = [journey.sign_in(email, refreshes) for _ in range(repeats)]
    finally:
        journey.stop()
        proxy.stop()
    storage = table_storage(upstream, table)
    r = {
        "refreshes": refreshes,
        "repeats": repeats,
        "binaries": {f: str(binaries[f]) for f in FUNCTIONS},
        "binary_arch": elf_arch(binaries["login"]),
        "settings": JOURNEY_SETTINGS,
        "registration": _summarise([registration]),
        "sign_in": _summarise(runs),
        "storage": {**storage, "members": 2, "sign_ins": 1 + repeats},
        "machine": machine(),
    }
    r["priced"] = price(r, maus or DEFAULT_MAUS, sign_ins or DEFAULT_SIGN_INS)
    return r


# ---------------------------------------------------------------- pricing

def step_cost(step: dict, memory: dict[str, int], arch: str) -> dict:
    """Lambda at the deployed memory: the measured CPU time scaled to the memory's share
    of a vCPU (this machine's core taken as one full vCPU; Lambda gives M/1769 of one at M
    MB, so CPU-bound time × 1769/M below 1769 MB), plus the assumed in-region wait per
    DynamoDB round trip (and SES for the mailer), billed per 1 ms rounded up."""
    mem = memory.get(step["function"], 1024)
    scale = max(1.0, FULL_VCPU_MB / mem)
    wait = step["dynamodb"]["round_trips"] * DYNAMODB_ROUND_TRIP_MS
    if step["function"] == "mailer":
        wait += ASSUMED_SES_MS * max(1, step.get("emails", 1))
    modelled = step["cpu_ms"] * scale + wait
    billed = math.ceil(modelled)
    lam = {a: mem / 1024 * billed / 1000 * p + PRICE_PER_MILLION_REQUESTS / 1e6
           for a, p in PRICE_GB_S.items()}
    dyn = (step["dynamodb"]["rru"] * PRICES["dynamodb_rru_per_million"]["usd"]
           + step["dynamodb"]["wru"] * PRICES["dynamodb_wru_per_million"]["usd"]) / 1e6
    api = PRICES["api_gateway_http_per_million"]["usd"] / 1e6 if step["api_request"] else 0.0
    ses = step.get("emails", 0) * PRICES["ses_per_thousand"]["usd"] / 1000
    return {"memory_mb": mem, "cpu_scale": scale, "modelled_ms": modelled,
            "billed_ms": billed, "local_billed_ms": math.ceil(step["wall_ms"]),
            "lambda_usd": lam[arch], "lambda_usd_by_arch": lam, "dynamodb_usd": dyn,
            "api_usd": api, "ses_usd": ses, "total_usd": lam[arch] + dyn + api + ses}


def _totals(steps: list[dict], costs: list[dict]) -> dict:
    keys = ("lambda_usd", "dynamodb_usd", "api_usd", "ses_usd", "total_usd")
    t = {k: sum(c[k] for c in costs) for k in keys}
    t.update(invocations=len(steps), api_requests=sum(1 for s in steps if s["api_request"]),
             rru=sum(s["dynamodb"]["rru"] for s in steps),
             wru=sum(s["dynamodb"]["wru"] for s in steps),
             dynamodb_calls=sum(s["dynamodb"]["calls"] for s in steps),
             billed_ms=sum(c["billed_ms"] for c in costs),
             gb_s=sum(c["memory_mb"] / 1024 * c["billed_ms"] / 1000 for c in costs))
    return t


def cognito_monthly(plan: str, maus: int) -> float | None:
    cost, below = 0.0, 0
    for upto, rate in COGNITO["plans"][plan]:
        top = maus if upto is None else min(maus, upto)
        if top > below:
            cost += (top - below) * rate
            below = top
        if upto is None or maus <= upto:
            return cost
    return None  # beyond the tiers the source gave


def price(r: dict, maus: list[int], sign_ins: list[int]) -> dict:
    memory, arch = deployed_memory()
    reg = [(s, step_cost(s, memory, arch)) for s in r["registration"]]
    sign = [(s, step_cost(s, memory, arch)) for s in r["sign_in"]]
    sign_total = _totals([s for s, _ in sign], [c for _, c in sign])
    reg_total = _totals([s for s, _ in reg], [c for _, c in reg])
    st = r["storage"]
    bytes_per_member = st["bytes"] / max(1, st["members"])
    storage_month = bytes_per_member / 1e9 * PRICES["dynamodb_storage_gb_month"]["usd"]
    table = []
    for s in sign_ins:
        for m in maus:
            ours = m * s * sign_total["total_usd"]
            row = {"maus": m, "sign_ins_per_member": s, "ours_usd": ours,
                   "ours_with_storage_usd": ours + m * storage_month,
                   "cognito_usd": {p: cognito_monthly(p, m) for p in COGNITO["plans"]}}
            table.append(row)
    refresh = [c for s, c in sign if s["step"] == "token (refresh)"]
    by_arch = {a: 1000 * sum(c["total_usd"] - c["lambda_usd"] + c["lambda_usd_by_arch"][a]
                             for _, c in sign) for a in PRICE_GB_S}
    return {
        "per_1000_sign_ins_usd_by_arch": by_arch,
        "arch": arch,
        "refresh_usd": refresh[0]["total_usd"] if refresh else 0.0,
        "sign_in_without_refreshes_usd": sign_total["total_usd"] - sum(c["total_usd"] for c in refresh),
        "memory_mb": {f: memory.get(f) for f in FUNCTIONS},
        "registration_steps": [c for _, c in reg],
        "sign_in_steps": [c for _, c in sign],
        "registration": reg_total,
        "sign_in": sign_total,
        "per_1000_sign_ins_usd": 1000 * sign_total["total_usd"],
        "storage_bytes_per_member": bytes_per_member,
        "storage_usd_per_member_month": storage_month,
        "monthly": table,
        "prices": PRICES,
        "cognito": COGNITO,
        "assumptions": assumptions(arch, r["refreshes"], r.get("binary_arch", "unknown")),
        "retrieved": RETRIEVED,
    }


def assumptions(arch: str, refreshes: int, measured_arch: str) -> list[str]:
    return [
        f"Lambda on {arch} (infra/variables.tf's default architecture) at each function's "
        "default memory in infra/variables.tf (function_memory_mb, mailer_memory_mb), the "
        "sizing section's recommendation: 1024 MB where argon2 runs (login, register, "
        "authorize), 256 MB elsewhere."
        + (f" The binaries measured are {measured_arch}: {arch} is assumed to run them at "
           "the same speed per vCPU, as the sizing section assumes (Graviton's may differ)."
           if measured_arch != arch else ""),
        f"CPU time is measured per warm invocation on this machine (all threads, from "
        f"/proc/<pid>/task/*/schedstat, from the event's hand-out to the runtime's next "
        f"GET /next), one core of it taken as one full Lambda vCPU; Lambda gives M/"
        f"{FULL_VCPU_MB} of a vCPU at M MB, so CPU-bound time is scaled by {FULL_VCPU_MB}/M "
        f"below {FULL_VCPU_MB} MB (argon2 uses one thread, so nothing is gained above).",
        f"I/O wait is not the local one (moto is far slower than DynamoDB): each DynamoDB "
        f"round trip (calls issued together count once, as the proxy saw them overlap) is "
        f"assumed to take {DYNAMODB_ROUND_TRIP_MS:g} ms in-region (config.ASSUMED_DYNAMODB_MS "
        f"= {ASSUMED_DYNAMODB_MS:g} ms for a login's two), and the mailer's SES send "
        f"{ASSUMED_SES_MS:g} ms; both are assumptions, not measured.",
        "Billed duration = that modelled time rounded up to 1 ms, per invocation; plus "
        f"${PRICE_PER_MILLION_REQUESTS:.2f} per million requests. Warm instances only: "
        "cold starts are not "
        "in these figures (see the cold-start sections for their size).",
        "DynamoDB request units are computed by bench/benchlib/capacity.py from the real "
        "item sizes the functions read and wrote in moto, by AWS's rules (cited there), "
        "honouring each call's ConsistentRead; writes include the table's global secondary "
        "index writes (KEYS_ONLY indexes, sized on their entries, not doubled for "
        "transactions); a cancelled transaction would be charged as if prepared.",
        "API Gateway: one HTTP API request per step (the mailer is fed by the table's "
        "stream and is not one; stream reads by a Lambda trigger are not billed as "
        "requests), each under 512 KB.",
        f"A sign-in is login, redirect session, authorize, token (code), current member and "
        f"{refreshes} refresh(es). The visitor-token request the client makes before a "
        "visitor signs in (grantType anonymous), logout and any other member API calls "
        "are left out.",
        "Registration (once per member) is register, the mailer's send of the code and "
        "verify, with email verification required and automatic approval (the defaults); "
        "its cost is shown apart and not in the monthly figures.",
        "Monthly cost = members × sign-ins per member × the cost of one sign-in; free "
        "tiers (Lambda's, DynamoDB's 25 GB, API Gateway's first-year million) are left "
        "out, Cognito's free MAUs are in (they do not expire). Storage: the table's bytes "
        "after the run (item sizes + 100 bytes of overhead each) per member, at "
        "$0.25/GB-month.",
        "Data transfer, CloudWatch Logs and KMS are left out on both sides; Cognito's "
        "figures are MAU charges only (its emails, SMS and advanced features extra).",
    ]
