# Property-based fuzzing of every route in openapi.yaml with schemathesis, against
# `make dev`. Included by the top-level Makefile; also works alone from the repository
# root: make -f mk/schemathesis.mk schemathesis
#
# Fails on any server error (5xx) and on any response that does not match openapi.yaml.
# Only 127.0.0.1 is contacted (PyPI only to install the pinned schemathesis once).
# SCHEMATHESIS_EXAMPLES bounds the fuzzing phase per operation (the whole run takes
# about 2 minutes once the functions are built); SCHEMATHESIS_SEED makes runs repeatable.

export DEV_PORT ?= 9000
SCHEMATHESIS_VERSION := 4.32.5
SCHEMATHESIS_VENV := .tools/schemathesis-venv
SCHEMATHESIS_MARKER := $(SCHEMATHESIS_VENV)/.installed-$(SCHEMATHESIS_VERSION)
SCHEMATHESIS_RUN_DIR := .tools/run
SCHEMATHESIS_EXAMPLES ?= 25
SCHEMATHESIS_SEED ?= 20240601
# A request of a function that `make dev` (re)builds first can take a while.
SCHEMATHESIS_REQUEST_TIMEOUT ?= 30
# Per-source limits of the `make dev` this target starts: every request comes from
# 127.0.0.1, and 429s would stop the fuzzing at the door of register, token, verify
# and recovery. A `make dev` already running keeps its own limits.
SCHEMATHESIS_RATE_LIMITS ?= register=100000,verify=100000,recovery=100000,token=100000

.PHONY: schemathesis schemathesis-run schemathesis-tools

$(SCHEMATHESIS_MARKER):
	rm -rf $(SCHEMATHESIS_VENV)
	python3 -m venv $(SCHEMATHESIS_VENV)
	$(SCHEMATHESIS_VENV)/bin/pip install -q --disable-pip-version-check 'schemathesis==$(SCHEMATHESIS_VERSION)'
	@$(SCHEMATHESIS_VENV)/bin/st --version
	touch $@

schemathesis-tools: $(SCHEMATHESIS_MARKER) ## Install the pinned schemathesis into .tools/schemathesis-venv

# scripts/with-dev.sh starts `make dev` on DEV_PORT (with SCHEMATHESIS_RATE_LIMITS)
# unless something already answers there, and stops what it started. The admin key of
# .tools/dev.env reaches only the operations whose security is `adminKey`
# (schemathesis' OpenAPI-aware auth, from a generated config file). Schemathesis runs in
# .tools/run/schemathesis, where it keeps its .schemathesis/ and .hypothesis/ (replay a
# failure there: ../../schemathesis-venv/bin/st replay <id>).
# tests/corpus/schemathesis_hooks.py says which generated bodies are left out, and why.
schemathesis: $(SCHEMATHESIS_MARKER) ## Fuzz every route of openapi.yaml against make dev with schemathesis
	@RATE_LIMITS='$(SCHEMATHESIS_RATE_LIMITS)' scripts/with-dev.sh schemathesis \
	  $(MAKE) -f $(firstword $(MAKEFILE_LIST)) --no-print-directory schemathesis-run

schemathesis-run:
	@set -euo pipefail; \
	  base=http://127.0.0.1:$(DEV_PORT); run=$(CURDIR)/$(SCHEMATHESIS_RUN_DIR); \
	  config=$$run/schemathesis-$(DEV_PORT).toml; \
	  mkdir -p "$$run"; \
	  ADMIN_KEY=$$(sed -n 's/^ADMIN_KEY=//p' .tools/dev.env 2>/dev/null || true); export ADMIN_KEY; \
	  printf '[auth.openapi.adminKey]\nbearer = "$${ADMIN_KEY}"\n' >"$$config"; \
	  started_at=$$(date +%s); \
	  mkdir -p "$$run/schemathesis"; cd "$$run/schemathesis"; \
	  SCHEMATHESIS_HOOKS=$(CURDIR)/tests/corpus/schemathesis_hooks.py \
	  $(CURDIR)/$(SCHEMATHESIS_VENV)/bin/st --config-file "$$config" run $(CURDIR)/openapi.yaml \
	    --url "$$base" \
	    --checks not_a_server_error,response_schema_conformance \
	    --phases examples,coverage,fuzzing,stateful \
	    --max-examples $(SCHEMATHESIS_EXAMPLES) \
	    --seed $(SCHEMATHESIS_SEED) \
	    --generation-database none \
	    --max-redirects 0 \
	    --request-timeout $(SCHEMATHESIS_REQUEST_TIMEOUT) \
	    --request-retries 2 \
	    --workers 1 \
	    --no-color \
	    || { status=$$?; echo "schemathesis: FAILED after $$(( $$(date +%s) - started_at )) s" >&2; exit $$status; }; \
	  echo "schemathesis: passed in $$(( $$(date +%s) - started_at )) s"
