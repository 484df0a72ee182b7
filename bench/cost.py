#!/usr/bin/env python3
"""What a login costs a site (issue 15, item 3): registers a member and signs it in
through Wix's client journey against the function binaries, counts each step's
DynamoDB request units through a proxy in front of moto, and prices a sign-in beside
Amazon Cognito's per-MAU prices. Prints the results as JSON.

    python3 bench/cost.py [--bin-dir DIR] [--refreshes N] [--repeats R]

Needs moto on :5000 and the local SES on :8005 (`make stack-up`), .tools/bench.env or
.tools/dev.env (scripts/dev-env.sh) and the binaries: target/lambda/<function>/bootstrap(.zip) from
`make package` by default, or <DIR>/<function> (e.g. target/debug, for development only:
debug builds are many times slower). Makes its own table (cost-<run>) with
target/debug/create-table (else `cargo run -p integration-tests --bin create-table`) and
deletes it afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib.binaries import packaged_binary  # noqa: E402
from benchlib.config import ROOT  # noqa: E402
from benchlib.cost import DEFAULT_MAUS, FUNCTIONS, create_table, login_cost  # noqa: E402
from benchlib.stack import Dynamo  # noqa: E402
from benchlib.util import log, read_env_file  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin-dir", help="take <dir>/<function> instead of the packaged "
                        "target/lambda/<function>/bootstrap")
    parser.add_argument("--refreshes", type=int, default=4, help="refresh_token grants per sign-in")
    parser.add_argument("--repeats", type=int, default=5, help="measured sign-ins")
    parser.add_argument("--sign-ins", default="4,30", help="sign-ins per member per month to price")
    parser.add_argument("--env-file", help="the functions' environment (default "
                        ".tools/bench.env, the benches' defaults-only file, else .tools/dev.env)")
    parser.add_argument("--maus", default=",".join(map(str, DEFAULT_MAUS)))
    args = parser.parse_args()

    binaries = {f: (Path(args.bin_dir).resolve() / f if args.bin_dir else packaged_binary(f))
                for f in FUNCTIONS}
    missing = [str(p) for p in binaries.values() if not p.exists()]
    if missing:
        raise SystemExit("missing binaries (make package, or --bin-dir target/debug): "
                         + ", ".join(missing))
    env_file = Path(args.env_file) if args.env_file else next(
        (p for p in (ROOT / ".tools" / "bench.env", ROOT / ".tools" / "dev.env") if p.exists()),
        ROOT / ".tools" / "dev.env")
    env = read_env_file(env_file)
    endpoint = env.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
    table = f"cost-{int(time.time())}-{os.getpid()}"
    log(f"table {table}; binaries from {args.bin_dir or 'target/lambda'}; env {env_file.name}")
    create_table(table, env)
    try:
        r = login_cost(binaries, env, table, refreshes=args.refreshes, repeats=args.repeats,
                       upstream=endpoint, maus=[int(x) for x in args.maus.split(",") if x],
                       sign_ins=[int(x) for x in args.sign_ins.split(",") if x])
    finally:
        try:
            Dynamo(endpoint).delete_table(table)
        except Exception as err:  # noqa: BLE001 - cleanup only
            log(f"could not delete table {table}: {err}")
    print(json.dumps(r, indent=1, default=str))


if __name__ == "__main__":
    main()
