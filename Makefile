# foodbot — the two commands: `make run` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
export TEST_DATABASE_URL
# The browser tests' headless Chromium (Debian's package by default).
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

.PHONY: run test bench lint check-postgres check-chromium

## Run the server on the embedded SQLite store with the demo restaurant (no setup).
run:
	$(CARGO) run --release --bin foodbot

## Run every test: domain, projections, the end-to-end suites on PostgreSQL and
## SQLite, and the Mini App in headless Chromium.
test: check-postgres check-chromium
	$(CARGO) test --workspace --lib --bins --tests

## Print command-path, read-side, bot and Mini App figures beside raw PostgreSQL (and plain cqrs-es).
bench: check-postgres check-chromium
	$(CARGO) bench --bench command_path
	$(CARGO) bench --bench read_side
	$(CARGO) bench --bench bot
	$(CARGO) bench --bench webapp

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

check-postgres:
	@command -v $(CARGO) >/dev/null || { echo "cargo is missing: install Rust (https://rustup.rs)"; exit 1; }
	@if command -v pg_isready >/dev/null; then \
	  pg_isready -q -d "$(TEST_DATABASE_URL)" || { echo "PostgreSQL is not reachable at $(TEST_DATABASE_URL): start it, or set TEST_DATABASE_URL to a server where this user may CREATE DATABASE"; exit 1; }; \
	fi

# Installs Debian's chromium when it is missing and we may (root with apt-get);
# otherwise says how to get it.
check-chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$(CHROMIUM)" = /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Chromium is missing: installing Debian's chromium for the browser tests."; \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium || exit 1; \
	  else \
	    echo "Chromium is missing at $(CHROMIUM): the browser tests (tests/browser) need it. Install it (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM=/path/to/chromium."; \
	    exit 1; \
	  fi; \
	fi
