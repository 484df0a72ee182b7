#!/usr/bin/env bash
# Writes .tools/dev.env once: the environment every function gets under `make dev`.
# The signing key and admin key are generated here, never constants in code.
set -euo pipefail
cd "$(dirname "$0")/.."
env_file=.tools/dev.env
mkdir -p .tools
if [ ! -f "$env_file" ]; then
  key() { python3 -c 'import secrets; print(secrets.token_urlsafe(32))'; }
  umask 077
  cat >"$env_file" <<ENV
AWS_REGION=us-east-1
AWS_ACCESS_KEY_ID=local
AWS_SECRET_ACCESS_KEY=local
AWS_ENDPOINT_URL=http://127.0.0.1:5000
AWS_ENDPOINT_URL_SESV2=http://127.0.0.1:8005
MEMBERS_TABLE=members
SIGNING_KEYS=local-$(date +%Y%m%d):$(key)
ADMIN_KEY=$(key)
APPROVAL_MODE=${APPROVAL_MODE:-automatic}
OWNER_EMAIL=owner@example.com
MAIL_FROM=no-reply@example.com
APPROVAL_LINK_URL=http://127.0.0.1:9000/approve
SITE_NAME="Local members"
RUST_LOG=info
ENV
fi
echo "$env_file"
