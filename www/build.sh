#!/usr/bin/env bash
# Builds the inspector into a self-contained static folder (default www/dist): the
# page, its modules, and a copy of the kmsjwt-verify package from verifier-wasm/pkg.
# Run through `make www`, which builds the package first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pkg="$root/verifier-wasm/pkg"
dist="${1:-$root/www/dist}"

files=(browser.js simd.js api.js kmsjwt_verify.js kmsjwt_verify_bg.wasm
  kmsjwt_verify_baseline_bg.wasm package.json)
for file in "${files[@]}"; do
  [ -f "$pkg/$file" ] || { echo "missing $pkg/$file: run make wasm" >&2; exit 1; }
done
rm -rf "$dist"
mkdir -p "$dist/kmsjwt-verify"
cp "$root"/www/{index.html,style.css,app.js,claims.js,errors.js,fragment.js,keys.js} "$dist/"
for file in "${files[@]}"; do cp "$pkg/$file" "$dist/kmsjwt-verify/"; done
echo "built $dist ($(du -sk "$dist" | cut -f1) KiB): serve it with make www-serve, or any static host"
