# Members auth: local stack, tests, packaging. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

FUNCTIONS := $(notdir $(wildcard functions/*))
VENV_DIR := .tools
VENV := $(VENV_DIR)/venv
MOTO_VERSION := 5.2.5
CARGO_LAMBDA_VERSION := 1.9.2
ZIGLANG_VERSION := 0.13.0.post1

# The local stand-ins; the AWS SDK reads these and nothing else changes.
export AWS_REGION ?= us-east-1
export AWS_ACCESS_KEY_ID ?= local
export AWS_SECRET_ACCESS_KEY ?= local
export AWS_ENDPOINT_URL ?= http://127.0.0.1:5000
export AWS_ENDPOINT_URL_SESV2 ?= http://127.0.0.1:8005
export SES_INBOX_URL ?= http://127.0.0.1:8005
# `make dev` listens here; the test site origin of the local OAuth client.
export DEV_PORT ?= 9000
export DEV_SITE_ORIGIN ?= http://127.0.0.1:5173
# Instances per function under `make dev`: several, as Lambda runs them, so that races
# between instances show locally.
export DEV_CONCURRENCY ?= 3

.PHONY: help tools stack-up stack-down table dev unit test invoke lint fmt package fuzz fuzz-tools clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | \
	  awk 'BEGIN {FS = ":.*## "} {printf "  \033[36m%-20s\033[0m %s\n", $$1, $$2}'

$(VENV)/.installed: Makefile
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check \
	  'moto[dynamodb]==$(MOTO_VERSION)' flask==3.1.3 flask-cors==6.0.5 waitress==3.0.2 \
	  cargo-lambda==$(CARGO_LAMBDA_VERSION)
	touch $@

local/node_modules/.installed: local/package-lock.json
	cd local && npm ci --no-audit --no-fund --loglevel=error
	touch $@

tools: $(VENV)/.installed local/node_modules/.installed ## Install the pinned local tools (moto, aws-ses-v2-local, cargo-lambda)

stack-up: tools ## Start the DynamoDB (moto :5000) and SES v2 (:8005) stand-ins
	@scripts/stack.sh up

stack-down: ## Stop the local stand-ins
	@scripts/stack.sh down

table: stack-up ## Create the members table in the local DynamoDB
	@cargo run -q -p integration-tests --bin create-table -- $${MEMBERS_TABLE:-members}

dev: stack-up ## Run every function locally at http://127.0.0.1:9000 (DEV_PORT) with the stack and table
	@env_file=$$(scripts/dev-env.sh); \
	  ADMIN_KEY=$$(sed -n 's/^ADMIN_KEY=//p' $$env_file); \
	  cargo run -q -p integration-tests --bin create-table -- $${MEMBERS_TABLE:-members}; \
	  echo "base URL:   http://127.0.0.1:$(DEV_PORT)"; \
	  echo "SES inbox:  $(SES_INBOX_URL)"; \
	  echo "admin key: $$ADMIN_KEY"; \
	  echo "site API key: $$(sed -n 's/^API_KEYS=local://p' $$env_file)"; \
	  echo "OAuth client: local-client (redirect URI $(DEV_SITE_ORIGIN)/callback, origin $(DEV_SITE_ORIGIN), post-logout URL $(DEV_SITE_ORIGIN)/signed-out)"; \
	  echo "email: queued in the table; the mailer function sends it, fed from the table's stream by mail-driver"; \
	  cargo run -q -p integration-tests --bin mail-driver -- $${MEMBERS_TABLE:-members} http://127.0.0.1:$(DEV_PORT) & \
	  trap "kill $$! 2>/dev/null" EXIT; \
	  PATH="$(CURDIR)/$(VENV)/bin:$$PATH" cargo lambda watch --invoke-address 127.0.0.1 --invoke-port $(DEV_PORT) --concurrency $(DEV_CONCURRENCY) --disable-cors --env-file $$env_file

unit: ## Unit, flow and store-contract tests on the in-memory store: no stack, seconds on a warm build
	cargo test --locked -p members-auth
	cargo test --locked -p integration-tests --lib

test: stack-up ## Run every test: unit, integration (local stack), make dev smoke, browser, Wix client, post-deploy smoke and examples, schemathesis, infra (schema included), preflight
	cargo test --workspace --locked
	cargo build --workspace --bins --locked  # so `make dev` serves at once
	scripts/with-dev.sh dev-smoke python3 scripts/dev_smoke.py
	$(MAKE) --no-print-directory browser-test
	$(MAKE) --no-print-directory client-test
	$(MAKE) --no-print-directory smoke-dev
	$(MAKE) --no-print-directory schemathesis
	$(MAKE) --no-print-directory infra-check
	$(MAKE) --no-print-directory preflight-test

invoke: ## Invoke one function with its API Gateway fixture: make invoke F=login (needs make dev)
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" cargo lambda invoke -A 127.0.0.1 -P $(DEV_PORT) $(F) --data-file tests/fixtures/$(F).json

lint: ## cargo fmt --check and clippy with warnings as errors
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --locked -- -D warnings

fmt: ## Format the code
	cargo fmt --all

package: tools ## Build every function as a Lambda zip in target/lambda/<function>/bootstrap.zip
	@arch=--x86-64; compiler=--compiler=cargo; \
	  if rustup target list --installed 2>/dev/null | grep -q aarch64-unknown-linux-gnu; then \
	    arch=--arm64; compiler=; $(VENV)/bin/pip install -q ziglang==$(ZIGLANG_VERSION); fi; \
	  echo "building for $$arch"; \
	  PATH="$(CURDIR)/$(VENV)/bin:$$PATH" cargo lambda build --profile deploy $$arch $$compiler --output-format zip \
	    $(addprefix -p ,$(FUNCTIONS))
	@ls -l target/lambda/*/bootstrap.zip

FUZZ_TARGETS := request_bodies tokens emails
FUZZ_SECONDS ?= 60
CARGO_FUZZ_VERSION := 0.13.1

fuzz-tools: ## Install cargo-fuzz (pinned; runs on the nightly toolchain)
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version $(CARGO_FUZZ_VERSION) --locked

fuzz: fuzz-tools ## Fuzz request bodies, tokens and emails: FUZZ_SECONDS each (default 60)
	@for target in $(FUZZ_TARGETS); do \
	  echo "fuzzing $$target for $(FUZZ_SECONDS) s"; \
	  (cd fuzz && cargo +nightly fuzz run $$target -- -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1) || exit 1; \
	done

clean: stack-down ## Remove build output and local tools
	rm -rf target .tools local/node_modules

-include mk/*.mk
