#!/usr/bin/env bash
# Installs the local KMS used by the signer's integration tests, if missing, and prints the
# path of its Python venv (the tests read it from KMSJWT_MINISTACK or use the same default).
#
# The venv holds ministack (the KMS emulator; see shared NOTES: moto signs DIGEST requests
# wrongly, LocalStack is slow) and PyJWT with the versions pinned in
# tests/interop/requirements.txt, which the tests use as an independent verifier.
#
# Usage: tests/ministack.sh            -> prints e.g. /root/.cache/kmsjwt/ministack-venv
#        KMSJWT_MINISTACK=DIR tests/ministack.sh
set -euo pipefail

MINISTACK_VERSION=1.5.33
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${KMSJWT_MINISTACK:-$HOME/.cache/kmsjwt/ministack-venv}"
stamp="$venv/.kmsjwt-installed"
want="ministack==$MINISTACK_VERSION $(tr '\n' ' ' < "$here/interop/requirements.txt")"

if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "installing ministack $MINISTACK_VERSION and PyJWT into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --disable-pip-version-check -q \
    "ministack==$MINISTACK_VERSION" -r "$here/interop/requirements.txt" >&2
  printf '%s' "$want" > "$stamp"
fi
echo "$venv"
