"""The Velo `login` (POST /backend/authentication/login) as a Python 3.11 developer would
write it for Lambda: boto3 with its client made once per instance (at import, outside the
handler; botocore's urllib3 pool keeps connections alive), argon2-cffi, run by the
official runtime interface client (awslambdaric, `python -m awslambdaric login.handler`).

It makes the DynamoDB requests our Rust `login` makes (shared/src/flows/login.rs,
shared/src/store/dynamo/counters.rs, members.rs) on the same items of the same table, and
answers the same API Gateway v2 response, with session and device tokens signed as
shared/src/domain/token.rs signs them (HS256 JWS, same header and claims). A successful
login is 6 requests in 2 round trips; the requests of a round trip go out together from a
small thread pool made at import (boto3 clients are thread-safe), as Rust's tokio::join!
and Node's Promise.all send theirs. What it leaves out: bench/peers/README.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import os
import re
import secrets
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import boto3
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from botocore.config import Config

# ---- once per instance (init): settings, keys, the client, the hasher -----------------

TABLE = os.environ["MEMBERS_TABLE"]
SESSION_TTL = int(os.environ.get("SESSION_TOKEN_TTL_SECONDS", "600"))


def _signing_key() -> tuple[str, bytes]:
    """SIGNING_KEYS: kid:base64url-key[,kid:base64url-key...]; the first signs."""
    first = next(e.strip() for e in os.environ["SIGNING_KEYS"].split(",") if e.strip())
    kid, encoded = first.split(":", 1)
    encoded = encoded.strip().rstrip("=")
    key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    if len(key) < 32:
        raise ValueError(f"key {kid} is shorter than 32 bytes")
    return kid.strip(), key


SIGNING_KID, SIGNING_KEY = _signing_key()
# The region and the endpoint (AWS_ENDPOINT_URL) come from the environment, as boto3
# reads them.
DYNAMO = boto3.client("dynamodb", config=Config(max_pool_connections=10))
POOL = ThreadPoolExecutor(max_workers=3, thread_name_prefix="dynamodb")
HASHER = PasswordHasher(
    time_cost=int(os.environ.get("ARGON2_ITERATIONS", "2")),
    memory_cost=int(os.environ.get("ARGON2_MEMORY_KIB", "19456")),
    parallelism=int(os.environ.get("ARGON2_PARALLELISM", "1")),
)

# ---- policy (shared/src/flows/throttle.rs) -------------------------------------------

LOCK_AFTER_FAILURES = 5
MAX_LOCK_SECS = 900
IDLE_RESET_SECS = 900
SOURCE_WINDOW_SECS = 900
SOURCE_FAILURE_LIMIT = 100
ACCOUNT_FAILURE_BUDGET = 20
DEVICE_TOKEN_TTL_SECS = 365 * 24 * 3600
MAX_PASSWORD_LENGTH = 100


def lock_delay(failures: int) -> int:
    if failures < LOCK_AFTER_FAILURES:
        return 0
    return min(1 << min(failures - LOCK_AFTER_FAILURES, 20), MAX_LOCK_SECS)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def N(value: int) -> dict:
    return {"N": str(value)}


def S(value: str) -> dict:
    return {"S": value}


def num(item: dict | None, name: str) -> int:
    try:
        return int((item or {})[name]["N"])
    except (KeyError, ValueError):
        return 0


# The dot-atom email the Rust `Email::parse` accepts (shared/src/domain/email.rs).
_LOCAL = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


def parse_email(raw: str) -> str | None:
    email = raw.strip().lower()
    if not email or len(email) > 254 or "@" not in email:
        return None
    local, _, domain = email.rpartition("@")
    labels = domain.split(".")
    if len(local) > 64 or not _LOCAL.fullmatch(local):
        return None
    if len(domain) > 253 or len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        return None
    if not re.fullmatch(r"[a-z]{2,}", labels[-1]):
        return None
    return email


def counted_source(ip: str | None) -> str:
    """An IPv6 source counts by its /64, an IPv4-mapped one as IPv4 (shared/src/http/call.rs
    `counted_source`); an address that does not parse counts as given."""
    if not ip:
        return "unknown"
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return ip if len(ip) <= 64 else "unknown"
    if addr.version == 4:
        return str(addr)
    if addr.ipv4_mapped:
        return str(addr.ipv4_mapped)
    return f"{ipaddress.IPv6Address(int(addr) >> 64 << 64)}/64"


# ---- tokens (shared/src/domain/token.rs, device.rs) -----------------------------------

def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


_HEADER = _b64(json.dumps({"typ": "JWT", "alg": "HS256", "kid": SIGNING_KID},
                          separators=(",", ":")).encode())


def sign(claims: dict) -> str:
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    mac = hmac.new(SIGNING_KEY, f"{_HEADER}.{body}".encode(), hashlib.sha256).digest()
    return f"{_HEADER}.{body}.{_b64(mac)}"


# ---- answers (shared/src/http/respond.rs) ------------------------------------------------

def answer(status: int, value: dict, extra_headers: dict | None = None) -> dict:
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json", "cache-control": "no-store",
                    "vary": "origin", **(extra_headers or {})},
        "multiValueHeaders": {},
        "isBase64Encoded": False,
        "cookies": [],
        "body": json.dumps(value, separators=(",", ":"), sort_keys=True),
    }


def api_error(status: int, code: str, message: str, extra_headers: dict | None = None) -> dict:
    return answer(status, {"details": {"applicationError": {
        "code": code, "data": {}, "description": message}}, "message": message}, extra_headers)


def wrong_credentials() -> dict:
    return api_error(401, "-19976", "email or password is incorrect")


def too_many(secs: int) -> dict:
    return api_error(429, "TOO_MANY_REQUESTS", f"too many attempts; try again in {secs} seconds")


def log(event: str, member_id: str | None, source: str) -> None:
    # One structured line per security event, as ours logs (no email, no password).
    print(json.dumps({"level": "INFO", "message": "security event", "security_event": event,
                      "member_id": member_id, "source": source}), flush=True)


# ---- the store's requests -------------------------------------------------------------

def _condition_failed(err: Exception) -> bool:
    return isinstance(err, DYNAMO.exceptions.ConditionalCheckFailedException)


def change_counter(pk: str, taken: int = 0, forget_lock: bool = False,
                   lock: tuple[int, int] | None = None) -> None:
    """A login counter changed if it still exists (counters.rs `change_counter`)."""
    parts, values = [], {}
    if taken > 0:
        parts.append("ADD failures :taken")
        values[":taken"] = {"N": f"-{taken}"}
    if lock:
        parts.append("SET lockedUntil = :until, lockedFor = :for")
        values[":until"], values[":for"] = N(lock[0]), N(lock[1])
    elif forget_lock:
        parts.append("REMOVE lockedFor")
    if not parts:
        return
    request = {"TableName": TABLE, "Key": {"pk": S(pk)}, "UpdateExpression": " ".join(parts),
               "ConditionExpression": "attribute_exists(failures)"}
    if values:
        request["ExpressionAttributeValues"] = values
    try:
        DYNAMO.update_item(**request)
    except Exception as err:  # noqa: BLE001 - re-raised unless the condition failed
        if not _condition_failed(err):
            raise


def count_attempt(lock_pk: str, now: int) -> dict:
    """counters.rs `count_attempt`: the attempt is added if the lock admits it."""
    idle_before = max(0, now - IDLE_RESET_SECS)
    try:
        out = DYNAMO.update_item(
            TableName=TABLE, Key={"pk": S(lock_pk)},
            UpdateExpression="ADD failures :one SET lastFailure = :now, expiresAt = :exp",
            ConditionExpression="attribute_not_exists(failures) OR failures < :lockAfter OR "
            "lastFailure < :idleBefore OR (lockedUntil <= :now AND lockedFor = failures)",
            ExpressionAttributeValues={
                ":one": N(1), ":now": N(now), ":exp": N(now + IDLE_RESET_SECS + MAX_LOCK_SECS),
                ":lockAfter": N(LOCK_AFTER_FAILURES), ":idleBefore": N(idle_before)},
            ReturnValues="ALL_OLD", ReturnValuesOnConditionCheckFailure="ALL_OLD")
    except Exception as err:  # noqa: BLE001
        if not _condition_failed(err):
            raise
        item = err.response.get("Item")
        return {"counted": False, "locked_until": max(num(item, "lockedUntil"), now + 1)}
    old = out.get("Attributes")
    failures, last = num(old, "failures"), num(old, "lastFailure")
    if failures == 0 or last < idle_before:
        return {"counted": True, "number": 1, "stale": failures}
    return {"counted": True, "number": failures + 1, "stale": 0}


def count_account_attempt(account_pk: str, window_end: int) -> str:
    """counters.rs `count_account_attempt`: against the account's budget for the window."""
    try:
        DYNAMO.update_item(
            TableName=TABLE, Key={"pk": S(account_pk)},
            UpdateExpression="ADD failures :one SET expiresAt = :exp",
            ConditionExpression="attribute_not_exists(failures) OR failures < :budget",
            ExpressionAttributeValues={":one": N(1), ":exp": N(window_end),
                                       ":budget": N(ACCOUNT_FAILURE_BUDGET)})
        return "counted"
    except Exception as err:  # noqa: BLE001
        if not _condition_failed(err):
            raise
        return "spent"


def credentials_and_source(email: str | None, source_pk: str) -> tuple[dict | None, int]:
    """counters.rs `credentials_and_source`: one consistent batch read."""
    keys = [{"pk": S(source_pk)}] + ([{"pk": S(f"EMAIL#{email}")}] if email else [])
    out = DYNAMO.batch_get_item(RequestItems={TABLE: {"Keys": keys, "ConsistentRead": True}})
    if out.get("UnprocessedKeys"):
        raise RuntimeError("batch read throttled")
    items = {i["pk"]["S"]: i for i in out.get("Responses", {}).get(TABLE, [])}
    claim = items.get(f"EMAIL#{email}") if email else None
    credentials = ({"member_id": claim["memberId"]["S"], "hash": claim["passwordHash"]["S"]}
                   if claim else None)
    return credentials, num(items.get(source_pk), "failures")


def record_login(member_id: str, timestamp: str) -> dict:
    """members.rs `record_login`: the stamp, only for an approved, verified member."""
    try:
        out = DYNAMO.update_item(
            TableName=TABLE, Key={"pk": S(f"MEMBER#{member_id}")},
            UpdateExpression="SET lastLoginDate = :now, lastLoginKey = :login_key",
            ConditionExpression="attribute_exists(pk) AND #status = :approved AND "
            "(attribute_not_exists(emailVerified) OR emailVerified = :yes)",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={
                ":now": S(timestamp), ":login_key": S(f"{timestamp}\u0001{member_id}"),
                ":approved": S("APPROVED"), ":yes": {"BOOL": True}},
            ReturnValues="ALL_NEW", ReturnValuesOnConditionCheckFailure="ALL_OLD")
        return {"member": out["Attributes"]}
    except Exception as err:  # noqa: BLE001
        if not _condition_failed(err):
            raise
        return {"refused": err.response.get("Item")}


# ---- argon2 (shared/src/domain/password.rs) --------------------------------------------

_dummy_hash: str | None = None


def password_matches(password: str, stored: str | None) -> bool:
    """An unknown email is checked against a dummy hash of the same cost, made on first
    use."""
    global _dummy_hash
    if stored is None and _dummy_hash is None:
        _dummy_hash = HASHER.hash(secrets.token_urlsafe(32))
    try:
        return HASHER.verify(stored or _dummy_hash, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


# ---- the handler ---------------------------------------------------------------------------

def handler(event: dict, context) -> dict:  # noqa: ANN001 - the Lambda context
    try:
        raw = event.get("body") or ""
        body = json.loads(base64.b64decode(raw) if event.get("isBase64Encoded") else raw)
    except ValueError as err:
        return api_error(400, "INVALID_JSON", f"request body is not valid JSON: {err}")
    if not isinstance(body, dict) or not isinstance(body.get("email"), str) \
            or not isinstance(body.get("password"), str):
        return api_error(400, "INVALID_JSON",
                         "request body is not valid JSON: email and password are required")
    raw_email, password = body["email"], body["password"]
    if len(password.encode()) > MAX_PASSWORD_LENGTH:
        return wrong_credentials()
    email = parse_email(raw_email)
    source = counted_source(((event.get("requestContext") or {}).get("http") or {}).get("sourceIp"))
    account = raw_email.strip().lower()

    now = int(time.time())
    window = now // SOURCE_WINDOW_SECS
    window_end = (window + 1) * SOURCE_WINDOW_SECS
    lock_pk = "LOCK#" + sha256_hex(account + "\n" + source)
    account_pk = f"ACCOUNT#{sha256_hex(account)}#{window}"
    source_pk = f"IPFAIL#{source}#{window}"

    # Round trip 1: the attempt counted, per source and account-wide, while the
    # credentials are read.
    f_attempt = POOL.submit(count_attempt, lock_pk, now)
    f_budget = POOL.submit(count_account_attempt, account_pk, window_end)
    f_read = POOL.submit(credentials_and_source, email, source_pk)
    attempt, budget, (credentials, source_failures) = (
        f_attempt.result(), f_budget.result(), f_read.result())
    member_id = credentials["member_id"] if credentials else None

    def give_back() -> None:
        if budget == "counted":
            change_counter(account_pk, taken=1)

    def refused(stale: int | None, response: dict) -> dict:
        futures = [POOL.submit(give_back)]
        if stale is not None:
            futures.append(POOL.submit(change_counter, lock_pk, stale + 1, stale > 0))
        for f in futures:
            f.result()
        return response

    if not attempt["counted"]:
        log("login_locked", member_id, source)
        return refused(None, too_many(attempt["locked_until"] - now))
    if budget == "spent":
        log("login_budget_spent", member_id, source)
        return refused(attempt["stale"], too_many(window_end - now))
    if source_failures >= SOURCE_FAILURE_LIMIT:
        log("login_source_limited", member_id, source)
        return refused(attempt["stale"], too_many(window_end - now))

    matched = password_matches(password, credentials["hash"] if credentials else None)
    if not matched or member_id is None:
        delay = lock_delay(attempt["number"])
        f_source = POOL.submit(
            DYNAMO.update_item, TableName=TABLE, Key={"pk": S(source_pk)},
            UpdateExpression="ADD failures :one SET expiresAt = :exp",
            ExpressionAttributeValues={":one": N(1), ":exp": N(window_end)})
        f_lock = POOL.submit(change_counter, lock_pk, attempt["stale"], attempt["stale"] > 0,
                             (now + delay, attempt["number"]) if delay > 0 else None)
        f_source.result()
        f_lock.result()
        log("login_failed", member_id, source)
        return wrong_credentials()

    # Round trip 2: the run ends, the budget place comes back, the login is stamped.
    stamp = datetime.now(timezone.utc)
    timestamp = stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"
    f_clear = POOL.submit(DYNAMO.delete_item, TableName=TABLE, Key={"pk": S(lock_pk)})
    f_back = POOL.submit(give_back)
    f_stamp = POOL.submit(record_login, member_id, timestamp)
    f_clear.result()
    f_back.result()
    stamped = f_stamp.result()
    if "member" not in stamped:
        item = stamped.get("refused") or {}
        status = (item.get("status") or {}).get("S")
        if status == "APPROVED" and (item.get("emailVerified") or {}).get("BOOL") is False:
            return api_error(403, "EMAIL_NOT_VERIFIED", "this member has not verified its email yet")
        if status == "PENDING":
            return api_error(403, "MEMBER_PENDING",
                             "this member is waiting for the site owner's approval")
        if status == "BLOCKED":
            return api_error(403, "MEMBER_BLOCKED", "this member is blocked")
        if status == "OFFLINE":
            return wrong_credentials()
        raise RuntimeError("email claim without member")
    log("login_succeeded", member_id, source)
    session_token = "JWS." + sign({
        "sub": member_id, "ver": num(stamped["member"], "tokenVersion"),
        "sid": str(uuid.uuid4()), "iat": now, "exp": now + SESSION_TTL, "typ": "session"})
    device_token = "DEV." + sign({
        "sub": sha256_hex(account), "iat": now, "exp": now + DEVICE_TOKEN_TTL_SECS,
        "typ": "device"})
    return answer(200, {"deviceToken": device_token, "sessionToken": session_token})

