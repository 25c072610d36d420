#!/usr/bin/env bash
# Regenerates the JWT interop fixtures in tests/interop/fixtures/ with jose
# (Node) and PyJWT (Python), then checks every token with jose / node:crypto.
# Usage (from anywhere): bash tests/interop/regen.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

echo "== npm ci (jose, pinned in package-lock.json)"
npm ci --no-audit --no-fund

echo "== python venv .venv (requirements.txt)"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --disable-pip-version-check -q -r requirements.txt

mkdir -p fixtures

echo "== generate.mjs (jose + node:crypto)"
node generate.mjs

echo "== generate.py (PyJWT)"
.venv/bin/python generate.py

echo "== check.mjs"
node check.mjs
