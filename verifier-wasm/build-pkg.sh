#!/usr/bin/env bash
# Builds the npm package into verifier-wasm/pkg: the core compiled to wasm32, its
# wasm-bindgen glue, wasm-opt, and the hand-written entry points from js/.
# Run through `make wasm`, which installs the tools this needs.
#   build-pkg.sh                         the full package, into verifier-wasm/pkg
#   build-pkg.sh OUT_DIR FEATURE,...     a build with only those algorithm families
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
pkg="${1:-$root/verifier-wasm/pkg}"
tools="$root/verifier-wasm/js-tests/node_modules/.bin"

if [ -n "${2:-}" ]; then
  cargo build --profile wasm --target wasm32-unknown-unknown -p kmsjwt-verify --lib \
    --no-default-features --features "$2"
else
  cargo build --profile wasm --target wasm32-unknown-unknown -p kmsjwt-verify --lib
fi
rm -rf "$pkg"
mkdir -p "$pkg"
wasm-bindgen --target web --no-typescript --out-dir "$pkg" --out-name kmsjwt_verify \
  "$target/wasm32-unknown-unknown/wasm/kmsjwt_verify.wasm"
# npm's binaryen (Debian's is too old and breaks modules, see NOTES).
"$tools/wasm-opt" -O3 "$pkg/kmsjwt_verify_bg.wasm" -o "$pkg/kmsjwt_verify_bg.wasm"
cp "$root"/verifier-wasm/js/{api.js,browser.js,node.js,workerd.js,index.d.ts,package.json,README.md} "$pkg/"
raw=$(wc -c < "$pkg/kmsjwt_verify_bg.wasm")
gz=$(gzip -9 -c "$pkg/kmsjwt_verify_bg.wasm" | wc -c)
echo "built $pkg: kmsjwt_verify_bg.wasm $raw bytes, $gz bytes gzip -9"
