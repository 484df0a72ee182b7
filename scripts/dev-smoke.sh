#!/usr/bin/env bash
# Proves `make dev` serves every route over HTTP at 127.0.0.1:9000: starts it (unless
# one is already running), walks the Velo methods with curl, and stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
base=http://127.0.0.1:9000
log=.tools/run/dev-smoke.log
mkdir -p .tools/run

started=""
if ! curl -s -o /dev/null "$base/"; then
  setsid make --no-print-directory dev >"$log" 2>&1 &
  started=$!
  trap 'kill -- -$started 2>/dev/null || true' EXIT
  for _ in $(seq 1 600); do
    curl -s -o /dev/null "$base/" && break
    sleep 0.5
  done
fi
admin_key=$(sed -n 's/^ADMIN_KEY=//p' .tools/dev.env)

fail() { echo "dev smoke: $*" >&2; [ -f "$log" ] && tail -20 "$log" >&2; exit 1; }
call() { # expected-status method path body [auth]
  local expected=$1 method=$2 path=$3 body=$4 auth=${5:-}
  local args=(-s -o /tmp/dev-smoke.out -w '%{http_code}' -X "$method" "$base$path" -H 'content-type: application/json')
  [ -n "$body" ] && args+=(-d "$body")
  [ -n "$auth" ] && args+=(-H "authorization: Bearer $auth")
  local status
  status=$(curl "${args[@]}")
  [ "$status" = "$expected" ] || fail "$method $path: expected $expected, got $status: $(cat /tmp/dev-smoke.out)"
  echo "  $status $method $path"
}

email="smoke-$(date +%s%N)@example.com"
echo "dev smoke against $base"
call 200 POST /backend/authentication/register "{\"email\":\"$email\",\"password\":\"correct-horse-battery\"}"
call 200 POST /backend/authentication/login "{\"email\":\"$email\",\"password\":\"correct-horse-battery\"}"
call 401 POST /backend/authentication/login "{\"email\":\"$email\",\"password\":\"wrong-password\"}"
call 403 POST /backend/authentication/block-by-email "{\"email\":\"$email\"}"
call 200 POST /backend/authentication/block-by-email "{\"email\":\"$email\"}" "$admin_key"
call 403 POST /backend/authentication/login "{\"email\":\"$email\",\"password\":\"correct-horse-battery\"}"
call 200 POST /backend/authentication/approve-by-email "{\"email\":\"$email\"}" "$admin_key"
call 200 POST /backend/authentication/generate-session-token "{\"email\":\"$email\"}" "$admin_key"
call 400 POST /backend/authentication/approve-by-token '{"token":"unknown"}'
call 404 POST /no/such/route '{}'
call 405 GET /backend/authentication/login ''
echo "dev smoke: every route answered as expected"
