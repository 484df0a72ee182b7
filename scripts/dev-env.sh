#!/usr/bin/env bash
# Writes .tools/dev.env (or DEV_ENV_FILE): the environment every function gets under
# `make dev`. The benches write their own (.tools/bench.env) from the defaults alone, so
# that a `make dev` started with other settings cannot change what they measure.
# The signing key and admin key are generated once (.tools/dev-keys.env), never
# constants in code; the rest is rewritten each time so new settings appear.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tools
keys=.tools/dev-keys.env
if [ ! -f "$keys" ]; then
  key() { python3 -c 'import secrets; print(secrets.token_urlsafe(32))'; }
  umask 077
  printf 'SIGNING_KEYS=local-%s:%s\nADMIN_KEY=%s\n' "$(date +%Y%m%d)" "$(key)" "$(key)" >"$keys"
fi
# A site API key (external login, ApiKeyStrategy); older key files get one added.
if ! grep -q '^API_KEYS=' "$keys"; then
  printf 'API_KEYS=local:%s\n' "$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')" >>"$keys"
fi
site=${DEV_SITE_ORIGIN:-http://127.0.0.1:5173}
local_client='[{"clientId":"local-client","redirectUris":["'$site'/callback"],"origins":["'$site'"],"postLogoutUrls":["'$site'/signed-out"]}]'
clients=${OAUTH_CLIENTS:-$local_client}
{
  cat "$keys"
  cat <<ENV
AWS_REGION=us-east-1
AWS_ACCESS_KEY_ID=local
AWS_SECRET_ACCESS_KEY=local
AWS_ENDPOINT_URL=http://127.0.0.1:5000
AWS_ENDPOINT_URL_SESV2=http://127.0.0.1:8005
MEMBERS_TABLE=${MEMBERS_TABLE:-members}
APPROVAL_MODE=${APPROVAL_MODE:-automatic}
EMAIL_VERIFICATION=${EMAIL_VERIFICATION:-required}
OWNER_EMAIL=${OWNER_EMAIL:-owner@example.com}
MAIL_FROM=${MAIL_FROM:-no-reply@example.com}
APPROVAL_LINK_URL=${APPROVAL_LINK_URL:-$site/approve}
PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://127.0.0.1:${DEV_PORT:-9000}}
SITE_NAME=${SITE_NAME:-Local-members}
OAUTH_CLIENTS='$clients'
LOCAL_CORS_ORIGINS=${LOCAL_CORS_ORIGINS:-$site}
RUST_LOG=${RUST_LOG:-info}
ENV
  # Every other setting the environment of `make dev` holds (README, Configuration),
  # so that any of them can be tried locally.
  for name in RATE_LIMITS PASSWORD_MIN_LENGTH SESSION_TOKEN_TTL_SECONDS APPROVAL_TOKEN_TTL_SECONDS \
    ARGON2_MEMORY_KIB ARGON2_ITERATIONS ARGON2_PARALLELISM MAX_BODY_BYTES SES_CONFIGURATION_SET \
    CAPTCHA_MODE CAPTCHA_SECRET CAPTCHA_VERIFY_URL CAPTCHA_SITE_KEY CAPTCHA_SCRIPT_URL \
    SITE_LANGUAGE BRAND_LOGO_URL BRAND_ACCENT_COLOR SUPPORT_EMAIL TERMS_URL PRIVACY_URL TEMPLATE_DIR; do
    if [ -n "${!name:-}" ]; then printf "%s='%s'\n" "$name" "${!name}"; fi
  done
} >"${DEV_ENV_FILE:-.tools/dev.env}"
echo "${DEV_ENV_FILE:-.tools/dev.env}"
