#!/usr/bin/env bash
# Runs a command against `make dev` on DEV_PORT (default 9000): uses a service that
# already answers there, or builds the functions, starts one, waits for it, and stops
# its process group when the command ends. When this script started the service, the
# command finds its log in DEV_STARTED_LOG.
#
# Usage: scripts/with-dev.sh NAME COMMAND...   (NAME labels messages and the log file)
set -euo pipefail
cd "$(dirname "$0")/.."
name=$1
shift
base=http://127.0.0.1:${DEV_PORT:-9000}
log=$PWD/.tools/run/$name-dev-${DEV_PORT:-9000}.log
mkdir -p .tools/run

if curl -s -o /dev/null "$base/"; then
  echo "$name: using what already answers on $base"
else
  echo "$name: building the functions, then starting make dev on $base (log: $log)"
  cargo build -q --workspace --bins --locked
  # A table of this run's own: the stand-in copies a whole table for every item of
  # every transaction, so one that every suite of `make test` filled would slow each
  # registration to seconds.
  export MEMBERS_TABLE="members-$name-$(date +%s)"
  setsid make --no-print-directory dev >"$log" 2>&1 &
  started=$!
  trap 'kill -- -$started 2>/dev/null || true' EXIT
  trap 'exit 130' INT TERM
  for _ in $(seq 1 1200); do
    curl -s -o /dev/null "$base/" && break
    kill -0 "$started" 2>/dev/null || break
    sleep 0.5
  done
  if ! curl -s -o /dev/null "$base/"; then
    tail -30 "$log" >&2
    echo "$name: make dev did not answer on $base" >&2
    exit 1
  fi
  export DEV_STARTED_LOG=$log
fi

"$@" || {
  status=$?
  if [ -n "${DEV_STARTED_LOG:-}" ]; then tail -40 "$log" >&2; fi
  exit "$status"
}
