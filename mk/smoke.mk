# Post-deploy smoke check and the privileged-call examples. Included by the top-level
# Makefile, after mk/client.mk (whose rule installs client/node_modules, npm ci).
#   make smoke BASE=<API URL>  the client journey (client/smoke.mjs) through Wix's own client
#                              against a deployed API: registers a member when SMOKE_CODE_CMD
#                              can read its emailed code, else signs in SMOKE_EMAIL/SMOKE_PASSWORD
#   make smoke-dev             the same against a `make dev` of its own (the SES stand-in's
#                              inbox gives the code), then docs/examples/ (examples-test)
#   make examples-test         docs/examples/ against make dev: SigV4 from Node and curl through
#                              scripts/sigv4_verifier.py (botocore recomputes each signature),
#                              and ApiKeyStrategy with the site API key

CLIENT_DIR ?= client
SMOKE_DEV_PORT ?= 9006
# Every request of a local run comes from 127.0.0.1 (mk/client.mk does the same).
SMOKE_RATE_LIMITS ?= register=1000,verify=1000,recovery=1000,token=1000
SES_INBOX_URL ?= http://127.0.0.1:8005

.PHONY: smoke smoke-dev examples-test

smoke: $(CLIENT_DIR)/node_modules/.installed ## Smoke-check a deployed API through Wix's client: make smoke BASE=https://... (see client/smoke.mjs)
	@if [ -z "$(BASE)" ]; then \
	  echo 'usage: make smoke BASE=<API URL>   e.g. BASE=$$(terraform -chdir=infra output -raw api_url)' >&2; \
	  echo '  registers (and deletes) a member when SMOKE_CODE_CMD prints its emailed code;' >&2; \
	  echo '  otherwise signs in an existing one: SMOKE_EMAIL=... SMOKE_PASSWORD=...' >&2; \
	  echo '  the OAuth client of oauth_clients: SMOKE_CLIENT_ID, SMOKE_ORIGIN (one of its origins),' >&2; \
	  echo '  SMOKE_POST_LOGOUT_URL (default <origin>/signed-out); more in client/smoke.mjs' >&2; \
	  exit 2; fi
	@cd $(CLIENT_DIR) && node smoke.mjs '$(BASE)'

smoke-dev: $(CLIENT_DIR)/node_modules/.installed $(VENV)/.installed ## The smoke check and examples-test against a make dev of their own (DEV_PORT 9006)
	@RATE_LIMITS='$(SMOKE_RATE_LIMITS)' DEV_PORT=$(SMOKE_DEV_PORT) scripts/with-dev.sh smoke-dev sh -c '\
	  (cd $(CLIENT_DIR) && SMOKE_INBOX=$(SES_INBOX_URL) node smoke.mjs http://127.0.0.1:$(SMOKE_DEV_PORT)) && \
	  BASE_URL=http://127.0.0.1:$(SMOKE_DEV_PORT) node --test docs/examples/examples.test.mjs'

examples-test: $(CLIENT_DIR)/node_modules/.installed $(VENV)/.installed ## docs/examples/ against make dev: SigV4 (Node, curl) through a local verifier, ApiKeyStrategy
	@RATE_LIMITS='$(SMOKE_RATE_LIMITS)' DEV_PORT=$(SMOKE_DEV_PORT) scripts/with-dev.sh examples-test \
	  sh -c 'BASE_URL=http://127.0.0.1:$(SMOKE_DEV_PORT) node --test docs/examples/examples.test.mjs'
