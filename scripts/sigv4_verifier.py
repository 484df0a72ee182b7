#!/usr/bin/env python3
"""A local stand-in for API Gateway's AWS_IAM check, in front of `make dev`.

`make dev` does not verify SigV4 (in AWS, API Gateway does, before any function runs),
so the examples in docs/examples/ are tested through this: it recomputes the signature
of every request it receives with botocore's SigV4Auth (the AWS SDK for Python's
signer: an implementation independent of the Node SDK's and curl's) from the known test
credentials, and answers 403 as API Gateway does on any mismatch: another key id,
region, service or secret, a changed method, path, query, signed header or body, a
date more than 5 minutes off, a missing or wrong session token. A request that passes
is forwarded to UPSTREAM without its SigV4 headers and with `Authorization: Bearer
<ADMIN_KEY>`, which is how `make dev` trusts a privileged caller (in AWS the IAM
identity API Gateway adds to the event does that).

Environment: SIGV4_ACCESS_KEY_ID, SIGV4_SECRET_ACCESS_KEY, SIGV4_SESSION_TOKEN (optional:
then every request must carry it, signed), SIGV4_REGION (us-east-1), UPSTREAM (make
dev's base URL), ADMIN_KEY. Listens on 127.0.0.1:PORT (argument; 0 picks a free port)
and prints `listening on <port>` once ready. Runs with .tools/venv/bin/python (moto
brings botocore).
"""

import hashlib
import hmac
import json
import os
import re
import sys
import urllib.error
import urllib.request
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ACCESS_KEY_ID = os.environ["SIGV4_ACCESS_KEY_ID"]
SECRET = os.environ["SIGV4_SECRET_ACCESS_KEY"]
SESSION_TOKEN = os.environ.get("SIGV4_SESSION_TOKEN") or None
REGION = os.environ.get("SIGV4_REGION", "us-east-1")
SERVICE = "execute-api"
UPSTREAM = os.environ["UPSTREAM"].rstrip("/")
ADMIN_KEY = os.environ["ADMIN_KEY"]
MAX_SKEW_SECONDS = 300

AUTHORIZATION = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<key>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/]+)/"
    r"(?P<service>[^/]+)/aws4_request,\s*SignedHeaders=(?P<signed>[a-z0-9;-]+),\s*"
    r"Signature=(?P<signature>[0-9a-f]{64})$"
)
# Not passed on: the signature's own headers (the upstream trusts the admin key
# instead) and the hop-by-hop ones.
DROPPED = {
    "authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256",
    "host", "connection", "content-length", "transfer-encoding", "keep-alive",
}


class Refused(Exception):
    pass


class ExactHeaders(SigV4Auth):
    """botocore's SigV4, over exactly the headers the request says it signed."""

    def __init__(self, signed, *args):
        super().__init__(*args)
        self.signed = signed

    def headers_to_sign(self, request):
        headers = super().headers_to_sign(request)
        for name in list(headers.keys()):
            if name not in self.signed:
                del headers[name]
        return headers


def verify(method, path, headers, body):
    """Raises Refused unless the request is signed by the test credentials."""
    match = AUTHORIZATION.match(headers.get("authorization", ""))
    if not match:
        raise Refused("Missing Authentication Token")
    if match["key"] != ACCESS_KEY_ID:
        raise Refused("The security token included in the request is invalid.")
    if match["region"] != REGION or match["service"] != SERVICE:
        raise Refused(f"Credential should be scoped to {REGION}/{SERVICE}")
    signed = match["signed"].split(";")
    for required in ("host", "x-amz-date"):
        if required not in signed:
            raise Refused(f"'{required}' must be a signed header")
    amz_date = headers.get("x-amz-date", "")
    try:
        when = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        raise Refused("X-Amz-Date is missing or malformed") from None
    if amz_date[:8] != match["date"]:
        raise Refused("The credential's date is not the request's")
    if abs((datetime.now(timezone.utc) - when).total_seconds()) > MAX_SKEW_SECONDS:
        raise Refused("Signature expired")
    if SESSION_TOKEN is not None:
        if "x-amz-security-token" not in signed:
            raise Refused("x-amz-security-token must be sent and signed")
        if not hmac.compare_digest(headers.get("x-amz-security-token", ""), SESSION_TOKEN):
            raise Refused("The security token included in the request is invalid.")
    declared = headers.get("x-amz-content-sha256")
    if declared is not None and declared != hashlib.sha256(body).hexdigest():
        raise Refused("x-amz-content-sha256 is not the body's hash")
    for name in signed:
        if name not in headers:
            raise Refused(f"signed header {name} is missing")

    request = AWSRequest(
        method=method,
        url=f"http://{headers['host']}{path}",
        data=body,
        headers={name: headers[name] for name in signed},
    )
    request.context["timestamp"] = amz_date
    signer = ExactHeaders(signed, Credentials(ACCESS_KEY_ID, SECRET, SESSION_TOKEN), SERVICE, REGION)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if not hmac.compare_digest(expected, match["signature"]):
        raise Refused(
            "The request signature we calculated does not match the signature you provided. "
            f"The Canonical String for this request should have been\n'{canonical}'"
        )


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle_any(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        # Repeated headers join with a comma, as SigV4's canonical form does.
        headers = {}
        for name, value in self.headers.items():
            name = name.lower()
            headers[name] = f"{headers[name]},{value}" if name in headers else value
        try:
            verify(self.command, self.path, headers, body)
        except Refused as refused:
            reason = str(refused).split("\n")[0]
            print(f"sigv4-verifier: 403 {self.command} {self.path}: {reason}", file=sys.stderr)
            return self.answer(403, {"content-type": "application/json"},
                               json.dumps({"message": str(refused)}).encode())
        print(f"sigv4-verifier: signature good: {self.command} {self.path}", file=sys.stderr)
        forward = {k: v for k, v in headers.items() if k not in DROPPED}
        forward["authorization"] = f"Bearer {ADMIN_KEY}"
        upstream = urllib.request.Request(
            UPSTREAM + self.path, data=body or None, headers=forward, method=self.command
        )
        try:
            with urllib.request.urlopen(upstream, timeout=300) as response:
                status, answer_headers, answer = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, answer_headers, answer = error.code, error.headers, error.read()
        kept = {k: v for k, v in answer_headers.items() if k.lower() not in DROPPED}
        kept["x-sigv4-verified"] = ACCESS_KEY_ID
        self.answer(status, kept, answer)

    def answer(self, status, headers, body):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = handle_any

    def log_message(self, *args):
        pass


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"listening on {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
