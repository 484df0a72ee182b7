#!/usr/bin/env bash
# Starts or stops the local AWS stand-ins: moto (DynamoDB) on :5000 and
# aws-ses-v2-local (SES v2) on :8005. State lives in .tools/run.
set -euo pipefail
cd "$(dirname "$0")/.."
run=.tools/run
mkdir -p "$run"

wait_for() { # name url
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null "$2"; then return 0; fi
    sleep 0.1
  done
  echo "$1 did not start; see $run/$1.log" >&2
  return 1
}

start_one() { # name url command...
  local name=$1 url=$2; shift 2
  if curl -s -o /dev/null "$url"; then
    echo "$name already running at $url"
    return 0
  fi
  # A session of its own: started from within `make dev` (scripts/with-dev.sh stops that
  # process group when it ends), a stand-in must outlive it like one started by hand.
  setsid nohup "$@" >"$run/$name.log" 2>&1 &
  echo $! >"$run/$name.pid"
  wait_for "$name" "$url"
  echo "$name running at $url"
}

stop_one() {
  local pidfile="$run/$1.pid"
  if [ -f "$pidfile" ]; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
    echo "$1 stopped"
  fi
}

case "${1:-}" in
  up)
    start_one moto http://127.0.0.1:5000/ .tools/venv/bin/python scripts/moto_server.py 127.0.0.1 5000
    start_one ses http://127.0.0.1:8005/store node local/node_modules/aws-ses-v2-local/dist/cli.js --host 127.0.0.1 --port 8005
    ;;
  down)
    stop_one moto
    stop_one ses
    ;;
  *)
    echo "usage: $0 up|down" >&2
    exit 2
    ;;
esac
