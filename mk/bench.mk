# `make bench`: handler overhead (criterion), cold start, size, peak memory, argon2, login
# throughput and enumeration timing of the packaged Lambda binaries in one run
# (bench/bench.py); prints the report and writes BENCHMARKS.md. BENCH_FLAGS passes options,
# e.g. a quick look without touching
# BENCHMARKS.md: make bench BENCH_FLAGS="--runs 3 --pairs 20 --seconds 3 --out /tmp/b.md"
.PHONY: bench bench-directory bench-timing

BENCH_FLAGS ?=
# cargo-lambda builds x86_64 functions with -C target-cpu=haswell; the baseline and the
# argon2 bench get the same code generation.
BENCH_RUSTFLAGS := $(if $(filter x86_64,$(shell uname -m)),-C target-cpu=haswell)
# The functions' environment in the benches: the defaults of `make dev` and nothing from
# the caller's shell or an earlier `make dev` (which rewrites .tools/dev.env with its own
# settings, e.g. manual approval), written afresh each run.
BENCH_ENV := env -i PATH="$$PATH" HOME="$$HOME" DEV_ENV_FILE=$(VENV_DIR)/bench.env scripts/dev-env.sh >/dev/null

bench: package bench-peers-tools bench-better-auth-tools ## Benchmark the release functions (cold start, size, RSS, argon2, login rate and CPU, enumeration, peers, cost) into BENCHMARKS.md
	@$(MAKE) --no-print-directory stack-up
	@$(BENCH_ENV)
	@command -v strace >/dev/null || { echo "make bench needs strace (apt-get install strace)" >&2; exit 1; }
	@for crate in hello-lambda argon2-verify; do \
	  RUSTFLAGS="$(BENCH_RUSTFLAGS)" CARGO_TARGET_DIR=bench/target \
	    cargo build -q --release --locked --manifest-path bench/$$crate/Cargo.toml || exit 1; \
	done
	@$(MAKE) --no-print-directory bench-directory
	@$(MAKE) --no-print-directory bench-timing
	RUSTFLAGS="$(BENCH_RUSTFLAGS)" python3 bench/bench.py $(BENCH_FLAGS)

bench-directory: stack-up ## What a page of members costs on 10,000 seeded members (DynamoDB calls, items read) into BENCHMARKS.md
	python3 bench/directory.py

bench-timing: stack-up ## Known vs unknown address timing of recovery and registration (deploy builds) into BENCHMARKS.md
	@$(BENCH_ENV)
	RUSTFLAGS="$(BENCH_RUSTFLAGS)" cargo build -q --profile deploy --locked -p register -p send-recovery-email
	python3 bench/timing.py $(BENCH_FLAGS)

# A warm login's main-thread CPU by code (bench/login_profile.py): login and register built
# as deploy is, with symbols and frame pointers, in a target directory of their own (other
# RUSTFLAGS would rebuild bench/target), sampled by perf.
PROFILE_RUSTFLAGS := $(strip $(BENCH_RUSTFLAGS) -C force-frame-pointers=yes)
.PHONY: bench-profile
bench-profile: stack-up ## Where a warm login's main-thread CPU goes, by code (perf), into BENCHMARKS.md
	@command -v perf >/dev/null || { echo "make bench-profile needs perf (apt-get install linux-perf)" >&2; exit 1; }
	@$(BENCH_ENV)
	RUSTFLAGS="$(PROFILE_RUSTFLAGS)" CARGO_TARGET_DIR=bench/target-profile \
	  cargo build -q --locked --profile profiling -p login -p register
	RUSTFLAGS="$(PROFILE_RUSTFLAGS)" python3 bench/login_profile.py --bin-dir bench/target-profile/profiling

# Release profiles side by side (bench/tuning.py): login and not-found built with each
# profile, then size, cold start, first response and peak RSS in one interleaved run.
PROFILES ?= release release-fat deploy-thin deploy-fat deploy
.PHONY: bench-tuning
bench-tuning: package ## Compare cargo profiles (PROFILES="release deploy ...") on login and not-found; make bench reports it
	@$(MAKE) --no-print-directory stack-up
	@$(BENCH_ENV)
	RUSTFLAGS="$(BENCH_RUSTFLAGS)" CARGO_TARGET_DIR=bench/target \
	  cargo build -q --release --locked --manifest-path bench/hello-lambda/Cargo.toml
	RUSTFLAGS="$(BENCH_RUSTFLAGS)" python3 bench/tuning.py $(PROFILES)

# Peers of our login (bench/benchlib/peers.py): the same login in Node.js 20 (AWS SDK v3,
# @node-rs/argon2, an esbuild bundle) and Python 3.11 (boto3, argon2-cffi, awslambdaric),
# measured through the same runtime API as ours. Pinned: bench/peers/node/package-lock.json,
# bench/peers/python/requirements*.txt. PEERS_FLAGS passes options (--runs, --warm).
PEERS_VENV := $(VENV_DIR)/peers-venv
PEERS_NODE := bench/peers/node
PEERS_PY := bench/peers/python
PEERS_PYTHON ?= python3.11
PEERS_FLAGS ?=
PIP_PEERS := $(PEERS_VENV)/bin/pip install -q --disable-pip-version-check --only-binary=:all:
.PHONY: bench-peers-tools bench-peers

bench-peers-tools: $(PEERS_VENV)/.installed $(PEERS_PY)/dist/login.py $(PEERS_NODE)/dist/index.mjs ## Install and build the Node.js and Python peers of login (bench/peers)

# Stands in for Lambda's Python 3.11 runtime: awslambdaric and boto3.
$(PEERS_VENV)/.installed: $(PEERS_PY)/requirements-runtime.txt
	rm -rf $(PEERS_VENV)
	$(PEERS_PYTHON) -m venv $(PEERS_VENV)
	$(PIP_PEERS) --no-deps -r $<
	touch $@

# The Python function's deployment package, as one zips it: the handler and argon2-cffi.
$(PEERS_PY)/dist/login.py: $(PEERS_PY)/login.py $(PEERS_PY)/requirements.txt $(PEERS_VENV)/.installed
	rm -rf $(PEERS_PY)/dist
	$(PIP_PEERS) --no-deps --target $(PEERS_PY)/dist -r $(PEERS_PY)/requirements.txt
	cp $(PEERS_PY)/login.py $@

$(PEERS_NODE)/node_modules/.installed: $(PEERS_NODE)/package-lock.json
	cd $(PEERS_NODE) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The Node.js function as shipped: the esbuild bundle and the native argon2 binding.
$(PEERS_NODE)/dist/index.mjs: $(PEERS_NODE)/login.mjs $(PEERS_NODE)/build.mjs $(PEERS_NODE)/node_modules/.installed
	cd $(PEERS_NODE) && node build.mjs

bench-peers: bench-peers-tools ## Our login beside its Node.js and Python peers (ready, first response, warm login beyond argon2, CPU, RSS, package), JSON
	@$(MAKE) --no-print-directory stack-up
	@$(BENCH_ENV)
	python3 bench/peers.py $(PEERS_FLAGS)

# better-auth (npm), a self-hosted auth server, beside our login: email-and-password sign-in
# on Node 20 with its memory adapter and @node-rs/argon2 at our argon2 parameters
# (bench/peers/better-auth/server.mjs, driven by bench/benchlib/better_auth.py). The tools
# target installs the versions pinned by its package-lock.json; `make bench-better-auth`
# runs the comparison alone (no local stack needed) and prints JSON, e.g.
# make bench-better-auth BETTER_AUTH_FLAGS="--runs 5 --markdown"
BETTER_AUTH_DIR := bench/peers/better-auth
BETTER_AUTH_FLAGS ?=
.PHONY: bench-better-auth-tools bench-better-auth

$(BETTER_AUTH_DIR)/node_modules/.installed: $(BETTER_AUTH_DIR)/package.json $(BETTER_AUTH_DIR)/package-lock.json
	cd $(BETTER_AUTH_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

bench-better-auth-tools: $(BETTER_AUTH_DIR)/node_modules/.installed ## Install better-auth and @node-rs/argon2 for the peer bench (npm ci, pinned)

bench-better-auth: bench-better-auth-tools ## better-auth's sign-in beside ours, alone: cold start, per sign-in beyond argon2, CPU, peak RSS (JSON)
	python3 bench/better_auth.py $(BETTER_AUTH_FLAGS)
