# Contract tests through Wix's own JavaScript client (client/: @wix/sdk OAuthStrategy,
# @wix/identity, @wix/members, @wix/redirects, jsdom and playwright-core, pinned in
# client/package-lock.json)
# against `make dev`. Included by the top-level Makefile; also works alone from the
# repository root: make -f mk/client.mk client-test
# client/lib/backend.mjs sends the client's https://*.wixapis.com requests to the base
# URL and refuses every other host; CLIENT_TRACE=1 prints each request and answer.

export DEV_PORT ?= 9000
export DEV_SITE_ORIGIN ?= http://127.0.0.1:5173
CLIENT_DIR := client
# `register` without email verification needs a second `make dev` with
# EMAIL_VERIFICATION=off, on its own port so that it never reuses one with the default.
CLIENT_NOVERIFY_PORT ?= 9002
# Per-source limits of the `make dev` these targets start: the suite makes every request
# from 127.0.0.1, more token and register calls a minute than the defaults allow. A
# `make dev` already running keeps its own limits.
CLIENT_RATE_LIMITS ?= register=1000,verify=1000,recovery=1000,token=1000

.PHONY: client-tools client-test

$(CLIENT_DIR)/node_modules/.installed: $(CLIENT_DIR)/package-lock.json $(CLIENT_DIR)/package.json
	cd $(CLIENT_DIR) && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The hosted login test drives Debian's Chromium (mk/browser.mk installs it; alone,
# CHROMIUM=... names one).
client-tools: $(CLIENT_DIR)/node_modules/.installed $(DEBIAN_CHROMIUM) ## Install the pinned Wix client packages in client/ (npm ci) and Debian chromium

# scripts/with-dev.sh starts `make dev` on DEV_PORT unless something already answers
# there, and stops what it started; then the same with verification off on its port.
client-test: client-tools ## Drive make dev through Wix's own JS client (@wix/sdk OAuthStrategy, identity, members)
	@RATE_LIMITS='$(CLIENT_RATE_LIMITS)' scripts/with-dev.sh client-test \
	  sh -c 'cd $(CLIENT_DIR) && BASE_URL=http://127.0.0.1:$(DEV_PORT) npm test --silent'
	@RATE_LIMITS='$(CLIENT_RATE_LIMITS)' EMAIL_VERIFICATION=off DEV_PORT=$(CLIENT_NOVERIFY_PORT) \
	  scripts/with-dev.sh client-test-noverify \
	  sh -c 'cd $(CLIENT_DIR) && BASE_URL=http://127.0.0.1:$(CLIENT_NOVERIFY_PORT) npm run --silent test:noverify'
