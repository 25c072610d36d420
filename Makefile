# The one entry point for users and CI. Every target installs what it lacks.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo
FUZZ_SECONDS ?= 20
FUZZ_TARGETS := token pem jwk options verify rsa_differential rsa_public_op ecdsa_differential ed25519_differential
INTEROP := tests/interop

WASM_BINDGEN_VERSION := 0.2.130
JS_TESTS := verifier-wasm/js-tests

.PHONY: test deps lint wasm-target rust-test wasm-rust-test js-test fuzz-smoke fuzz bench bench-rust bench-js bench-signer bench-startup wasm wasm-tools js-deps browser-deps

## make test: every check CI runs (formatting, lints, all tests, a short fuzz run).
# The short fuzz run goes first so that a test runner's summary closes the output.
test: deps lint fuzz-smoke rust-test wasm-rust-test wasm js-test www-test example-test demo-test

deps: js-deps
	rustup component add clippy rustfmt >/dev/null 2>&1 || true
	bash tests/ministack.sh >/dev/null
	bash signer/tests/serve/cargo-lambda.sh >/dev/null
	cd $(INTEROP) && { [ -d node_modules ] && npm ls --depth=0 >/dev/null 2>&1 || npm ci --no-audit --no-fund; }

lint: wasm-target
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	# The verifier as the package's SIMD build compiles it (code native builds never see).
	RUSTFLAGS="-C target-feature=+simd128" CARGO_TARGET_DIR="$${CARGO_TARGET_DIR:-target}/wasm-simd" \
	  $(CARGO) clippy -p kmsjwt-verify --lib --target wasm32-unknown-unknown -- -D warnings
	# Each algorithm family alone, as the size builds (bench/sizes.sh) compile it, natively
	# and as the SIMD build.
	for family in rsa ecdsa eddsa mldsa; do \
	  $(CARGO) clippy -p kmsjwt-verify --lib --no-default-features --features $$family -- -D warnings; \
	  RUSTFLAGS="-C target-feature=+simd128" CARGO_TARGET_DIR="$${CARGO_TARGET_DIR:-target}/wasm-simd" \
	    $(CARGO) clippy -p kmsjwt-verify --lib --target wasm32-unknown-unknown \
	    --no-default-features --features $$family -- -D warnings; \
	done
	$(JS_TESTS)/node_modules/.bin/prettier --check "$(INTEROP)/*.mjs" "verifier-wasm/js/*.{js,ts}" "$(JS_TESTS)/*.{mjs,ts}" "verifier-wasm/bench/*.mjs" "$(JS_TESTS)/fixtures/**/*.{js,mjs,html,ts}" "www/*.{js,mjs,html,css}" "www/tests/*.mjs" "examples/cloudflare-worker/{src,test}/*.{js,mjs}" "examples/cloudflare-worker/*.json" "demo/*.mjs" "tests/*.mjs" "verifier-wasm/tests/*.mjs"

rust-test:
	$(CARGO) test --workspace

## The verifier's Rust tests as the package's SIMD build compiles them (wasm32, simd128),
## run in Node's WASI: the code only WebAssembly builds contain (the SIMD RSA layouts and
## P-521 product) and a 32-bit usize. A panic aborts the test binary there, so nothing is
## captured: a failing test's message is not lost.
wasm-rust-test:
	rustup target add wasm32-wasip1
	RUSTFLAGS="-C target-feature=+simd128" CARGO_TARGET_DIR="$${CARGO_TARGET_DIR:-target}/wasi" \
	  CARGO_TARGET_WASM32_WASIP1_RUNNER="node --no-warnings $(CURDIR)/verifier-wasm/tests/wasi-runner.mjs" \
	  $(CARGO) test -p kmsjwt-verify --target wasm32-wasip1 -- --nocapture

# Runs each fuzz target briefly (`make fuzz FUZZ_SECONDS=600` for a long run), installing
# a nightly toolchain and cargo-fuzz first if they are missing (about 1 min); skipped,
# saying so, only where they cannot be installed.
fuzz-smoke: fuzz-tools
	@if cargo fuzz --version >/dev/null 2>&1 && rustup toolchain list | grep -q nightly; then \
	  $(MAKE) --no-print-directory fuzz; \
	else echo "fuzz-smoke: SKIPPED: cargo-fuzz or a nightly toolchain could not be installed"; fi

.PHONY: fuzz-tools
fuzz-tools:
	@rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal || true
	@cargo fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked || true

# Each target's last lines when it passes; the last 60 (build error or crash) when not.
fuzz:
	cd verifier-wasm/fuzz && log="$$(mktemp)" && for target in $(FUZZ_TARGETS); do \
	  if cargo +nightly fuzz run $$target --target-dir "$${CARGO_TARGET_DIR:-target}/fuzz" -- \
	    -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 >"$$log" 2>&1; then \
	    echo "fuzz $$target: $$(tail -n 1 "$$log")"; \
	  else tail -n 60 "$$log"; echo "fuzz $$target FAILED"; rm -f "$$log"; exit 1; fi; \
	done; rm -f "$$log"

## make wasm: the npm package in verifier-wasm/pkg (installs wasm-bindgen-cli if missing).
wasm: wasm-tools js-deps
	bash verifier-wasm/build-pkg.sh

wasm-tools: wasm-target
	[ "$$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $(WASM_BINDGEN_VERSION)" ] || \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)

wasm-target:
	rustup target add wasm32-unknown-unknown

js-deps:
	cd $(JS_TESTS) && { npm ls --depth=0 >/dev/null 2>&1 || npm ci --no-audit --no-fund; }

## The package, packed and installed into a fresh project, in Node, workerd and Chromium.
js-test: wasm browser-deps
	bash $(JS_TESTS)/run.sh

# Debian's Chromium for the browser tests (playwright-core drives it; no browser download).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser-deps:
	command -v chromium >/dev/null || { $(SUDO) apt-get update && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y chromium; }

## make bench: criterion benchmarks of the native verifier (cached key), then the npm
## package against jose, fast-jwt and jsonwebtoken in Node, and the .wasm sizes.
bench: bench-rust bench-js bench-signer

## The signer against ministack next to a bare aws-sdk-kms loop (signer/benches/kms.rs).
bench-signer: deps
	CARGO_PROFILE_BENCH_LTO=false CARGO_PROFILE_BENCH_CODEGEN_UNITS=16 $(CARGO) bench -p kmsjwt --bench kms

## A 30 s load run (wrk) against `kmsjwt serve` backed by ministack on 127.0.0.1: requests/s,
## p50/p99, errors, memory before and after (signer/benches/serve.sh; installs wrk if missing).
.PHONY: bench-serve
bench-serve: deps
	bash signer/benches/serve.sh

bench-rust:
	$(CARGO) bench -p kmsjwt-verify --bench verify

## Three runs of the JS benchmark (RUNS=n for more) and their summary, then sizes and startup.
bench-js: wasm
	cd verifier-wasm/bench && { npm ls --depth=0 >/dev/null 2>&1 || npm ci --no-audit --no-fund; } && node runs.mjs
	bash verifier-wasm/bench/sizes.sh
	$(MAKE) --no-print-directory bench-startup

## Startup of a Worker in workerd (its binary, run directly) with and without the package,
## then the steps of a first verification timed inside V8 (Node), the wasm each step
## compiles, and the one-off cost of the curves' fixed-base tables.
bench-startup: wasm
	cd verifier-wasm/bench && { npm ls --depth=0 >/dev/null 2>&1 || npm ci --no-audit --no-fund; } && \
	  node startup.mjs && node startup-v8.mjs && node startup-path.mjs && node tables.mjs

## make www: the JWT inspector page with a copy of the package, in www/dist (a static
## folder any host can serve). make www-serve serves it on 127.0.0.1 (WWW_PORT, default 8080).
.PHONY: www www-serve www-test www-screenshot
WWW_PORT ?= 8080

www: wasm
	bash www/build.sh

www-serve: www
	WWW_PORT=$(WWW_PORT) node www/serve.mjs www/dist

## The page in headless Chromium (and its pure modules in Node).
www-test: www browser-deps
	node --test --test-concurrency=1 --test-reporter=spec www/tests/*.test.mjs

## docs/inspector.png and docs/inspector-dark.png, taken with Chromium.
www-screenshot: www browser-deps
	node www/tests/screenshot.mjs

## The Cloudflare Worker example (examples/cloudflare-worker) in workerd, offline.
.PHONY: example-test
example-test: wasm
	node --test --test-reporter=spec examples/cloudflare-worker/test/*.test.mjs

## make demo: the whole idea on this machine with a local KMS (demo/run.sh): keys, tokens,
## jwks.json, verification in Node and in workerd, and the inspector page. Ctrl-C stops it;
## DEMO_EXIT=1 runs it through and exits.
.PHONY: demo demo-test
demo:
	bash demo/run.sh

## make demo end to end: non-interactive; interactive with the page in Chromium, then Ctrl-C;
## output into a closed pipe. Each time nothing it started may be left running.
demo-test: wasm browser-deps
	node --test --test-concurrency=1 --test-reporter=spec tests/demo.test.mjs
