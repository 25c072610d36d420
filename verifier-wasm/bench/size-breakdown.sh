#!/usr/bin/env bash
# Where the package's SIMD .wasm spends its bytes: builds it as build-pkg.sh does but keeps
# the function names (wasm-bindgen --keep-debug, wasm-opt -g), then prints the data size,
# code per crate and the largest functions (wasm_sizes.py). Names change the raw size, not
# which functions exist or their bodies.
#   bash size-breakdown.sh [TOP_FUNCTIONS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
RUSTFLAGS="-C target-feature=+simd128" CARGO_TARGET_DIR="$target/wasm-simd" \
  cargo build --profile wasm --target wasm32-unknown-unknown -p kmsjwt-verify --lib
wasm-bindgen --target web --no-typescript --keep-debug --out-dir "$out" --out-name named \
  "$target/wasm-simd/wasm32-unknown-unknown/wasm/kmsjwt_verify.wasm"
"$root/verifier-wasm/js-tests/node_modules/.bin/wasm-opt" -g -O3 -ocimfs=200 \
  "$out/named_bg.wasm" -o "$out/named.wasm"
python3 "$here/wasm_sizes.py" "$out/named.wasm" "${1:-30}"
