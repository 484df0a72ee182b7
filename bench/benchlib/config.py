"""Paths, goals and assumptions shared by the measurements and the report."""

from __future__ import annotations

from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
FIXTURES = ROOT / "tests" / "fixtures"
# The mailer has no route and no API Gateway event: it is fed by the table's stream.
STREAM_FUNCTIONS = {"mailer"}
FUNCTIONS = sorted(p.name for p in (ROOT / "functions").iterdir()
                   if (p / "Cargo.toml").exists() and p.name not in STREAM_FUNCTIONS)
HELLO = "hello-world"
PASSWORD = "bench-Quartz-7-lantern"  # not on the common-password list
ARGON2_DEFAULTS = "m=19456 KiB, t=2, p=1"
# Functions that run argon2 on their request path.
ARGON2_FUNCTIONS = ["login", "register", "reset-password"]

# Goals of the brief.
GOAL_READY_RATIO = 1.3
GOAL_BINARY_MB = 8.0
GOAL_RSS_MB = 48.0
GOAL_THROUGHPUT = 0.85
GOAL_ENUMERATION = 0.10
# Known ÷ unknown address, recovery and registration (issue: within 0.9–1.1).
GOAL_ADDRESS_TIMING = 0.10

# Diagnostic cold starts: not-found with less (or no) CA roots for the AWS SDK to load.
# token builds its app (AWS clients, CA roots) on its first request; this diagnostic start
# loads only the CA bundle file, as on Lambda's images, to show the roots' share.
NO_DIR = "/nonexistent-bench-dir"
DIAGNOSTIC_STARTS = {
    "token, CA bundle file only": ("token", {"SSL_CERT_DIR": NO_DIR}),
}

# login once more, its signing keys in Secrets Manager (SECRETS_ARN) instead of the
# environment: the secret must be read by the first request, not during init.
SECRET_START = "login, keys in Secrets Manager"

# Handler overhead: criterion benches over the project's in-memory store (bench/handlers),
# built like the shipped functions (profile, target, flags). argon2's share is measured
# alone at the same (minimum) parameters and subtracted.
# (flow, its bench, argon2's bench to subtract, DynamoDB calls it makes: the budgets the
# integration tests assert)
HANDLER_BENCHES = [
    ("login", "handler/login", "argon2/verify", 6),
    ("register", "handler/register", "argon2/hash", 2),
    ("token (refresh_token grant)", "handler/token_refresh", None, 2),
    ("current member", "handler/current_member", None, 1),
]
# One DynamoDB GetItem through the real AWS SDK and bench/handlers/src/canned_dynamodb.rs.
SDK_CALL_BENCH = "sdk/get_item"
# The same call written, signed and parsed by hand: the floor of that work per call.
SDK_FLOOR_BENCH = "sdk/get_item_signed_by_hand"
GOAL_HANDLER_US = 50.0

# Lambda prices assumed (us-east-1, on-demand, first pricing tier).
PRICE_GB_S = {"x86_64": 0.0000166667, "arm64": 0.0000133334}
PRICE_PER_MILLION_REQUESTS = 0.20
MEMORY_SIZES = [128, 256, 512, 768, 1024, 1536, 1769, 2048]
FULL_VCPU_MB = 1769
ASSUMED_DYNAMODB_MS = 10.0  # two in-region DynamoDB calls per login, ~5 ms each

MB = 1_000_000
