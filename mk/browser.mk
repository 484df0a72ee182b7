# Real-browser tests of the hosted pages (authorize `web_message`, password reset) in
# Debian's headless Chromium, driven by playwright-core. Included by the top-level
# Makefile; also works alone from the repository root: make -f mk/browser.mk browser-test
# No browser is ever downloaded: Chromium comes from apt, playwright-core has none.

export DEV_PORT ?= 9000
export DEV_SITE_ORIGIN ?= http://127.0.0.1:5173
BROWSER_DIR := browser
# Debian's package; the tests take another binary from CHROMIUM=... if given.
DEBIAN_CHROMIUM := /usr/bin/chromium

.PHONY: browser-tools browser-test screenshots

# Only when the binary is missing, so a re-run is a no-op (we run as root).
$(DEBIAN_CHROMIUM):
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
	@$@ --version

$(BROWSER_DIR)/node_modules/.installed: $(BROWSER_DIR)/package-lock.json $(BROWSER_DIR)/package.json
	cd $(BROWSER_DIR) && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	touch $@

browser-tools: $(DEBIAN_CHROMIUM) $(BROWSER_DIR)/node_modules/.installed ## Install Debian chromium (apt-get) and the pinned npm packages

# scripts/with-dev.sh starts `make dev` on DEV_PORT unless something already answers
# there, and stops what it started.
# The accessibility pass signs up and fails sign-ins in every language from one
# address, and shows the footer's links, so its `make dev` has room and a full brand.
BROWSER_RATE_LIMITS ?= register=1000,verify=1000,recovery=1000,token=1000
BROWSER_BRAND := SUPPORT_EMAIL=help@example.com TERMS_URL=$(DEV_SITE_ORIGIN)/terms PRIVACY_URL=$(DEV_SITE_ORIGIN)/privacy

# What only manual approval shows (the pending screen, the owner's email) is checked
# against a second `make dev` in that mode, on its own port.
BROWSER_MANUAL_PORT ?= 9004

browser-test: browser-tools ## Drive the hosted pages in headless Chromium against make dev; axe-core over every page, state and language
	@RATE_LIMITS='$(BROWSER_RATE_LIMITS)' $(BROWSER_BRAND) scripts/with-dev.sh browser-test \
	  sh -c 'cd $(BROWSER_DIR) && node --test --test-concurrency=1 pages.test.mjs a11y.test.mjs'
	@APPROVAL_MODE=manual EMAIL_VERIFICATION=off DEV_PORT=$(BROWSER_MANUAL_PORT) \
	  RATE_LIMITS='$(BROWSER_RATE_LIMITS)' $(BROWSER_BRAND) scripts/with-dev.sh browser-manual \
	  sh -c 'cd $(BROWSER_DIR) && node --test a11y.test.mjs'

# The same pass, keeping its pictures for the README's gallery.
screenshots: browser-tools ## Render the README gallery (docs/gallery/*.png): hosted pages and emails in Chromium
	@RATE_LIMITS='$(BROWSER_RATE_LIMITS)' $(BROWSER_BRAND) GALLERY_DIR='$(CURDIR)/docs/gallery' \
	  scripts/with-dev.sh screenshots sh -c 'cd $(BROWSER_DIR) && node --test --test-concurrency=1 a11y.test.mjs'
