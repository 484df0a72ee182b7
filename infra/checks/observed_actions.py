"""Holds each function's IAM role to what the integration suite saw it do.

`make test` runs the Rust integration suite first; its test kit records, per function,
every DynamoDB action the handlers used (transactions as their items' actions) under
target/dynamodb-actions/. Every recorded action must be granted to that function in
`local.functions[*].dynamodb_actions` (infra/locals.tf), or the deployed function would
fail where the local one passed (moto does not enforce IAM). Granted actions never seen
are listed as a hint (a path the suite may not cover), not a failure.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import structure  # noqa: E402  (same directory)


def main() -> int:
    root = Path(__file__).resolve().parents[2]
    records = sorted((root / "target" / "dynamodb-actions").glob("*.txt"))
    if not records:
        print("observed actions: no records (run the integration suite first); skipped")
        return 0
    observed: dict[str, set[str]] = defaultdict(set)
    for path in records:
        for line in path.read_text().splitlines():
            function, _, action = line.partition(" ")
            observed[function].add(action)
    functions = structure.functions_local(structure.load(root / "infra"))
    problems = []
    hints = []
    for function, actions in sorted(observed.items()):
        granted = set(functions.get(function, {}).get("dynamodb_actions", []))
        if function not in functions:
            problems.append(f"{function}: not in local.functions")
        for action in sorted(actions - granted):
            problems.append(f"{function}: uses dynamodb:{action}, not granted in infra/locals.tf")
        unused = sorted(granted - actions)
        if unused:
            hints.append(f"{function}: granted but not seen: {', '.join(unused)}")
    for hint in hints:
        print(f"  hint: {hint}")
    if problems:
        for problem in problems:
            print(f"FAIL {problem}", file=sys.stderr)
        return 1
    print(f"observed actions OK: {sum(map(len, observed.values()))} (function, action) pairs "
          f"from {len(records)} suite run(s) are all granted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
