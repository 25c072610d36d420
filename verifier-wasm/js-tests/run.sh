#!/usr/bin/env bash
# Packs verifier-wasm/pkg with `npm pack`, installs the tarball into a fresh consumer
# project in a temp dir, and runs the *.test.mjs files against it (Node, workerd,
# Chromium, TypeScript). Run through `make js-test`, which builds the package first.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
consumer="$(mktemp -d "${TMPDIR:-/tmp}/kmsjwt-consumer.XXXXXX")"
trap 'rm -rf "$consumer"' EXIT

(cd "$root/verifier-wasm/pkg" && npm pack --silent --pack-destination "$consumer" >/dev/null)
cd "$consumer"
printf '{ "name": "consumer", "private": true, "type": "module" }\n' > package.json
npm install --no-audit --no-fund --offline ./kmsjwt-verify-*.tgz >/dev/null
cp -r "$here/fixtures/." "$consumer/"
cp "$here/suite.mjs" "$root/tests/vectors/verify.json" "$consumer/"
echo 'export * from "kmsjwt-verify";' > entry.mjs
echo "consumer project with $(ls ./kmsjwt-verify-*.tgz) installed in $consumer"

KMSJWT_CONSUMER="$consumer" node --test --test-concurrency=1 --test-reporter=spec "$here"/*.test.mjs
