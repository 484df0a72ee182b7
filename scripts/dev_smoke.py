#!/usr/bin/env python3
"""Walks the service `make dev` runs at 127.0.0.1:9000 over real HTTP: the Velo
methods, the headless register → emailed code → verify → redirect session →
authorize → token → current member → logout journey, and the error envelope.
Standard library only. Exits non-zero on the first surprise."""

import base64
import concurrent.futures
import os
import hashlib
import json
import re
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

BASE = f"http://127.0.0.1:{os.environ.get('DEV_PORT', '9000')}"
INBOX = "http://127.0.0.1:8005"
SITE = os.environ.get("DEV_SITE_ORIGIN", "http://127.0.0.1:5173")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)


def call(method, path, body=None, headers=None, expect=200):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + path, data=data, method=method)
    request.add_header("content-type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with opener.open(request, timeout=60) as response:
            status, text, location = response.status, response.read().decode(), response.headers.get("location")
    except urllib.error.HTTPError as error:
        status, text, location = error.code, error.read().decode(), error.headers.get("location")
    if status != expect:
        sys.exit(f"dev smoke: {method} {path}: expected {expect}, got {status}: {text[:300]}")
    print(f"  {status} {method} {path.split('?')[0]}")
    try:
        return json.loads(text), location
    except json.JSONDecodeError:
        return text, location


def cors(method, path, origin, preflight):
    """The CORS headers of an answer to `origin` (API Gateway's rules, infra/api.tf)."""
    headers = {"origin": origin}
    if preflight:
        headers.update({"access-control-request-method": "GET",
                        "access-control-request-headers": "authorization"})
    request = urllib.request.Request(BASE + path, method=method, headers=headers)
    try:
        with opener.open(request, timeout=60) as response:
            answer = response
    except urllib.error.HTTPError as error:
        answer = error
    return (answer.status, answer.headers.get("access-control-allow-origin"),
            answer.headers.get("access-control-allow-credentials"))


def check_cors():
    """As strict as the gateway: the site's origin, without credentials, and no other."""
    my = "/members/v1/members/my"
    checks = {
        "preflight from the site": (cors("OPTIONS", my, SITE, True), (204, SITE, None)),
        "preflight from elsewhere": (cors("OPTIONS", my, "http://evil.example", True), (204, None, None)),
        "answer to the site": (cors("GET", my, SITE, False), (401, SITE, None)),
        "answer to elsewhere": (cors("GET", my, "http://evil.example", False), (401, None, None)),
    }
    for name, (got, expected) in checks.items():
        if got != expected:
            sys.exit(f"dev smoke: CORS, {name}: expected {expected}, got {got}")
    print(f"  CORS: {len(checks)} checks (the site's origin only, no credentials)")


def latest_mail(to):
    # The mailer sends from the table's stream (mail-driver), a moment after the answer.
    for _ in range(150):
        with urllib.request.urlopen(f"{INBOX}/store", timeout=10) as response:
            emails = json.loads(response.read())["emails"]
        mine = [e for e in emails if to in [a.lower() for a in e["destination"]["to"]]]
        if mine:
            return mine[-1]
        time.sleep(0.1)
    sys.exit(f"dev smoke: no email to {to}")


def main():
    check_cors()
    admin_key = next(
        line.split("=", 1)[1].strip()
        for line in open(".tools/dev.env")
        if line.startswith("ADMIN_KEY=")
    )
    admin = {"authorization": f"Bearer {admin_key}"}
    api_key = next(
        line.split("=", 1)[1].strip().split(":", 1)[1]
        for line in open(".tools/dev.env")
        if line.startswith("API_KEYS=")
    )
    email = f"smoke-{secrets.token_hex(6)}@example.com"
    password = "correct-horse-battery"
    print(f"dev smoke against {BASE}")

    # Velo web methods.
    velo = "/backend/authentication"
    call("POST", f"{velo}/register", {"email": email, "password": password})
    call("POST", f"{velo}/login", {"email": email, "password": password})
    call("POST", f"{velo}/login", {"email": email, "password": "wrong-password"}, expect=401)
    call("POST", f"{velo}/block-by-email", {"email": email}, expect=403)
    call("POST", f"{velo}/block-by-email", {"email": email}, admin)
    call("POST", f"{velo}/login", {"email": email, "password": password}, expect=403)
    call("POST", f"{velo}/approve-by-email", {"email": email}, admin)
    call("POST", f"{velo}/generate-session-token", {"email": email}, admin)
    call("POST", f"{velo}/approve-by-token", {"token": "unknown"}, expect=400)
    call("POST", f"{velo}/send-set-password-email", {"email": email}, admin)

    # Headless journey.
    visitor, _ = call("POST", "/oauth2/token", {"clientId": "local-client", "grantType": "anonymous"})
    headless_email = f"smoke-{secrets.token_hex(6)}@example.com"
    state, _ = call(
        "POST",
        "/_api/iam/authentication/v2/register",
        {"loginId": {"email": headless_email}, "password": password, "profile": {"firstName": "Smoke"}},
        {"authorization": visitor["access_token"]},
    )
    assert state["state"] == "REQUIRE_EMAIL_VERIFICATION", state
    email_code = re.search(r"\b(\d{6})\b", latest_mail(headless_email)["body"]["text"]).group(1)
    verified, _ = call("POST", "/_api/iam/verification/v1/auth/verify", {"code": email_code, "stateToken": state["stateToken"]})
    assert verified["state"] == "SUCCESS", verified
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    session, _ = call(
        "POST",
        "/_api/redirects-api/v1/redirect-session",
        {"auth": {"authRequest": {
            "clientId": "local-client", "codeChallenge": challenge, "codeChallengeMethod": "S256",
            "responseMode": "query", "responseType": "code", "scope": "offline_access",
            "state": "smoke", "redirectUri": f"{SITE}/callback", "sessionToken": verified["sessionToken"]}}},
    )
    authorize_path = session["redirectSession"]["fullUrl"].removeprefix(BASE)
    _, location = call("GET", authorize_path, expect=302)
    assert location.startswith(f"{SITE}/callback?"), location
    code = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["code"][0]
    tokens, _ = call(
        "POST", "/oauth2/token",
        {"clientId": "local-client", "grantType": "authorization_code", "code": code, "codeVerifier": verifier},
    )
    me, _ = call("GET", "/members/v1/members/my", headers={"authorization": tokens["access_token"]})
    assert me["member"]["loginEmail"] == headless_email, me
    call("POST", "/oauth2/token", {"clientId": "local-client", "grantType": "refresh_token", "refreshToken": tokens["refresh_token"]})
    logout, _ = call(
        "POST", "/redirect-session/v1/redirect-session",
        {"logout": {"clientId": "local-client"}, "callbacks": {"postFlowUrl": f"{SITE}/signed-out"}},
        {"authorization": tokens["access_token"]},
    )
    _, location = call("GET", logout["redirectSession"]["fullUrl"].removeprefix(BASE), expect=302)
    assert location == f"{SITE}/signed-out", location
    call("POST", "/oauth2/token", {"clientId": "local-client", "grantType": "refresh_token", "refreshToken": tokens["refresh_token"]}, expect=400)
    call("POST", "/_api/iam/recovery/v1/send-email", {"email": headless_email})
    page, _ = call("GET", "/recovery/reset-password?token=x")
    assert 'name="password"' in page

    # Identity methods sites call directly, the session page, external login.
    valid, _ = call("POST", "/_api/iam/authentication/v2/validate-email", {"email": email})
    assert valid == {"valid": True, "formatInvalid": False}, valid
    call("POST", "/_api/iam/recovery/v1/recover", {"recoveryToken": "x", "password": password}, expect=400)
    call("POST", "/_api/iam/verification/v1/start", {"identityId": me["member"]["id"], "target": "EMAIL"})
    call("POST", "/_api/iam/authentication/v2/change-password", {"newPassword": password}, expect=401)
    call("GET", "/_api/iam/authentication/v1/logout", expect=200)
    synced, _ = call("POST", "/_api/redirects-api/v1/redirect-session", {"login": {}})
    sync_page, _ = call("GET", synced["redirectSession"]["fullUrl"].removeprefix(BASE))
    assert "<!doctype html>" in sync_page
    signed_on, _ = call(
        "POST",
        "/_api/iam/authentication/v2/sign-on",
        {"loginId": {"email": email}},
        {"authorization": f"{visitor['access_token']},{api_key}"},
    )
    assert signed_on["identity"]["email"]["address"] == email, signed_on

    # Parallel guesses on one account from one (named) source, over several instances
    # of the login function: no more than the lock threshold are checked; another
    # named source is a source of its own.
    target = f"burst-{secrets.token_hex(4)}@example.com"

    def guess(source):
        request = urllib.request.Request(
            f"{BASE}{velo}/login", method="POST",
            data=json.dumps({"email": target, "password": "wrong-password"}).encode())
        request.add_header("content-type", "application/json")
        request.add_header("x-local-source-ip", source)
        try:
            with opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(guess, ["192.0.2.77"] * 20))
    took = time.monotonic() - started
    # Five, plus one more each time a lock (1 s, 2 s, 4 s, ...) ran out during the
    # burst, as sequential guesses would get in the same time. Locks end on whole
    # seconds of the clock, so each may end up to a second early (the first at once).
    allowed, elapsed, lock = 5, 0.0, 1
    while elapsed + (lock - 1) <= took:
        allowed, elapsed, lock = allowed + 1, elapsed + (lock - 1), lock * 2
    checked = statuses.count(401)
    if not 1 <= checked <= allowed or checked + statuses.count(429) != 20:
        sys.exit(f"dev smoke: 20 parallel guesses in {took:.1f} s (at most {allowed} checked) gave {statuses}")
    if guess("192.0.2.78") != 401:
        sys.exit("dev smoke: a second local source was locked with the first")
    print(f"  20 parallel guesses in {took:.1f} s: {checked} checked (at most {allowed}), "
          f"{20 - checked} refused; another source unaffected")

    # The envelope for what no route takes.
    body, _ = call("POST", "/no/such/route", {}, expect=404)
    assert body["details"]["applicationError"]["code"] == "NOT_FOUND", body
    call("GET", f"{velo}/login", expect=405)
    # The functions' own log output (when this run started `make dev`) holds none of
    # the secrets it handled.
    log_path = os.environ.get("DEV_STARTED_LOG")
    if log_path and os.path.exists(log_path):
        # The functions log JSON lines; the rest is `make dev`'s own banner, which
        # prints the local admin key on purpose.
        logs = "\n".join(
            line for line in open(log_path, encoding="utf-8", errors="replace")
            if line.lstrip().startswith("{")
        )
        secrets_used = [password, admin_key, api_key, signed_on["sessionToken"], email_code, code,
                        verifier, verified["sessionToken"],
                        state["stateToken"], tokens["access_token"], tokens["refresh_token"],
                        visitor["access_token"], visitor["refresh_token"]]
        leaked = [s for s in secrets_used if s and s in logs]
        if leaked:
            sys.exit(f"dev smoke: {len(leaked)} secret(s) found in {log_path}")
        print(f"  no secret in the functions' {len(logs.splitlines())} log lines of {log_path}")
    print("dev smoke: every route answered as expected")


if __name__ == "__main__":
    main()
