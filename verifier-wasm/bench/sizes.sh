#!/usr/bin/env bash
# The package's .wasm sizes, raw and gzip -9: the full build and one per algorithm family,
# each as the SIMD build (what current runtimes load) and the baseline build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "| build | SIMD .wasm raw | gzip -9 | baseline .wasm raw | gzip -9 |"
echo "|---|---|---|---|---|"
for build in "full:" "RSA only:rsa" "EC only:ecdsa" "Ed25519 only:eddsa" "ML-DSA only:mldsa"; do
  name="${build%%:*}"
  features="${build#*:}"
  bash "$here/../build-pkg.sh" "$out/$features" $features >/dev/null 2>&1
  simd="$out/$features/kmsjwt_verify_bg.wasm"
  baseline="$out/$features/kmsjwt_verify_baseline_bg.wasm"
  printf '| %s | %s B | %s B | %s B | %s B |\n' "$name" \
    "$(wc -c < "$simd")" "$(gzip -9 -c "$simd" | wc -c)" \
    "$(wc -c < "$baseline")" "$(gzip -9 -c "$baseline" | wc -c)"
done
