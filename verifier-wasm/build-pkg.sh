#!/usr/bin/env bash
# Builds the npm package into verifier-wasm/pkg: the core compiled to wasm32 with and
# without SIMD, its wasm-bindgen glue, wasm-opt, and the hand-written entry points from js/.
# Run through `make wasm`, which installs the tools this needs.
#   build-pkg.sh                         the full package, into verifier-wasm/pkg
#   build-pkg.sh OUT_DIR FEATURE,...     a build with only those algorithm families
#   KEEP_NAMES=1 build-pkg.sh OUT_DIR    the same modules with their function names kept
#                                        (bench/size-breakdown.sh), larger on disk
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
pkg="${1:-$root/verifier-wasm/pkg}"
tools="$root/verifier-wasm/js-tests/node_modules/.bin"

# Two builds of the same code: with wasm SIMD (RSA's Montgomery products, about 2x faster)
# and without, for runtimes that lack it; the entry points pick one at load time. The SIMD
# build has a target folder of its own, since its flags differ.
features=()
[ -n "${2:-}" ] && features=(--no-default-features --features "$2")
cargo build --profile wasm --target wasm32-unknown-unknown -p kmsjwt-verify --lib "${features[@]}"
RUSTFLAGS="-C target-feature=+simd128" CARGO_TARGET_DIR="$target/wasm-simd" \
  cargo build --profile wasm --target wasm32-unknown-unknown -p kmsjwt-verify --lib "${features[@]}"
rm -rf "$pkg"
mkdir -p "$pkg/baseline"
keep_names=() opt_keep_names=()
[ -n "${KEEP_NAMES:-}" ] && keep_names=(--keep-debug) opt_keep_names=(-g)
bindgen() {
  wasm-bindgen --target web --no-typescript "${keep_names[@]}" --out-dir "$2" --out-name kmsjwt_verify "$1"
  # npm's binaryen (Debian's is too old and breaks modules, see NOTES). -ocimfs: by default
  # -O3 inlines every function that has one caller, whatever its size, which made the
  # exports 33-56 KB functions holding every algorithm's code; V8 compiles a function on its
  # first call, so the first key and verification compiled all of it (startup-v8.mjs:
  # 28-31 -> 16-20 ms to the first verification, same speed and size after).
  "$tools/wasm-opt" -O3 -ocimfs=200 "${opt_keep_names[@]}" "$2/kmsjwt_verify_bg.wasm" -o "$2/kmsjwt_verify_bg.wasm"
}
bindgen "$target/wasm32-unknown-unknown/wasm/kmsjwt_verify.wasm" "$pkg/baseline"
bindgen "$target/wasm-simd/wasm32-unknown-unknown/wasm/kmsjwt_verify.wasm" "$pkg"
# One JS glue serves both: the builds export and import the same functions.
cmp -s "$pkg/kmsjwt_verify.js" "$pkg/baseline/kmsjwt_verify.js" ||
  { echo "the SIMD and baseline builds need different JS glue" >&2; exit 1; }
mv "$pkg/baseline/kmsjwt_verify_bg.wasm" "$pkg/kmsjwt_verify_baseline_bg.wasm"
rm -r "$pkg/baseline"
cp "$root"/verifier-wasm/js/{api.js,simd.js,browser.js,node.js,workerd.js,index.d.ts,package.json,README.md} "$pkg/"
for wasm in kmsjwt_verify_bg.wasm kmsjwt_verify_baseline_bg.wasm; do
  echo "built $pkg/$wasm: $(wc -c < "$pkg/$wasm") bytes, $(gzip -9 -c "$pkg/$wasm" | wc -c) bytes gzip -9"
done
