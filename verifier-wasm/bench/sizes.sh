#!/usr/bin/env bash
# The package's .wasm size, raw and gzip -9, for the full build and an RSA-only build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "| build | .wasm raw | gzip -9 |"
echo "|---|---|---|"
for build in "full:" "RSA only:rsa" "EC only:ecdsa" "Ed25519 only:eddsa" "ML-DSA only:mldsa"; do
  name="${build%%:*}"
  features="${build#*:}"
  bash "$here/../build-pkg.sh" "$out/$features" $features >/dev/null 2>&1
  wasm="$out/$features/kmsjwt_verify_bg.wasm"
  printf '| %s | %s B | %s B |\n' "$name" "$(wc -c < "$wasm")" "$(gzip -9 -c "$wasm" | wc -c)"
done
