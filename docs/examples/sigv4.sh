#!/usr/bin/env bash
# Calling an AWS_IAM route of the deployed API from the shell: curl signs the request
# with SigV4 itself (--aws-sigv4 needs curl 7.75, --fail-with-body 7.76).
#
#   API=https://abc123.execute-api.us-east-1.amazonaws.com AWS_REGION=us-east-1 \
#   docs/examples/sigv4.sh approve-by-email '{"email":"ann@example.com"}'
#
# Credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; temporary ones (SSO, an
# assumed role) also need AWS_SESSION_TOKEN, sent (and signed) as x-amz-security-token.
set -euo pipefail
method=$1 body=$2

session=()
if [ -n "${AWS_SESSION_TOKEN:-}" ]; then session=(-H "x-amz-security-token: $AWS_SESSION_TOKEN"); fi

curl -sS --fail-with-body -X POST "${API%/}/backend/authentication/$method" \
  --aws-sigv4 "aws:amz:${AWS_REGION:-us-east-1}:execute-api" \
  --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
  "${session[@]}" \
  -H 'content-type: application/json' -d "$body"
echo
