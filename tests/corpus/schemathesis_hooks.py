"""Schemathesis hooks for `make schemathesis` (mk/schemathesis.mk loads this file).

Schemathesis' negative mode sometimes sends a JSON operation a body of random bytes
that are not UTF-8. Under `make dev` such a request never reaches our code as it would
in AWS: `cargo lambda watch` (the local Lambda emulator) answers it with its own 500
(`{"type":"https://httpstatuses.com/500",...}`) after the function has already answered
400 `INVALID_JSON`. API Gateway hands the same bytes to the function base64-encoded,
and the handlers answer 400 `INVALID_JSON` (an API Gateway event with
`isBase64Encoded: true` through `TestApp::send_event` shows it). Those bodies would only
test the emulator, so they are not generated; every other body, valid or not, is.
"""

import schemathesis


@schemathesis.hook
def filter_body(context, body):
    if isinstance(body, (bytes, bytearray)):
        try:
            bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            return False
    return True
