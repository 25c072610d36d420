#!/usr/bin/env bash
# Where the package's SIMD .wasm spends its bytes: build-pkg.sh with the function names
# kept (KEEP_NAMES), then the data size, code per crate and the largest functions
# (wasm_sizes.py). Names change the raw size, not which functions exist or their bodies.
#   bash size-breakdown.sh [TOP_FUNCTIONS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
KEEP_NAMES=1 bash "$here/../build-pkg.sh" "$out/pkg" >/dev/null
python3 "$here/wasm_sizes.py" "$out/pkg/kmsjwt_verify_bg.wasm" "${1:-30}"
