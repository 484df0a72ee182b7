# Real-browser tests of the hosted pages (authorize `web_message`, password reset) in
# Debian's headless Chromium, driven by playwright-core. Included by the top-level
# Makefile; also works alone from the repository root: make -f mk/browser.mk browser-test
# No browser is ever downloaded: Chromium comes from apt, playwright-core has none.

export DEV_PORT ?= 9000
export DEV_SITE_ORIGIN ?= http://127.0.0.1:5173
BROWSER_DIR := browser
BROWSER_RUN_DIR := .tools/run
# Debian's package; the tests take another binary from CHROMIUM=... if given.
DEBIAN_CHROMIUM := /usr/bin/chromium

.PHONY: browser-tools browser-test

# Only when the binary is missing, so a re-run is a no-op (we run as root).
$(DEBIAN_CHROMIUM):
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
	@$@ --version

$(BROWSER_DIR)/node_modules/.installed: $(BROWSER_DIR)/package-lock.json $(BROWSER_DIR)/package.json
	cd $(BROWSER_DIR) && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	touch $@

browser-tools: $(DEBIAN_CHROMIUM) $(BROWSER_DIR)/node_modules/.installed ## Install Debian chromium (apt-get) and the pinned npm packages

# Starts `make dev` on DEV_PORT unless something already answers there (then it is
# used as is), waits for it, runs the tests, and stops the process group it started.
# The functions are built first (as `make test` does) so that they answer at once.
browser-test: browser-tools ## Drive the hosted pages in headless Chromium against make dev
	@set -eu; \
	  base=http://127.0.0.1:$(DEV_PORT); log=$(CURDIR)/$(BROWSER_RUN_DIR)/browser-test-dev-$(DEV_PORT).log; \
	  started=; \
	  if ! curl -s -o /dev/null "$$base/"; then \
	    mkdir -p $(BROWSER_RUN_DIR); \
	    echo "browser-test: building the functions, then starting make dev on $$base (log: $$log)"; \
	    cargo build -q --workspace --bins --locked; \
	    setsid make --no-print-directory dev >"$$log" 2>&1 & started=$$!; \
	    trap 'kill -- -'"$$started"' 2>/dev/null || true' EXIT; trap 'exit 130' INT TERM; \
	    for _ in $$(seq 1 1200); do \
	      curl -s -o /dev/null "$$base/" && break; \
	      kill -0 "$$started" 2>/dev/null || break; \
	      sleep 0.5; \
	    done; \
	    curl -s -o /dev/null "$$base/" || { tail -30 "$$log" >&2; echo "browser-test: make dev did not answer on $$base" >&2; exit 1; }; \
	  fi; \
	  cd $(BROWSER_DIR) && node --test --test-concurrency=1 pages.test.mjs \
	    || { [ -n "$$started" ] && tail -40 "$$log" >&2; exit 1; }
