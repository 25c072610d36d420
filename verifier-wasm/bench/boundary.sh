#!/usr/bin/env bash
# Builds the package with the boundary experiment and runs bench/boundary.mjs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
bash "$here/../build-pkg.sh" "$out" rsa,ecdsa,eddsa,boundary-experiment >/dev/null
node "$here/boundary.mjs" "$out" "$here/../../tests/vectors/verify.json"
