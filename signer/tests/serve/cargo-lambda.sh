#!/usr/bin/env bash
# Installs cargo-lambda (its Lambda Runtime API emulator runs the `kmsjwt lambda` tests), if
# missing, and prints the path of its binary. PyPI ships cargo-lambda as prebuilt binaries,
# so this takes seconds (building it with `cargo install` takes many minutes).
#
# Usage: signer/tests/serve/cargo-lambda.sh   -> prints e.g. /root/.cache/kmsjwt/cargo-lambda-venv/bin/cargo-lambda
#        KMSJWT_CARGO_LAMBDA_VENV=DIR signer/tests/serve/cargo-lambda.sh
set -euo pipefail

CARGO_LAMBDA_VERSION=1.9.2
venv="${KMSJWT_CARGO_LAMBDA_VENV:-$HOME/.cache/kmsjwt/cargo-lambda-venv}"
stamp="$venv/.kmsjwt-installed"

if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$CARGO_LAMBDA_VERSION" ]; then
  echo "installing cargo-lambda $CARGO_LAMBDA_VERSION into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --disable-pip-version-check -q "cargo-lambda==$CARGO_LAMBDA_VERSION" >&2
  printf '%s' "$CARGO_LAMBDA_VERSION" > "$stamp"
fi
echo "$venv/bin/cargo-lambda"
