#!/usr/bin/env python3
"""Writes tests/corpus/requests.jsonl: malformed and hostile requests over every route.

Standard library only, deterministic (no randomness, no clock): running it again gives
the same file, so a diff shows exactly what changed. The .jsonl is committed and is what
tests/api/corpus.rs reads; edit this script and re-run it rather than editing the data:

    python3 tests/corpus/generate.py

One JSON object a line: {"name", "method", "path" (with query), "headers", "body"}.
`body` is the exact request text (or null); `headers` names are lower-case. The
placeholder ${ADMIN_KEY} in a header value stands for the admin key of the app under
test, ${API_KEY} for its site API key (the test substitutes them), so privileged routes
are fuzzed past their authorisation check too. Requests reach only the app under test: nothing here is
fetched, whatever URL a payload names.
"""

import base64
import hashlib
import hmac
import json
import pathlib
import sys
import urllib.parse

OUT = pathlib.Path(__file__).with_name("requests.jsonl")

JSON = {"content-type": "application/json"}
ADMIN = {"content-type": "application/json", "authorization": "Bearer ${ADMIN_KEY}"}
# What ApiKeyStrategy sends: the site API key, raw.
SITE_KEY = {"content-type": "application/json", "authorization": "${API_KEY}"}
FORM = {"content-type": "application/x-www-form-urlencoded"}
CLIENT = "test-client"  # the OAuth client TestApp configures
REDIRECT_URI = "https://site.example/callback"
POST_LOGOUT = "https://site.example/signed-out"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"  # a valid S256 challenge shape
PASSWORD = "correct-horse-battery"

entries = []
names = set()


def add(name, method, path, headers=None, body=None):
    """`body`: None, a str sent as is, or anything else sent as compact JSON."""
    if name in names:
        sys.exit(f"duplicate corpus name: {name}")
    names.add(name)
    if body is not None and not isinstance(body, str):
        body = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    entries.append(
        {
            "name": name,
            "method": method,
            "path": path,
            "headers": dict(headers if headers is not None else JSON),
            "body": body,
        }
    )


def q(**params):
    return urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


# ---------------------------------------------------------------------------------------
# Tokens: forged, truncated, huge, wrong key id. None of them can verify.


def b64url(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(header, claims, key=b"not-the-signing-key-not-the-signing-key", sign=True):
    head = b64url(json.dumps(header, separators=(",", ":")))
    body = b64url(json.dumps(claims, separators=(",", ":")))
    signing_input = f"{head}.{body}"
    if not sign:
        return signing_input + "."
    alg = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}.get(header.get("alg"), hashlib.sha256)
    sig = hmac.new(key, signing_input.encode(), alg).digest()
    return f"{signing_input}.{b64url(sig)}"


MEMBER_CLAIMS = {
    "sub": "00000000-0000-4000-8000-000000000000",
    "sid": "00000000-0000-4000-8000-000000000001",
    "ver": 0,
    "cid": CLIENT,
    "iat": 1700000000,
    "exp": 4102444800,
    "typ": "access",
}
SESSION_CLAIMS = {"sub": MEMBER_CLAIMS["sub"], "ver": 0, "iat": 1700000000, "exp": 4102444800, "typ": "session"}

TOKENS = {
    "alg-none": jwt({"alg": "none", "typ": "JWT", "kid": "test"}, MEMBER_CLAIMS, sign=False),
    "alg-none-upper": jwt({"alg": "NONE", "typ": "JWT"}, MEMBER_CLAIMS, sign=False),
    "wrong-kid": jwt({"alg": "HS256", "typ": "JWT", "kid": "no-such-kid"}, MEMBER_CLAIMS),
    "right-kid-wrong-key": jwt({"alg": "HS256", "typ": "JWT", "kid": "test"}, MEMBER_CLAIMS),
    "no-kid": jwt({"alg": "HS256", "typ": "JWT"}, MEMBER_CLAIMS),
    "hs512": jwt({"alg": "HS512", "typ": "JWT", "kid": "test"}, MEMBER_CLAIMS),
    "rs256-confusion": jwt({"alg": "RS256", "typ": "JWT", "kid": "test"}, MEMBER_CLAIMS),
    "kid-traversal": jwt({"alg": "HS256", "kid": "../../../../dev/null"}, MEMBER_CLAIMS, key=b""),
    "kid-sql": jwt({"alg": "HS256", "kid": "' OR '1'='1"}, MEMBER_CLAIMS),
    "jku-header": jwt({"alg": "HS256", "kid": "test", "jku": "http://127.0.0.1:1/jwks.json"}, MEMBER_CLAIMS),
    "expired": jwt({"alg": "HS256", "kid": "test"}, {**MEMBER_CLAIMS, "exp": 1}),
    "claims-wrong-types": jwt({"alg": "HS256", "kid": "test"}, {"sub": 7, "ver": "x", "exp": "never", "typ": []}),
    "truncated": jwt({"alg": "HS256", "kid": "test"}, MEMBER_CLAIMS)[:-12],
    "header-only": b64url('{"alg":"HS256","kid":"test"}'),
    "two-parts": b64url('{"alg":"HS256"}') + "." + b64url("{}"),
    "four-parts": "a.b.c.d",
    "dots": "....",
    "not-base64": "%%%.$$$.###",
    "header-not-json": b64url("not json") + "." + b64url("{}") + ".sig",
    "huge": jwt({"alg": "HS256", "kid": "test"}, {**MEMBER_CLAIMS, "pad": "A" * 20000}),
    "unicode": "токен.ü.✓",
    "session-alg-none": "JWS." + jwt({"alg": "none", "kid": "test"}, SESSION_CLAIMS, sign=False),
    "session-wrong-kid": "JWS." + jwt({"alg": "HS256", "kid": "nope"}, SESSION_CLAIMS),
    "session-no-prefix": jwt({"alg": "HS256", "kid": "test"}, SESSION_CLAIMS),
    "session-prefix-only": "JWS.",
    "session-double-prefix": "JWS.JWS." + jwt({"alg": "HS256", "kid": "test"}, SESSION_CLAIMS),
}
# Small tokens for bodies; the huge one is tried on its own where sizes matter.
BODY_TOKENS = {k: v for k, v in TOKENS.items() if k != "huge"}

# ---------------------------------------------------------------------------------------
# Hostile strings.

INJECTIONS = {
    "sql-or": "' OR '1'='1' --",
    "sql-union": "x' UNION SELECT password FROM members --",
    "sql-stacked": "a@b.co'; DROP TABLE members; --",
    "nosql-operator-text": '{"$gt": ""}',
    "template-jinja": "{{7*7}}",
    "template-dollar": "${7*7}",
    "template-erb": "<%= 7*7 %>",
    "log4j": "${jndi:ldap://127.0.0.1:1/a}",
    "script": "<script>alert(1)</script>",
    "img-onerror": '"><img src=x onerror=alert(1)>',
    "path-traversal": "../../../../etc/passwd",
    "path-traversal-encoded": "..%2F..%2F..%2Fetc%2Fpasswd",
    "crlf": "x\r\nSet-Cookie: injected=1",
    "format-string": "%s%s%s%n%x",
    "ldap": "*)(uid=*))(|(uid=*",
    "dynamodb-key": "MEMBER#00000000-0000-4000-8000-000000000000",
    "xml-entity": '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
}
NOSQL_OBJECTS = {
    "nosql-gt": {"$gt": ""},
    "nosql-ne": {"$ne": None},
    "nosql-regex": {"$regex": ".*"},
    "nosql-where": {"$where": "sleep(1000)"},
}
ODD_UNICODE = {
    "nul": "a\u0000b@example.com",
    "controls": "\u0001\u0002\u001b[31m\u007f@example.com",
    "rtl-override": "\u202emoc.elpmaxe@nimda",
    "zero-width": "ad\u200bmin\u200d@exa\ufeffmple.com",
    "bom": "\ufeffmember@example.com",
    "fullwidth": "ｍｅｍｂｅｒ＠ｅｘａｍｐｌｅ．ｃｏｍ",
    "homoglyph": "аdmin@example.com",  # Cyrillic a
    "combining": "e\u0301\u0301\u0301\u0301@example.com",
    "emoji": "\U0001f600\U0001f4a9@example.com",
    "line-separator": "a\u2028b\u2029@example.com",
    "private-use": "\ue000\U000f0000@example.com",
    "noncharacter": "\ufffe\uffff@example.com",
}
# Escapes written as JSON text: serde_json must refuse them cleanly.
BAD_ESCAPES = {
    "lone-high-surrogate": "\\ud800",
    "lone-low-surrogate": "\\udfff",
    "reversed-surrogates": "\\udc00\\ud800",
    "bad-hex": "\\uZZZZ",
    "short-escape": "\\u12",
    "unknown-escape": "\\q",
    "escaped-nul": "\\u0000",
}
INVALID_EMAILS = [
    "",
    " ",
    "plainaddress",
    "@example.com",
    "member@",
    "member@@example.com",
    "member@example",
    "member@example.c",
    "member@-example.com",
    "member@example-.com",
    "member@exa_mple.com",
    "member@example..com",
    ".member@example.com",
    "member.@example.com",
    "mem..ber@example.com",
    '"quoted"@example.com',
    "member@[127.0.0.1]",
    "member@127.0.0.1",
    "a b@example.com",
    "member@example.com\nbcc: victim@example.com",
    "member@example.com,other@example.com",
    "member@exam ple.com",
    "x" * 65 + "@example.com",
    "member@" + "a" * 64 + ".com",
    "m@" + ".".join(["abcdefghij"] * 25) + ".com",
    "ü@example.com",
    "member@exämple.com",
    "member@example.123",
]
BAD_PASSWORDS = {
    "len-101": "a" * 101,
    "len-5000": "p" * 5000,
    "non-ascii": "pässwörd-längér",
    "emoji": "\U0001f511\U0001f511\U0001f511\U0001f511correct",
    "nul": "correct\u0000horse",
    "tab-newline": "correct\thorse\nbattery",
    "del": "correct\u007fhorse",
    "rtl": "\u202ecorrect-horse-battery",
    "zero-width": "correct\u200bhorse\u200bbattery",
    "too-short": "abc",
    "empty": "",
    "spaces": "        ",
}
WRONG_TYPES = {"int": 42, "float": 1.5e308, "true": True, "null": None, "array": ["a@b.co"], "object": {"a": 1}, "neg": -1}

INVALID_JSON = {
    "open-brace": "{",
    "plain-text": "not json",
    "array": "[1,2]",
    "string": '"string"',
    "null": "null",
    "number": "42",
    "trailing-comma": '{"a":1,}',
    "single-quotes": "{'email': 'a@b.co'}",
    "unquoted-keys": "{email: 1}",
    "two-values": "{} {}",
    "nan": '{"a": NaN}',
    "comment": '{"a": 1 /* c */}',
    "unterminated-string": '{"email": "a@b.co',
    "bom-prefix": "\ufeff{}",
    "empty": "",
    "whitespace": " \r\n\t ",
    "deep-arrays": "[" * 1000 + "]" * 1000,
    "deep-objects": '{"a":' * 500 + "1" + "}" * 500,
    "huge-number": '{"a": 1e999999}',
    "nul-byte-raw": "{\u0000}",
}

BAD_ESCAPE_ROTATION = list(BAD_ESCAPES)

BIG = 17_000  # past MAX_BODY_BYTES (16 KiB)
LARGE = 15_000  # under it, but a huge string

# ---------------------------------------------------------------------------------------
# Routes.

VELO = "/backend/authentication"
JSON_ROUTES = {
    # name: (method, path, headers, valid body, string fields, privileged)
    "velo-login": ("POST", f"{VELO}/login", JSON, {"email": "corpus@example.com", "password": PASSWORD}),
    "velo-register": (
        "POST",
        f"{VELO}/register",
        JSON,
        {
            "email": "corpus.register@example.com",
            "password": PASSWORD,
            "options": {"contactInfo": {"firstName": "Cor", "lastName": "Pus"}, "privacyStatus": "PUBLIC"},
        },
    ),
    "site-login": ("POST", "/wix-sm/api/v1/auth/api/v1/auth/login", JSON, {"email": "corpus@example.com", "password": PASSWORD}),
    "site-register": (
        "POST",
        "/wix-sm/api/v1/auth/api/v1/auth/register",
        JSON,
        {"email": "corpus.site@example.com", "password": PASSWORD, "contactInfo": {"firstName": "Cor"}},
    ),
    "generate-session-token": ("POST", f"{VELO}/generate-session-token", ADMIN, {"email": "corpus.gst@example.com"}),
    "approve-by-token": ("POST", f"{VELO}/approve-by-token", JSON, {"token": "not-a-real-approval-token"}),
    "approve-by-email": ("POST", f"{VELO}/approve-by-email", ADMIN, {"email": "corpus.unknown@example.com"}),
    "block-by-email": ("POST", f"{VELO}/block-by-email", ADMIN, {"email": "corpus.unknown@example.com"}),
    "send-set-password-email": (
        "POST",
        f"{VELO}/send-set-password-email",
        ADMIN,
        {"email": "corpus.unknown@example.com"},
    ),
    "change-login-email": (
        "PATCH",
        "/backend/members/00000000-0000-4000-8000-000000000000/login-email",
        ADMIN,
        {"newEmail": "corpus.new@example.com"},
    ),
    "site-send-set-password-email": (
        "POST",
        "/wix-sm/api/v1/auth/v1/auth/members/send-set-password-email",
        SITE_KEY,
        {"email": "corpus.unknown@example.com", "hideIgnoreMessage": True},
    ),
    "site-change-login-email": (
        "PATCH",
        "/api/v1/members/00000000-0000-4000-8000-000000000000/change-login-email",
        SITE_KEY,
        {"id": "00000000-0000-4000-8000-000000000000", "newEmail": "corpus.new@example.com"},
    ),
    "site-approve": ("POST", "/api/v1/members/approve", SITE_KEY, {"email": "corpus.unknown@example.com"}),
    "site-block": ("POST", "/api/v1/members/block", SITE_KEY, {"email": "corpus.unknown@example.com"}),
    "register-v2": (
        "POST",
        "/_api/iam/authentication/v2/register",
        JSON,
        {"loginId": {"email": "corpus.v2@example.com"}, "password": PASSWORD, "profile": {"firstName": "Cor"}},
    ),
    "login-v2": (
        "POST",
        "/_api/iam/authentication/v2/login",
        JSON,
        {"loginId": {"email": "corpus@example.com"}, "password": PASSWORD},
    ),
    "validate-email": (
        "POST",
        "/_api/iam/authentication/v2/validate-email",
        JSON,
        {"email": "corpus@example.com"},
    ),
    "verify": ("POST", "/_api/iam/verification/v1/auth/verify", JSON, {"code": "123456", "stateToken": "x.y.z"}),
    "start-verification": (
        "POST",
        "/_api/iam/verification/v1/start",
        JSON,
        {"identityId": "00000000-0000-4000-8000-000000000000", "target": "EMAIL"},
    ),
    "send-recovery-email": (
        "POST",
        "/_api/iam/recovery/v1/send-email",
        JSON,
        {"email": "corpus@example.com", "redirect": {"url": "https://site.example/", "clientId": CLIENT}},
    ),
    "sign-on": (
        "POST",
        "/_api/iam/authentication/v2/sign-on",
        {"content-type": "application/json", "authorization": "visitor-token,${API_KEY}"},
        {"loginId": {"email": "corpus.sso@example.com"}},
    ),
    "change-password": (
        "POST",
        "/_api/iam/authentication/v2/change-password",
        {"content-type": "application/json", "authorization": "not-an-access-token"},
        {"newPassword": PASSWORD},
    ),
    "recover": (
        "POST",
        "/_api/iam/recovery/v1/recover",
        JSON,
        {"recoveryToken": "not-a-real-recovery-token", "password": PASSWORD},
    ),
    "reset-password-post": (
        "POST",
        "/recovery/reset-password",
        JSON,
        {"token": "not-a-real-recovery-token", "password": PASSWORD},
    ),
    "redirect-session": (
        "POST",
        "/_api/redirects-api/v1/redirect-session",
        JSON,
        {
            "auth": {
                "authRequest": {
                    "clientId": CLIENT,
                    "codeChallenge": CHALLENGE,
                    "codeChallengeMethod": "S256",
                    "responseMode": "query",
                    "responseType": "code",
                    "scope": "offline_access",
                    "state": "s1",
                    "redirectUri": REDIRECT_URI,
                }
            }
        },
    ),
    "redirect-session-alt": (
        "POST",
        "/redirect-session/v1/redirect-session",
        JSON,
        {"logout": {"clientId": CLIENT}, "callbacks": {"postFlowUrl": POST_LOGOUT}},
    ),
    "token": ("POST", "/oauth2/token", JSON, {"clientId": CLIENT, "grantType": "anonymous"}),
}
GET_ROUTES = {
    "authorize": "/oauth2/authorize",
    "session-page": "/oauth2/session",
    "logout": "/oauth2/logout",
    "logout-v1": "/_api/iam/authentication/v1/logout",
    "reset-password-get": "/recovery/reset-password",
    "current-member": "/members/v1/members/my",
}


# Routes that get every payload of a family; the others get a rotating few, so each
# payload still reaches many routes without the corpus growing into thousands.
FULL = ("velo-login", "velo-register", "register-v2", "login-v2")
_rotation = {}


def pick(family, count, always=()):
    """`count` items of `family` (a dict), rotating through it from call to call."""
    items = list(family.items())
    if count >= len(items):
        return items
    start = _rotation.get(id(family), 0)
    chosen = [item for item in items if item[0] in always]
    i = start
    while len(chosen) < count:
        item = items[i % len(items)]
        if item not in chosen:
            chosen.append(item)
        i += 1
    _rotation[id(family)] = i
    return chosen


def top_fields(body):
    return [k for k in body]


def replaced(body, path, value):
    """A deep copy of `body` with the field at `path` (a tuple of keys) set to `value`."""
    copy = json.loads(json.dumps(body))
    node = copy
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return copy


def removed(body, path):
    copy = json.loads(json.dumps(body))
    node = copy
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return copy


def string_paths(body, prefix=()):
    """Paths of every string leaf of `body`."""
    paths = []
    for key, value in body.items():
        if isinstance(value, dict):
            paths.extend(string_paths(value, prefix + (key,)))
        elif isinstance(value, str):
            paths.append(prefix + (key,))
    return paths


def all_paths(body, prefix=()):
    paths = []
    for key, value in body.items():
        paths.append(prefix + (key,))
        if isinstance(value, dict):
            paths.extend(all_paths(value, prefix + (key,)))
    return paths


def dotted(path):
    return ".".join(path)


EMAIL_FIELDS = {
    "velo-login": ("email",),
    "velo-register": ("email",),
    "generate-session-token": ("email",),
    "approve-by-email": ("email",),
    "block-by-email": ("email",),
    "send-set-password-email": ("email",),
    "change-login-email": ("newEmail",),
    "register-v2": ("loginId", "email"),
    "login-v2": ("loginId", "email"),
    "send-recovery-email": ("email",),
}
PASSWORD_ROUTES = ["velo-login", "velo-register", "register-v2", "login-v2", "reset-password-post", "recover"]
TOKEN_FIELDS = {
    "approve-by-token": ("token",),
    "verify": ("stateToken",),
    "recover": ("recoveryToken",),
    "reset-password-post": ("token",),
    "redirect-session": ("auth", "authRequest", "sessionToken"),
}

# 1. Every JSON route: invalid JSON, wrong types, nulls, missing and extra fields, sizes,
#    content types and methods.
for route, (method, path, headers, valid) in JSON_ROUTES.items():
    add(f"{route}/valid-baseline", method, path, headers, valid)
    for label, text in INVALID_JSON.items():
        # Every route gets the common ones; the expensive or exotic ones go to a few.
        if route not in ("velo-login", "register-v2", "token", "change-login-email") and label not in (
            "open-brace",
            "array",
            "null",
            "trailing-comma",
            "empty",
            "deep-arrays",
        ):
            continue
        add(f"{route}/invalid-json/{label}", method, path, headers, text)
    for field in all_paths(valid):
        for label, value in pick(WRONG_TYPES, 7 if route in FULL else 3, always=("null",)):
            add(f"{route}/wrong-type/{dotted(field)}/{label}", method, path, headers, replaced(valid, field, value))
        add(f"{route}/missing/{dotted(field)}", method, path, headers, removed(valid, field))
    add(f"{route}/empty-object", method, path, headers, {})
    add(
        f"{route}/extra-fields",
        method,
        path,
        headers,
        {**valid, "admin": True, "status": "APPROVED", "__proto__": {"isAdmin": True}, "constructor": {"prototype": {}}},
    )
    add(f"{route}/duplicate-keys", method, path, headers, '{"a":1,"a":2,' + json.dumps(valid)[1:])
    first_string = string_paths(valid)[0]
    # One body past the limit per route: a huge field, or valid JSON padded with spaces.
    if len(names) % 2:
        add(f"{route}/huge-body", method, path, headers, replaced(valid, first_string, "x" * BIG))
    else:
        add(f"{route}/huge-body-padding", method, path, headers, json.dumps(valid) + " " * BIG)
    if route in FULL or route in ("change-login-email", "verify", "token", "redirect-session"):
        add(f"{route}/huge-string/{dotted(first_string)}", method, path, headers, replaced(valid, first_string, "y" * LARGE))
    for label, ctype in {
        "text-plain": "text/plain",
        "xml": "application/xml",
        "form": "application/x-www-form-urlencoded",
        "multipart": "multipart/form-data; boundary=x",
        "json-utf16": "application/json; charset=utf-16",
        "json-upper": "APPLICATION/JSON",
        "vendor-json": "application/vnd.api+json",
        "jsonp": "application/jsonp",
        "empty": "",
    }.items():
        if route not in ("velo-login", "token", "reset-password-post", "change-login-email", "redirect-session") and label not in (
            "text-plain",
            "form",
        ):
            continue
        h = {**headers, "content-type": ctype}
        body = valid if label != "form" else urllib.parse.urlencode({k: v for k, v in valid.items() if isinstance(v, str)})
        add(f"{route}/content-type/{label}", method, path, h, body)
    no_ct = {k: v for k, v in headers.items() if k != "content-type"}
    add(f"{route}/no-content-type", method, path, no_ct, valid)
    for wrong in ("GET", "PUT", "DELETE", "HEAD", "OPTIONS", "TRACE", "POST" if method != "POST" else "PATCH"):
        if route not in ("velo-login", "token", "change-login-email", "register-v2") and wrong not in ("GET", "PUT"):
            continue
        add(f"{route}/method/{wrong}", wrong, path, headers, valid if wrong != "GET" else None)
    add(f"{route}/trailing-slash", method, path + "/", headers, valid)
    add(f"{route}/query-junk", method, path + "?" + q(a="<script>", b="{{7*7}}", c="\r\nx: y"), headers, valid)

# 2. Odd strings in every string field of every JSON route.
for route, (method, path, headers, valid) in JSON_ROUTES.items():
    for field in string_paths(valid):
        full = route in FULL and field[-1] in ("email", "password")
        for label, value in pick(ODD_UNICODE, 99 if full else 2):
            add(f"{route}/unicode/{dotted(field)}/{label}", method, path, headers, replaced(valid, field, value))
        for label, value in pick(INJECTIONS, 99 if full else 2):
            add(f"{route}/injection/{dotted(field)}/{label}", method, path, headers, replaced(valid, field, value))
        for label, value in pick(NOSQL_OBJECTS, 99 if full else 1):
            add(f"{route}/nosql/{dotted(field)}/{label}", method, path, headers, replaced(valid, field, value))
        # Escapes that are not Unicode: spliced into the JSON text.
        marker = "\u0001MARK\u0001"
        template = json.dumps(replaced(valid, field, marker), ensure_ascii=False)
        for label, escape in BAD_ESCAPES.items():
            if not (full or label == BAD_ESCAPE_ROTATION[len(names) % len(BAD_ESCAPE_ROTATION)]):
                continue
            text = template.replace(json.dumps(marker, ensure_ascii=False)[1:-1], "a" + escape + "b")
            add(f"{route}/escape/{dotted(field)}/{label}", method, path, headers, text)

# 3. Invalid emails and passwords.
for route, field in EMAIL_FIELDS.items():
    method, path, headers, valid = JSON_ROUTES[route]
    for i, email in enumerate(INVALID_EMAILS):
        if route not in ("velo-register", "register-v2", "change-login-email", "velo-login") and i % 4:
            continue
        add(f"{route}/invalid-email/{i:02}", method, path, headers, replaced(valid, field, email))
for route in PASSWORD_ROUTES:
    method, path, headers, valid = JSON_ROUTES[route]
    for label, password in BAD_PASSWORDS.items():
        add(f"{route}/password/{label}", method, path, headers, replaced(valid, ("password",), password))

# 4. Tokens in bodies.
for route, field in TOKEN_FIELDS.items():
    method, path, headers, valid = JSON_ROUTES[route]
    base = valid if route != "redirect-session" else replaced(valid, ("auth", "authRequest", "sessionToken"), "")
    for label, token in BODY_TOKENS.items():
        add(f"{route}/token/{label}", method, path, headers, replaced(base, field, token))
    add(f"{route}/token/huge", method, path, headers, replaced(base, field, TOKENS["huge"][:LARGE]))
for label, token in BODY_TOKENS.items():
    add(
        f"token/refresh/{label}",
        "POST",
        "/oauth2/token",
        JSON,
        {"clientId": CLIENT, "grantType": "refresh_token", "refreshToken": token},
    )

# 5. Route-specific shapes.
TOKEN_URL = "/oauth2/token"
token_bodies = {
    "grant-unknown": {"clientId": CLIENT, "grantType": "password", "username": "a", "password": "b"},
    "grant-client-credentials": {"clientId": CLIENT, "grantType": "client_credentials"},
    "grant-empty": {"clientId": CLIENT, "grantType": ""},
    "grant-case": {"clientId": CLIENT, "grantType": "ANONYMOUS"},
    "anonymous-unknown-client": {"clientId": "evil-client", "grantType": "anonymous"},
    "anonymous-no-client": {"grantType": "anonymous"},
    "anonymous-snake-case": {"client_id": CLIENT, "grant_type": "anonymous"},
    "both-spellings": {"clientId": CLIENT, "client_id": CLIENT, "grantType": "anonymous"},
    "code-missing-code": {"clientId": CLIENT, "grantType": "authorization_code", "codeVerifier": "v" * 43},
    "code-missing-verifier": {"clientId": CLIENT, "grantType": "authorization_code", "code": "c"},
    "code-unknown": {
        "clientId": CLIENT,
        "grantType": "authorization_code",
        "code": "unknown-code",
        "codeVerifier": "v" * 43,
        "redirectUri": REDIRECT_URI,
    },
    "code-empty": {"clientId": CLIENT, "grantType": "authorization_code", "code": "", "codeVerifier": ""},
    "code-huge": {"clientId": CLIENT, "grantType": "authorization_code", "code": "c" * LARGE, "codeVerifier": "v"},
    "code-verifier-huge": {"clientId": CLIENT, "grantType": "authorization_code", "code": "c", "codeVerifier": "v" * LARGE},
    "code-redirect-evil": {
        "clientId": CLIENT,
        "grantType": "authorization_code",
        "code": "c",
        "codeVerifier": "v" * 43,
        "redirectUri": "https://evil.example/callback",
    },
    "refresh-missing": {"clientId": CLIENT, "grantType": "refresh_token"},
    "refresh-empty": {"clientId": CLIENT, "grantType": "refresh_token", "refreshToken": ""},
    "refresh-huge": {"grantType": "refresh_token", "refreshToken": "r" * LARGE},
    "refresh-nosql": {"grantType": "refresh_token", "refreshToken": {"$gt": ""}},
    "refresh-unknown-client": {"clientId": "evil", "grantType": "refresh_token", "refreshToken": "r" * 43},
}
for label, body in token_bodies.items():
    add(f"token/{label}", "POST", TOKEN_URL, JSON, body)
# External login: the grant behind a site API key, with hostile members and tokens.
EXTERNAL = {"content-type": "application/json", "authorization": "not-a-visitor-token,${API_KEY}"}
external_bodies = {
    "no-member": {"grant_type": "authorized_client", "clientId": CLIENT},
    "unknown-member": {"grant_type": "authorized_client", "clientId": CLIENT, "member_id": "00000000-0000-4000-8000-000000000000"},
    "huge-member": {"grant_type": "authorized_client", "clientId": CLIENT, "member_id": "m" * 5000},
    "member-object": {"grant_type": "authorized_client", "clientId": CLIENT, "member_id": {"$ne": None}},
    "forged-session": {"grant_type": "authorized_client", "clientId": CLIENT, "member_id": "x", "session_token": "JWS." + TOKENS["alg-none"]},
    "no-client": {"grant_type": "authorized_client", "member_id": "x"},
}
for label, body in external_bodies.items():
    add(f"token/external/{label}", "POST", TOKEN_URL, EXTERNAL, body)
    add(f"token/external-without-key/{label}", "POST", TOKEN_URL, JSON, body)
token_forms = {
    "anonymous": "grant_type=anonymous&client_id=test-client",
    "camel-case": "grantType=anonymous&clientId=test-client",
    "missing-grant": "client_id=test-client",
    "empty": "",
    "duplicate-grant": "grant_type=anonymous&grant_type=refresh_token&client_id=test-client",
    "bad-percent": "grant_type=%zz%&client_id=%E0%A4%A",
    "invalid-utf8": "grant_type=%FF%FE&client_id=%C0%AF",
    "nul": "grant_type=anonymous%00&client_id=test-client%00",
    "crlf": "grant_type=refresh_token&refresh_token=a%0D%0ASet-Cookie%3A%20x%3D1",
    "json-in-form": '{"grantType":"anonymous","clientId":"test-client"}',
    "only-separators": "&&&===&",
    "array-syntax": "grant_type[]=anonymous&client_id[$gt]=",
    "code-no-verifier": "grant_type=authorization_code&code=abc&client_id=test-client",
    "refresh-traversal": "grant_type=refresh_token&refresh_token=..%2F..%2Fetc%2Fpasswd",
    "huge": "grant_type=refresh_token&refresh_token=" + "r" * BIG,
    "huge-under-limit": "grant_type=refresh_token&refresh_token=" + "r" * LARGE,
}
for label, body in token_forms.items():
    add(f"token/form/{label}", "POST", TOKEN_URL, FORM, body)
add("token/form/charset", "POST", TOKEN_URL, {"content-type": "application/x-www-form-urlencoded; charset=ISO-8859-1"}, "grant_type=anonymous&client_id=test-client")
add("token/form/upper-case-type", "POST", TOKEN_URL, {"content-type": "APPLICATION/X-WWW-FORM-URLENCODED"}, "grant_type=anonymous&client_id=test-client")

RESET = "/recovery/reset-password"
reset_forms = {
    "unknown-token": "token=nope&password=correct-horse-battery",
    "short-password": "token=nope&password=abc",
    "long-password": "token=nope&password=" + "a" * 101,
    "non-ascii-password": "token=nope&password=p%C3%A4ssw%C3%B6rd-l%C3%A4nger",
    "nul-password": "token=nope&password=correct%00horse",
    "missing-token": "password=correct-horse-battery",
    "missing-password": "token=nope",
    "empty": "",
    "script-token": "token=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E&password=abc",
    "crlf-token": "token=a%0D%0ALocation%3A%20https%3A%2F%2Fevil.example&password=correct-horse-battery",
    "huge-token": "token=" + "t" * LARGE + "&password=correct-horse-battery",
    "huge-body": "token=t&password=" + "p" * BIG,
    "duplicate-fields": "token=a&token=b&password=correct-horse-battery",
    "invalid-utf8": "token=%FF%FE&password=%C0%AF%C0%AF%C0%AF%C0%AF",
}
for label, body in reset_forms.items():
    add(f"reset-password-post/form/{label}", "POST", RESET, FORM, body)

# The hosted sign-in page's form (POST /oauth2/authorize): bad requests, missing or
# forged double-submit tokens, hostile values; never a server error, never a redirect
# to an unregistered place.
SIGN_IN_REQUEST = (
    "client_id=test-client&redirect_uri=https%3A%2F%2Fsite.example%2Fcallback&response_type=code"
    "&response_mode=query&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    "&code_challenge_method=S256&state=s1"
)
sign_in_forms = {
    "no-csrf": SIGN_IN_REQUEST + "&email=corpus%40example.com&password=" + PASSWORD,
    "forged-csrf": SIGN_IN_REQUEST + "&csrf=" + "x" * 43 + "&email=corpus%40example.com&password=" + PASSWORD,
    "unknown-client": SIGN_IN_REQUEST.replace("test-client", "nobody") + "&csrf=x&email=a&password=b",
    "evil-redirect": SIGN_IN_REQUEST.replace("site.example", "evil.example") + "&csrf=x&email=a&password=b",
    "crlf-redirect": SIGN_IN_REQUEST.replace("callback", "callback%0D%0ALocation%3A%20x") + "&csrf=x",
    "script-state": SIGN_IN_REQUEST.replace("state=s1", "state=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E") + "&csrf=x",
    "huge-email": SIGN_IN_REQUEST + "&csrf=x&password=p&email=" + "e" * LARGE,
    "huge-body": SIGN_IN_REQUEST + "&csrf=x&password=" + "p" * BIG,
    "invalid-utf8": SIGN_IN_REQUEST + "&csrf=%FF%FE&email=%C0%AF&password=%C0%AF",
    "empty": "",
    "unknown-action": SIGN_IN_REQUEST + "&csrf=x&action=" + "a" * 300,
    "verify-hostile": SIGN_IN_REQUEST + "&csrf=x&action=verify&code=%00%0D&state_token=" + "s" * LARGE + "&identity_id=i",
    "resend-long-id": SIGN_IN_REQUEST + "&csrf=x&action=resend&identity_id=" + "i" * 500,
    "sign-up-weak": SIGN_IN_REQUEST + "&csrf=x&action=sign-up&email=not-an-email&password=x",
    "forgot-crlf": SIGN_IN_REQUEST + "&csrf=x&action=forgot&email=a%0D%0Ab%40example.com",
    "continue-no-session": SIGN_IN_REQUEST + "&csrf=x&action=continue",
}
for label, body in sign_in_forms.items():
    add(f"sign-in/form/{label}", "POST", "/oauth2/authorize", FORM, body)

REDIRECT = "/_api/redirects-api/v1/redirect-session"


def auth_request(**changes):
    request = dict(JSON_ROUTES["redirect-session"][3]["auth"]["authRequest"])
    for key, value in changes.items():
        if value is ...:
            request.pop(key, None)
        else:
            request[key] = value
    return {"auth": {"authRequest": request}}


redirect_bodies = {
    "both-auth-and-logout": {**auth_request(), "logout": {"clientId": CLIENT}, "callbacks": {"postFlowUrl": POST_LOGOUT}},
    "neither": {"callbacks": {"postFlowUrl": POST_LOGOUT}},
    "auth-null": {"auth": None},
    "response-mode-evil": auth_request(responseMode="form_post"),
    "response-mode-web-message": auth_request(responseMode="web_message", redirectUri=...),
    "response-mode-fragment": auth_request(responseMode="fragment"),
    "response-type-token": auth_request(responseType="token"),
    "challenge-plain": auth_request(codeChallengeMethod="plain"),
    "challenge-short": auth_request(codeChallenge="abc"),
    "challenge-bad-chars": auth_request(codeChallenge="+" * 43),
    "challenge-unicode": auth_request(codeChallenge="é" * 43),
    "unknown-client": auth_request(clientId="evil-client"),
    "redirect-unregistered": auth_request(redirectUri="https://evil.example/callback"),
    "redirect-prefix-trick": auth_request(redirectUri=REDIRECT_URI + ".evil.example"),
    "redirect-userinfo-trick": auth_request(redirectUri="https://site.example@evil.example/callback"),
    "redirect-javascript": auth_request(redirectUri="javascript:alert(1)"),
    "redirect-crlf": auth_request(redirectUri=REDIRECT_URI + "\r\nSet-Cookie: x=1"),
    "state-crlf": auth_request(state="s\r\nSet-Cookie: injected=1"),
    "state-script": auth_request(state="</script><script>alert(1)</script>"),
    "state-web-message-script": auth_request(responseMode="web_message", redirectUri=..., state="</script><script>alert(1)</script>"),
    "state-unicode": auth_request(state="\u202e\u200b\U0001f600\u0000"),
    "state-huge": auth_request(state="s" * LARGE),
    "scope-injection": auth_request(scope="offline_access openid ' OR 1=1 --"),
    "session-token-alg-none": auth_request(sessionToken=TOKENS["session-alg-none"]),
    "session-token-wrong-kid": auth_request(sessionToken=TOKENS["session-wrong-kid"]),
    "session-token-web-message": auth_request(responseMode="web_message", redirectUri=..., sessionToken=TOKENS["session-wrong-kid"]),
    "logout-unknown-client": {"logout": {"clientId": "evil-client"}, "callbacks": {"postFlowUrl": POST_LOGOUT}},
    "logout-no-callbacks": {"logout": {"clientId": CLIENT}},
    "logout-null-url": {"logout": {"clientId": CLIENT}, "callbacks": {"postFlowUrl": None}},
    "logout-evil-url": {"logout": {"clientId": CLIENT}, "callbacks": {"postFlowUrl": "https://evil.example/"}},
    "logout-prefix-trick": {"logout": {"clientId": CLIENT}, "callbacks": {"postFlowUrl": "https://site.example.evil.example/"}},
    "logout-userinfo-trick": {"logout": {"clientId": CLIENT}, "callbacks": {"postFlowUrl": "https://site.example@evil.example/"}},
    "logout-protocol-relative": {"logout": {"clientId": CLIENT}, "callbacks": {"postFlowUrl": "//evil.example/"}},
    "logout-url-crlf": {"logout": {"clientId": CLIENT}, "callbacks": {"postFlowUrl": "https://site.example/\r\nSet-Cookie: x=1"}},
    "logout-url-nul": {"logout": {"clientId": CLIENT}, "callbacks": {"postFlowUrl": "https://site.example/a\u0000b"}},
    "logout-url-unicode": {"logout": {"clientId": CLIENT}, "callbacks": {"postFlowUrl": "https://site.example/\u202e\u00fc"}},
    "logout-url-query-script": {"logout": {"clientId": CLIENT}, "callbacks": {"postFlowUrl": "https://site.example?<script>alert(1)</script>"}},
    "logout-url-huge": {"logout": {"clientId": CLIENT}, "callbacks": {"postFlowUrl": "https://site.example/" + "p" * LARGE}},
}
for label, body in redirect_bodies.items():
    add(f"redirect-session/{label}", "POST", REDIRECT, JSON, body)
for label, token in BODY_TOKENS.items():
    add(
        f"redirect-session/logout-authorization/{label}",
        "POST",
        REDIRECT,
        {**JSON, "authorization": token},
        {"logout": {"clientId": CLIENT}, "callbacks": {"postFlowUrl": POST_LOGOUT}},
    )

profiles = {
    "privacy-unknown": {"privacyStatus": "SECRET"},
    "custom-fields-not-array": {"customFields": {"a": 1}},
    "custom-field-no-name": {"customFields": [{"value": 1}]},
    "custom-field-nested": {"customFields": [{"name": "custom.x", "value": {"a": [{"b": {"c": [1, 2, {"d": None}]}}]}}]},
    "emails-not-strings": {"emails": [1, None, {}]},
    "addresses-not-objects": {"addresses": ["street"]},
    "labels-huge": {"labels": ["l" * 100] * 140},
    "nickname-script": {"nickname": "<script>alert(1)</script>"},
    "nickname-unicode": {"nickname": "\u202e\u200b\U0001f600"},
    "picture-javascript": {"picture": "javascript:alert(1)"},
    "profile-array": [],
}
for label, profile in profiles.items():
    add(
        f"register-v2/profile/{label}",
        "POST",
        "/_api/iam/authentication/v2/register",
        JSON,
        {"loginId": {"email": f"corpus.profile.{len(names)}@example.com"}, "password": PASSWORD, "profile": profile},
    )
captchas = {
    "not-array": {"Recaptcha": "x"},
    "items-not-objects": ["x", 1],
    "values-not-strings": [{"Recaptcha": 7}],
    "unknown-kind": [{"Turnstile": "x"}],
    "huge": [{"Recaptcha": "c" * LARGE}],
    "null-values": [{"Recaptcha": None, "InvisibleRecaptcha": None}],
}
for label, tokens in captchas.items():
    for route in ("register-v2", "login-v2"):
        method, path, headers, valid = JSON_ROUTES[route]
        add(f"{route}/captcha/{label}", method, path, headers, {**valid, "captchaTokens": tokens})
options = {
    "privacy-unknown": {"privacyStatus": "SECRET"},
    "contact-not-object": {"contactInfo": "Ada"},
    "phones-not-array": {"contactInfo": {"phones": "555"}},
    "custom-deep": {"contactInfo": {"custom.deep": json.loads('{"a":' * 100 + "1" + "}" * 100)}},
    "custom-many": {"contactInfo": {f"custom.f{i}": i for i in range(500)}},
    "custom-prototype": {"contactInfo": {"__proto__": {"admin": True}, "constructor": "x"}},
    "options-array": [],
}
for label, opts in options.items():
    add(
        f"velo-register/options/{label}",
        "POST",
        f"{VELO}/register",
        JSON,
        {"email": f"corpus.options.{len(names)}@example.com", "password": PASSWORD, "options": opts},
    )
recovery = {
    "redirect-evil": {"email": "corpus@example.com", "redirect": {"url": "https://evil.example/", "clientId": CLIENT}},
    "redirect-unknown-client": {"email": "corpus@example.com", "redirect": {"url": "https://site.example/", "clientId": "evil"}},
    "redirect-crlf": {"email": "corpus@example.com", "redirect": {"url": "https://site.example/\r\nSet-Cookie: x=1", "clientId": CLIENT}},
    "redirect-missing-url": {"email": "corpus@example.com", "redirect": {"clientId": CLIENT}},
    "redirect-string": {"email": "corpus@example.com", "redirect": "https://site.example/"},
    "language-object": {"email": "corpus@example.com", "language": {"$gt": ""}},
    "language-huge": {"email": "corpus@example.com", "language": "l" * LARGE},
}
for label, body in recovery.items():
    add(f"send-recovery-email/{label}", "POST", "/_api/iam/recovery/v1/send-email", JSON, body)
verify = {
    "code-not-digits": {"code": "abcdef", "stateToken": "x"},
    "code-long": {"code": "1" * 33, "stateToken": "x"},
    "code-number": {"code": 123456, "stateToken": "x"},
    "code-unicode-digits": {"code": "١٢٣٤٥٦", "stateToken": "x"},
    "state-token-4097": {"code": "123456", "stateToken": "s" * 4097},
}
for label, body in verify.items():
    add(f"verify/{label}", "POST", "/_api/iam/verification/v1/auth/verify", JSON, body)

# 6. Privileged routes without (or with a wrong) authorisation, and odd member ids.
PRIVILEGED = ["generate-session-token", "approve-by-email", "block-by-email", "send-set-password-email", "change-login-email"]
AUTHS = {
    "none": None,
    "wrong-key": "Bearer not-the-admin-key",
    "empty-bearer": "Bearer ",
    "lower-bearer": "bearer ${ADMIN_KEY}",
    "raw-key": "${ADMIN_KEY}",
    "basic": "Basic " + base64.b64encode(b"admin:admin").decode(),
    "key-prefix": "Bearer ${ADMIN_KEY}x",
    "double-bearer": "Bearer Bearer ${ADMIN_KEY}",
    "jwt-alg-none": "Bearer " + TOKENS["alg-none"],
    "unicode": "Bearer ключ",
    "huge": "Bearer " + "k" * BIG,
}
for route in PRIVILEGED:
    method, path, _, valid = JSON_ROUTES[route]
    for label, auth in AUTHS.items():
        if route != "generate-session-token" and label not in ("none", "wrong-key", "jwt-alg-none", "key-prefix"):
            continue
        h = dict(JSON)
        if auth is not None:
            h["authorization"] = auth
        add(f"{route}/auth/{label}", method, path, h, valid)
    add(f"{route}/auth/iam-headers", method, path, {**JSON, "x-amzn-iam-user-arn": "arn:aws:iam::1:root", "x-amz-security-token": "t"}, valid)
MEMBER_IDS = {
    "unknown": "00000000-0000-4000-8000-00000000ffff",
    "traversal": "..%2F..%2Fetc%2Fpasswd",
    "dot-dot": "..",
    "script": "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "key-injection": "MEMBER%23x",
    "star": "*",
    "sql": "1%27%20OR%20%271%27%3D%271",
    "nul": "abc%00def",
    "unicode": "%E2%80%AEdi",
    "raw-unicode": "ü-id",
    "long-300": "i" * 300,
    "long-3000": "i" * 3000,
}
for label, member_id in MEMBER_IDS.items():
    add(f"change-login-email/id/{label}", "PATCH", f"/backend/members/{member_id}/login-email", ADMIN, {"newEmail": "corpus.new@example.com"})
add("change-login-email/id/empty", "PATCH", "/backend/members//login-email", ADMIN, {"newEmail": "corpus.new@example.com"})
add("change-login-email/id/extra-segment", "PATCH", "/backend/members/a/b/login-email", ADMIN, {"newEmail": "corpus.new@example.com"})
add("change-login-email/id/suffix", "PATCH", "/backend/members/a/login-email/x", ADMIN, {"newEmail": "corpus.new@example.com"})

# 7. GET routes: query strings, methods and the Authorization header.
AUTHORIZE = "/oauth2/authorize"
good = {
    "client_id": CLIENT,
    "response_type": "code",
    "response_mode": "query",
    "code_challenge": CHALLENGE,
    "code_challenge_method": "S256",
    "redirect_uri": REDIRECT_URI,
    "state": "s1",
    "scope": "offline_access",
}


def authorize(**changes):
    params = dict(good)
    for key, value in changes.items():
        if value is ...:
            params.pop(key, None)
        else:
            params[key] = value
    return AUTHORIZE + "?" + q(**params)


authorize_cases = {
    "no-query": AUTHORIZE,
    "no-session-token": authorize(),
    "fragment-no-session-token": authorize(response_mode="fragment"),
    "web-message-no-session-token": authorize(response_mode="web_message", redirect_uri=...),
    "mode-missing": authorize(response_mode=...),
    "mode-evil": authorize(response_mode="form_post"),
    "mode-upper": authorize(response_mode="QUERY"),
    "client-missing": authorize(client_id=...),
    "client-unknown": authorize(client_id="evil-client"),
    "client-script": authorize(client_id="<script>alert(1)</script>"),
    "type-token": authorize(response_type="token"),
    "method-plain": authorize(code_challenge_method="plain"),
    "challenge-missing": authorize(code_challenge=...),
    "challenge-bad": authorize(code_challenge="!" * 43),
    "redirect-evil": authorize(redirect_uri="https://evil.example/callback"),
    "redirect-prefix": authorize(redirect_uri=REDIRECT_URI + "/../../evil"),
    "redirect-javascript": authorize(redirect_uri="javascript:alert(1)"),
    "redirect-crlf": authorize(redirect_uri=REDIRECT_URI + "\r\nSet-Cookie: x=1"),
    "redirect-empty": authorize(redirect_uri=""),
    "state-crlf": authorize(state="s\r\nSet-Cookie: injected=1\r\nLocation: https://evil.example/"),
    "state-crlf-fragment": authorize(response_mode="fragment", state="\r\n\r\n<html>"),
    "state-script-web-message": authorize(response_mode="web_message", redirect_uri=..., state="</script><script>alert(1)</script>"),
    "state-nul": authorize(state="a\u0000b"),
    "state-unicode": authorize(state="\u202e\u200b\U0001f600\ufeff"),
    "state-template": authorize(state="{{7*7}}${7*7}"),
    "state-huge": authorize(state="s" * 6000),
    "duplicate-params": authorize() + "&client_id=evil-client&redirect_uri=https%3A%2F%2Fevil.example%2F",
    "bad-percent": AUTHORIZE + "?client_id=%zz&response_mode=%&state=%E0%A4%A",
    "invalid-utf8": AUTHORIZE + "?response_mode=query&client_id=test-client&state=%FF%FE%C0%AF",
    "params-no-values": AUTHORIZE + "?client_id&response_mode&state",
    "only-separators": AUTHORIZE + "?&&&==&",
    "array-params": AUTHORIZE + "?client_id[]=test-client&response_mode[$ne]=x",
    "encoded-crlf-raw": AUTHORIZE + "?response_mode=query&client_id=test-client&state=%0d%0aSet-Cookie:%20x=1",
}
for label, token in BODY_TOKENS.items():
    authorize_cases[f"session-token/{label}"] = authorize(sessionToken=token)
authorize_cases["session-token/huge"] = authorize(sessionToken=TOKENS["huge"][:8000])
authorize_cases["session-token/web-message-forged"] = authorize(response_mode="web_message", redirect_uri=..., sessionToken=TOKENS["session-wrong-kid"])
authorize_cases["session-token/fragment-forged"] = authorize(response_mode="fragment", sessionToken=TOKENS["session-alg-none"])
authorize_cases["session-token/empty"] = authorize(sessionToken="")
for label, path in authorize_cases.items():
    add(f"authorize/{label}", "GET", path, {})

LOGOUT = "/oauth2/logout"
logout_cases = {
    "no-id": LOGOUT,
    "empty-id": LOGOUT + "?id=",
    "unknown-id": LOGOUT + "?" + q(id="00000000-0000-4000-8000-000000000000"),
    "script-id": LOGOUT + "?" + q(id="<script>alert(1)</script>"),
    "crlf-id": LOGOUT + "?" + q(id="x\r\nLocation: https://evil.example/"),
    "traversal-id": LOGOUT + "?" + q(id="../../../etc/passwd"),
    "key-injection-id": LOGOUT + "?" + q(id="x#MEMBER#y"),
    "nosql-id": LOGOUT + "?id[$ne]=x",
    "unicode-id": LOGOUT + "?" + q(id="\u202e\u200b\U0001f600\u0000"),
    "duplicate-id": LOGOUT + "?id=a&id=b",
    "bad-percent": LOGOUT + "?id=%zz%E0%A4%A",
    "long-id-300": LOGOUT + "?" + q(id="i" * 300),
    "long-id-3000": LOGOUT + "?" + q(id="i" * 3000),
    "long-id-8000": LOGOUT + "?" + q(id="i" * 8000),
    "post-flow-url-param": LOGOUT + "?" + q(id="x", postFlowUrl="https://evil.example/"),
}
for label, path in logout_cases.items():
    add(f"logout/{label}", "GET", path, {})

reset_get_cases = {
    "no-token": RESET,
    "empty-token": RESET + "?token=",
    "script-token": RESET + "?" + q(token='"><script>alert(1)</script>'),
    "crlf-token": RESET + "?" + q(token="x\r\nSet-Cookie: x=1"),
    "unicode-token": RESET + "?" + q(token="\u202e\u200b\U0001f600\u0000"),
    "template-token": RESET + "?" + q(token="{{7*7}}"),
    "huge-token": RESET + "?" + q(token="t" * 8000),
    "bad-percent": RESET + "?token=%zz%E0%A4%A",
    "duplicate-token": RESET + "?token=a&token=b",
}
for label, path in reset_get_cases.items():
    add(f"reset-password-get/{label}", "GET", path, {})

ME = "/members/v1/members/my"
me_auths = {
    "none": None,
    "empty": "",
    "bearer-only": "Bearer",
    "bearer-space": "Bearer ",
    "bearer-lower": "bearer " + TOKENS["wrong-kid"],
    "basic": "Basic " + base64.b64encode(b"admin:admin").decode(),
    "admin-key-raw": "${ADMIN_KEY}",
    "admin-key-bearer": "Bearer ${ADMIN_KEY}",
    "injection": "' OR '1'='1",
    "template": "{{7*7}}",
    "unicode": "Bearer ключ-ü-\u202e",
}
for label, token in TOKENS.items():
    me_auths[f"jwt-{label}"] = token
    if label in ("alg-none", "wrong-kid", "truncated"):
        me_auths[f"bearer-jwt-{label}"] = "Bearer " + token
for label, auth in me_auths.items():
    headers = {} if auth is None else {"authorization": auth}
    add(f"current-member/auth/{label}", "GET", ME, headers)
add("current-member/query-token", "GET", ME + "?" + q(access_token=TOKENS["alg-none"]), {})
add("current-member/query-junk", "GET", ME + "?" + q(fieldsets="FULL'; DROP", x="\r\n"), {})

# The members module's own-account routes: every forged or junk token, hostile ids and
# bodies; never a server error (401, 403 or 400 in the envelope).
MEMBERS = "/members/v1/members"
SOMEONE = "00000000-0000-4000-8000-000000000000"
member_routes = {
    "update-member": ("PATCH", f"{MEMBERS}/{SOMEONE}", {"member": {"profile": {"nickname": "Cor"}}}),
    "update-my-slug": ("POST", f"{MEMBERS}/my/slug", {"slug": "cor-pus"}),
    "delete-my-member": ("DELETE", f"{MEMBERS}/my", None),
    "join-community": ("POST", f"{MEMBERS}/join-community", {}),
    "leave-community": ("POST", f"{MEMBERS}/leave-community", {}),
    "delete-member-phones": ("DELETE", f"{MEMBERS}/{SOMEONE}/phones", None),
    "delete-member-emails": ("DELETE", f"{MEMBERS}/{SOMEONE}/emails", None),
    "delete-member-addresses": ("DELETE", f"{MEMBERS}/{SOMEONE}/addresses", None),
}
for name, (method, path, body) in member_routes.items():
    for label, auth in {
        "missing": None,
        "alg-none": TOKENS["alg-none"],
        "truncated": TOKENS["truncated"],
        "injection": me_auths["injection"],
    }.items():
        headers = {"content-type": "application/json"} if body is not None else {}
        if auth:
            headers["authorization"] = auth
        add(f"{name}/auth/{label}", method, path, headers, body)
# The owner's routes: without the key, with a wrong one, for nobody, with junk slugs.
for name, (method, suffix, body) in {
    "approve-member": ("POST", "/approve", {}),
    "block-member": ("POST", "/block", {}),
    "update-member-slug": ("POST", "/slug", {"slug": "Bad Slug!"}),
    "delete-member": ("DELETE", "", None),
}.items():
    for label, auth in {"missing": None, "wrong-key": "not-the-key", "key": "${API_KEY}"}.items():
        headers = {"content-type": "application/json"} if body is not None else {}
        if auth:
            headers["authorization"] = auth
        add(f"{name}/auth/{label}", method, f"{MEMBERS}/{SOMEONE}{suffix}", headers, body)
add("update-member-slug/body/huge", "POST", f"{MEMBERS}/{SOMEONE}/slug",
    {"content-type": "application/json", "authorization": "${API_KEY}"}, {"slug": "s" * LARGE})
for label, member in {
    "not-an-object": "x",
    "huge-nickname": {"profile": {"nickname": "n" * LARGE}},
    "typed-wrong": {"contact": {"phones": "not-a-list", "firstName": 7}, "privacyStatus": "SECRET"},
    "nul": {"profile": {"nickname": "a\u0000b"}},
}.items():
    add(f"update-member/body/{label}", "PATCH", f"{MEMBERS}/{SOMEONE}",
        {"content-type": "application/json", "authorization": TOKENS["alg-none"]}, {"member": member})
for label, member_id in {"long": "i" * 500, "traversal": "..%2F..%2Fmy", "empty": ""}.items():
    add(f"update-member/id/{label}", "PATCH", f"{MEMBERS}/{member_id}",
        {"content-type": "application/json", "authorization": TOKENS["alg-none"]}, {"member": {}})

# Reading members: every token form, hostile filters, sorts, paging and `.r` values;
# never a server error (400 naming the field, 401, or 404).
for label, auth in {"missing": None, "alg-none": TOKENS["alg-none"], "key": "${API_KEY}"}.items():
    headers = {"authorization": auth} if auth else {}
    add(f"get-member/auth/{label}", "GET", f"{MEMBERS}/{SOMEONE}?" + q(fieldsets="FULL"), headers)
    add(f"list-members/auth/{label}", "GET", MEMBERS, headers)
    add(f"query-members/auth/{label}", "POST", f"{MEMBERS}/query",
        {"content-type": "application/json", **headers}, {"query": {}})
for label, query in {
    "or": {"filter": {"$or": [{"status": "PENDING"}]}},
    "unknown-field": {"filter": {"contact.company": "x"}},
    "regex-op": {"filter": {"profile.nickname": {"$regex": ".*"}}},
    "huge-in": {"filter": {"id": {"$in": ["x"] * 1000}}},
    "nested-and": {"filter": {"$and": [{"$and": [{"$and": [{"status": "PENDING"}]}]}]}},
    "typed-wrong": {"filter": {"status": 7}, "paging": {"limit": "lots", "offset": -1}},
    "limit-over": {"paging": {"limit": 101}},
    "offset-over": {"paging": {"offset": 10 ** 12}},
    "two-sorts": {"sort": [{"fieldName": "createdDate"}, {"fieldName": "updatedDate"}]},
    "sort-unknown": {"sort": [{"fieldName": "passwordHash", "order": "UP"}]},
    "name-and-other-sort": {"filter": {"contact.lastName": "x"}, "sort": [{"fieldName": "createdDate"}]},
    "nul-prefix": {"filter": {"profile.nickname": {"$startsWith": "\u0000"}}},
    "not-an-object": "x",
}.items():
    add(f"query-members/query/{label}", "POST", f"{MEMBERS}/query",
        {"content-type": "application/json", "authorization": "${API_KEY}"}, {"query": query})
add("query-members/visitor-email-filter", "POST", f"{MEMBERS}/query",
    {"content-type": "application/json", "authorization": TOKENS["alg-none"]},
    {"query": {"filter": {"loginEmail": "a@example.com"}}})
for label, r in {"not-base64": "%%%", "not-json": "bm90IGpzb24", "huge-limit": "eyJwYWdpbmciOnsibGltaXQiOjEwMDB9fQ"}.items():
    add(f"list-members/r/{label}", "GET", f"{MEMBERS}?.r={r}", {"authorization": "${API_KEY}"})

# The owner's management, continued: without the key, with a wrong one, with junk.
for name, (path, body) in {
    "create-member": (MEMBERS, {"member": {"loginEmail": "corpus.created@example.com"}}),
    "mute-member": (f"{MEMBERS}/{SOMEONE}/mute", {}),
    "unmute-member": (f"{MEMBERS}/{SOMEONE}/unmute", {}),
    "disconnect-member": (f"{MEMBERS}/{SOMEONE}/disconnect", {}),
    "bulk-delete-members": (f"{MEMBERS}/bulk/delete", {"memberIds": [SOMEONE]}),
    "bulk-delete-members-by-filter": (f"{MEMBERS}/bulk/delete-by-filter", {"filter": {"id": SOMEONE}}),
    "bulk-approve-members": (f"{MEMBERS}/bulk/approve-by-filter", {"filter": {"id": SOMEONE}}),
    "bulk-block-members": (f"{MEMBERS}/bulk/block-by-filter", {"filter": {"id": SOMEONE}}),
    "send-activation-email": ("/_api/iam/recovery/v1/activation-email", {"identityId": SOMEONE}),
}.items():
    for label, auth in {"missing": None, "wrong-key": "not-the-key", "key": "${API_KEY}"}.items():
        headers = {"content-type": "application/json"}
        if auth:
            headers["authorization"] = auth
        add(f"{name}/auth/{label}", "POST", path, headers, body)
KEYED = {"content-type": "application/json", "authorization": "${API_KEY}"}
for label, body in {
    "empty-filter": {"filter": {}},
    "no-filter": {},
    "unsupported-filter": {"filter": {"contact.company": "x"}},
    "filter-not-object": {"filter": "status = PENDING"},
}.items():
    add(f"bulk-block-members/body/{label}", "POST", f"{MEMBERS}/bulk/block-by-filter", KEYED, body)
for label, body in {
    "too-many-ids": {"memberIds": [SOMEONE] * 101},
    "ids-not-strings": {"memberIds": [1, None, {}]},
    "huge-id": {"memberIds": ["i" * LARGE]},
}.items():
    add(f"bulk-delete-members/body/{label}", "POST", f"{MEMBERS}/bulk/delete", KEYED, body)
for label, member in {
    "no-email": {"profile": {"nickname": "x"}},
    "bad-email": {"loginEmail": "not an email"},
    "huge-nickname": {"loginEmail": "corpus.huge@example.com", "profile": {"nickname": "n" * LARGE}},
    "typed-wrong": {"loginEmail": 7, "contact": {"phones": "x"}},
}.items():
    add(f"create-member/body/{label}", "POST", MEMBERS, KEYED, {"member": member})

LOGOUT_V1 = GET_ROUTES["logout-v1"]
for label, params in {
    "unregistered-redirect": {"postLogoutRedirectUri": "https://evil.example/", "clientId": CLIENT},
    "unknown-client": {"postLogoutRedirectUri": POST_LOGOUT, "clientId": "nope"},
    "no-client": {"postLogoutRedirectUri": POST_LOGOUT},
    "header-split": {"postLogoutRedirectUri": POST_LOGOUT + "\r\nSet-Cookie: x=1", "clientId": CLIENT},
    "javascript": {"postLogoutRedirectUri": "javascript:alert(1)", "clientId": CLIENT},
    "huge": {"postLogoutRedirectUri": POST_LOGOUT + "/" + "a" * 5000, "clientId": CLIENT},
}.items():
    add(f"logout-v1/{label}", "GET", LOGOUT_V1 + "?" + q(**params), {"authorization": TOKENS["alg-none"]})

for route, path in GET_ROUTES.items():
    for wrong in ("POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"):
        if route == "reset-password-get" and wrong == "POST":
            continue  # POST is its own route
        add(f"{route}/method/{wrong}", wrong, path, JSON, "{}" if wrong in ("POST", "PUT", "PATCH") else None)
    add(f"{route}/trailing-slash", "GET", path + "/", {})
    add(f"{route}/with-json-body", "GET", path, JSON, '{"a":1}')
    add(f"{route}/with-garbage-body", "GET", path, {"content-type": "text/plain"}, "\u0000\u0001garbage")

# 8. Unknown paths.
UNKNOWN = {
    "root": "/",
    "backend": "/backend",
    "velo-prefix": "/backend/authentication",
    "velo-unknown": "/backend/authentication/nope",
    "velo-case": "/backend/authentication/LOGIN",
    "velo-suffix": "/backend/authentication/login/extra",
    "velo-semicolon": "/backend/authentication/login;jsessionid=1",
    "velo-encoded": "/backend/authentication/%6Cogin",
    "traversal": "/../../etc/passwd",
    "traversal-encoded": "/%2e%2e/%2e%2e/etc/passwd",
    "traversal-in-route": "/oauth2/authorize/../token",
    "double-slash": "//oauth2/token",
    "nul": "/_api/iam/authentication/v2/register%00",
    "dotenv": "/.env",
    "git": "/.git/config",
    "wp-admin": "/wp-admin/install.php",
    "members-list": "/members/v1/members",
    "members-id": "/members/v1/members/00000000-0000-4000-8000-000000000000",
    "unicode": "/%E2%80%AE%F0%9F%98%80",
    "raw-unicode": "/ü/✓",
    "template": "/%7B%7B7*7%7D%7D",
    "script": "/%3Cscript%3Ealert(1)%3C/script%3E",
    "long": "/" + "a" * 5000,
    "many-segments": "/a" * 500,
    "api-v1-login": "/_api/iam/authentication/v1/login",
    "oauth2": "/oauth2",
    "oauth2-revoke": "/oauth2/revoke",
}
for label, path in UNKNOWN.items():
    add(f"unknown/{label}/GET", "GET", path, {})
    if label in ("root", "velo-unknown", "velo-case", "traversal", "long", "nul", "api-v1-login"):
        add(f"unknown/{label}/POST", "POST", path, JSON, '{"email":"a@b.co","password":"x"}')
for method in ("PUT", "DELETE", "PROPFIND", "CONNECT", "FOO"):
    add(f"unknown/method/{method}", method, "/nowhere", JSON, None)

lines = [json.dumps(e, ensure_ascii=True, separators=(",", ":")) for e in entries]
OUT.write_text("\n".join(lines) + "\n")
print(f"{len(entries)} requests -> {OUT}")
