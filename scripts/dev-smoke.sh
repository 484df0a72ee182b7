#!/usr/bin/env bash
# Proves `make dev` serves every route over HTTP at 127.0.0.1:9000: starts it (unless
# one is already running), runs scripts/dev_smoke.py against it, and stops what it
# started.
set -euo pipefail
cd "$(dirname "$0")/.."
base=http://127.0.0.1:${DEV_PORT:-9000}
log=.tools/run/dev-smoke.log
mkdir -p .tools/run

if ! curl -s -o /dev/null "$base/"; then
  export DEV_SMOKE_LOG=$log
  setsid make --no-print-directory dev >"$log" 2>&1 &
  started=$!
  trap 'kill -- -$started 2>/dev/null || true' EXIT
  for _ in $(seq 1 600); do
    curl -s -o /dev/null "$base/" && break
    sleep 0.5
  done
fi
python3 scripts/dev_smoke.py || { [ -f "$log" ] && tail -30 "$log" >&2; exit 1; }
