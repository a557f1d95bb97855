# Two commands do everything on a fresh machine (see README.md):
#   make demo   installs what is missing, then runs `cargo leptos watch` (split)
#   make test   installs what is missing, then runs every check and test
# and `make bench` prints the performance figures.
# Each install step is skipped when it is already satisfied.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO_LEPTOS_VERSION := 0.3.11
# The wasm-bindgen CLI must match the crate version in Cargo.lock exactly.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/"/, "", $$3); print $$3; exit }' Cargo.lock)
E2E := end2end
# npm's binaryen (its wasm-opt) and Playwright come from end2end/package.json;
# cargo-leptos finds wasm-opt on PATH and then downloads nothing.
export PATH := $(CURDIR)/$(E2E)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# Debian packages need root: through sudo unless already root.
SUDO := $(shell test "$$(id -u)" -eq 0 || echo sudo)

.PHONY: help demo test tools browser fmt clippy unit e2e e2e-release

help:
	@echo "make demo   - install what is missing, then serve the demo (http://localhost:3000)"
	@echo "make test   - install what is missing, then fmt, clippy, cargo test, Playwright (dev + release)"
	@echo "make bench  - print the performance figures (release build)"

# The pages read after logging in are lazy routes, each its own wasm chunk
# (app feature `split`, which needs `--split`); without both flags the app
# is one wasm file, and works the same.
SPLIT := --split --features split

demo: tools
	cargo leptos watch $(SPLIT)

test: tools browser fmt clippy unit e2e e2e-release

# ---- tools --------------------------------------------------------------

tools: wasm-target cargo-leptos wasm-bindgen-cli $(E2E)/node_modules/.installed

.PHONY: wasm-target cargo-leptos wasm-bindgen-cli
wasm-target:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
	  || rustup target add wasm32-unknown-unknown

# --locked --ignore-rust-version: the pinned lockfile of cargo-leptos builds on
# this machine's rustc although one of its crates declares a newer one.
# Its release profile asks for fat LTO and one codegen unit, which makes the
# last step a single-core link of several minutes; a build tool does not need
# that, so those two settings are overridden for this install only.
cargo-leptos:
	@if [ "$$(cargo leptos --version 2>/dev/null)" != "cargo-leptos $(CARGO_LEPTOS_VERSION)" ]; then \
	  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
	  cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked --ignore-rust-version; \
	fi

# Not --locked: its lockfile wants a crate version the registry lacks.
wasm-bindgen-cli:
	@test -n "$(WASM_BINDGEN_VERSION)" || { echo "no wasm-bindgen in Cargo.lock"; exit 1; }
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); \
	fi

$(E2E)/node_modules/.installed: $(E2E)/package.json $(E2E)/package-lock.json
	cd $(E2E) && npm ci --no-audit --no-fund
	@touch $@

# Debian's Chromium; Playwright never downloads a browser.
browser:
	@command -v chromium >/dev/null \
	  || { $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; }

# ---- checks -------------------------------------------------------------

fmt:
	cargo fmt --all -- --check

# Once natively (server, app with `ssr`, protocol, tests) and once for the
# browser (app with `hydrate`, frontend).
clippy:
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p minimal-app --features ssr --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown -p frontend -p app --features app/hydrate -- -D warnings
	cargo clippy --target wasm32-unknown-unknown -p frontend -p app --features app/hydrate,frontend/split -- -D warnings
	cargo clippy --target wasm32-unknown-unknown -p minimal-app --features hydrate -- -D warnings

# Not `frontend`: it only hydrates in the browser, and building it natively
# would turn on `app/hydrate` next to `app/ssr` and make the server's
# dependencies build twice (once for this, once for `cargo leptos build`).
unit:
	cargo test --workspace --exclude frontend

# cargo-leptos's `end-to-end` exits 0 when its build fails or its server dies,
# so build first (that exit code is reliable) and then check the report that
# Playwright wrote (at least one test passed, none failed).
E2E_REPORT := $(E2E)/test-results/results.json

# The minimal app (app/minimal-app) is not a cargo-leptos project: a second
# one would make `cargo leptos watch` ask which to run. Its wasm goes through
# wasm-bindgen here as cargo-leptos would, into target/minimal-site/pkg,
# where its server (http://localhost:3100) serves it from.
MINIMAL_PKG := target/minimal-site/pkg
.PHONY: minimal-app minimal
minimal-app: tools
	cargo build -p minimal-app --lib --target wasm32-unknown-unknown --features minimal-app/hydrate
	mkdir -p $(MINIMAL_PKG)
	wasm-bindgen --target web --no-typescript --out-dir $(MINIMAL_PKG) --out-name minimal \
	  target/wasm32-unknown-unknown/debug/minimal_app.wasm
	mv $(MINIMAL_PKG)/minimal_bg.wasm $(MINIMAL_PKG)/minimal.wasm
	cargo build -p minimal-app --features minimal-app/ssr -p minimal-api

# The minimal app and its API, beside `make demo` (whose issuer they use).
minimal: minimal-app
	target/debug/minimal-api & api=$$!; trap "kill $$api" EXIT; target/debug/minimal-app

# The whole Playwright suite against the dev build (the minimal app's
# tests included: playwright.config.ts starts it and its API).
e2e: minimal-app
	cargo leptos build $(SPLIT)
	rm -f $(E2E_REPORT)
	cargo leptos end-to-end $(SPLIT)
	node $(E2E)/check-results.js $(E2E_REPORT)

# The smoke test against the release build: a release wasm can compile and
# still fail to hydrate, so it is tested in the browser too.
# What is checked here is the size-optimised wasm (wasm-release profile, LTO,
# wasm-opt); how fast the server runs does not matter, so the server's release
# build is made unoptimised here, which halves this step. (`make bench` and
# a plain `cargo leptos build --release` build it fully optimised.)
E2E_RELEASE_ENV := CARGO_PROFILE_RELEASE_OPT_LEVEL=0
e2e-release:
	$(E2E_RELEASE_ENV) cargo leptos build --release $(SPLIT)
	rm -f $(E2E_REPORT)
	$(E2E_RELEASE_ENV) E2E_GREP=@smoke cargo leptos end-to-end --release $(SPLIT)
	node $(E2E)/check-results.js $(E2E_REPORT)

# ---- benchmarks (figures, never assertions) -----------------------------

.PHONY: bench wrk
wrk:
	@command -v wrk >/dev/null \
	  || { $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk; }

# Each bench in server/benches/ prints what it measures and against what bound;
# then the release build is timed in the browser and its size is printed.
# The minimal app's size is set beside a bare Leptos app's ($(BARE)), built
# with the same profile, flags and crate versions, and measured the same way;
# the SPA's, split into chunks, is measured by spa.js from what it serves
# (cargo's raw wasm of a split build keeps its relocations: not comparable).
BARE := $(E2E)/bench/bare-leptos
WASM_RELEASE := wasm32-unknown-unknown/wasm-release
# cargo-leptos builds the wasm under target/front.
bench: tools browser wrk
	cargo bench -p server
	cargo leptos build --release $(SPLIT)
	cp Cargo.lock $(BARE)/Cargo.lock
	cargo build --manifest-path $(BARE)/Cargo.toml --lib --target wasm32-unknown-unknown \
	  --profile wasm-release --target-dir target/bare-leptos
	cargo build -p minimal-app --lib --target wasm32-unknown-unknown --features minimal-app/hydrate \
	  --profile wasm-release --target-dir target/front
	$(E2E)/bench/wasm-size.sh bare-leptos=target/bare-leptos/$(WASM_RELEASE)/bare_leptos.wasm \
	  minimal-app=target/front/$(WASM_RELEASE)/minimal_app.wasm
	node $(E2E)/bench/spa.js
