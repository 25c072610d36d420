#!/usr/bin/env bash
# `make demo`: the whole idea on one machine, without an AWS account.
#
#   1. install and build what is missing (kmsjwt CLI, the npm package, the local KMS)
#   2. start a local KMS (ministack) on 127.0.0.1
#   3. create RSA_2048, ECC_NIST_P256 and ECC_NIST_EDWARDS25519 keys, with aliases
#   4. sign a token with each key, and write jwks.json with `kmsjwt jwks`
#   5. verify each token with the npm package in Node
#   6. verify each token through the example Worker (examples/cloudflare-worker) in workerd
#   7. serve the inspector page with the first token and the JWK Set in the URL fragment
#
# Everything it starts runs in its own process group and is stopped on exit or Ctrl-C.
# DEMO_EXIT=1 runs the same steps, checks that the page answers, stops and exits 0.
# DEMO_OUT=DIR writes the outputs elsewhere (default demo/out). DEMO_PORT fixes the
# page's port (default: a free one).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
demo="$root/demo"
out="${DEMO_OUT:-$demo/out}"
target="${CARGO_TARGET_DIR:-$root/target}"
kmsjwt="$target/debug/kmsjwt"
issuer="https://issuer.example"
audience="example-api"
started=$SECONDS

step_number=0
step() {
  step_number=$((step_number + 1))
  printf '\n==> [%d/7] %s\n' "$step_number" "$*"
}
info() { printf '    %s\n' "$*"; }

# kmsjwt ARGS: the CLI, its stderr shown only when it fails.
kmsjwt() {
  "$kmsjwt" "$@" 2>"$out/kmsjwt.err" || {
    local status=$?
    cat "$out/kmsjwt.err" >&2
    return "$status"
  }
}

# Process groups started by this script, stopped by cleanup().
groups=()

# start NAME LOG COMMAND...: runs COMMAND in a new session (its own process group) and
# records the group. The group id is written by the session leader itself, so it is
# right whether or not setsid had to fork.
start() {
  local name="$1" log="$2"
  shift 2
  local pidfile="$out/$name.pgid"
  rm -f "$pidfile"
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@" </dev/null >"$log" 2>&1 &
  local waited=0
  while [ ! -s "$pidfile" ]; do
    sleep 0.05
    waited=$((waited + 1))
    [ "$waited" -lt 100 ] || { echo "could not start $name" >&2; exit 1; }
  done
  groups+=("$(cat "$pidfile")")
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM HUP
  trap "" PIPE # stdout may be gone (a closed pipe): still stop everything
  if [ "${#groups[@]}" -gt 0 ]; then
    printf '\n==> stopping what the demo started (process groups %s)\n' "${groups[*]}" 2>/dev/null || true
    local group
    for group in "${groups[@]}"; do kill -TERM -- "-$group" 2>/dev/null || true; done
    for _ in $(seq 50); do
      local alive=0
      for group in "${groups[@]}"; do kill -0 -- "-$group" 2>/dev/null && alive=1; done
      [ "$alive" = 0 ] && break
      sleep 0.1
    done
    for group in "${groups[@]}"; do kill -KILL -- "-$group" 2>/dev/null || true; done
  fi
  exit "$status"
}
trap cleanup EXIT
# Ctrl-C while serving is the normal end of the demo (exit 0); earlier it is an interruption.
serving=0
trap 'if [ "$serving" = 1 ]; then exit 0; else exit 130; fi' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_port PORT NAME LOG: until the process group started last accepts connections on
# 127.0.0.1:PORT (and fails if it exited, e.g. because another program holds the port).
wait_port() {
  local group="${groups[${#groups[@]} - 1]}"
  for _ in $(seq 600); do
    if ! kill -0 -- "-$group" 2>/dev/null; then
      echo "$2 exited; its log ($3):" >&2
      cat "$3" >&2
      exit 1
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
      sleep 0.2
      kill -0 -- "-$group" 2>/dev/null && return 0
    fi
    sleep 0.05
  done
  echo "$2 did not listen on 127.0.0.1:$1 within 30 s; its log ($3):" >&2
  cat "$3" >&2
  exit 1
}

mkdir -p "$out"
rm -f "$out"/*.pgid

# ---------------------------------------------------------------------------------------
step "Installing and building what is missing"
if ! (cd "$root/verifier-wasm/js-tests" && npm ls --depth=0 >/dev/null 2>&1); then
  info "installing the JS tooling (make js-deps)"
  make -C "$root" --no-print-directory js-deps
fi
info "JS tooling (esbuild, Miniflare 4): verifier-wasm/js-tests/node_modules"

pkg="$root/verifier-wasm/pkg"
stale=""
if [ -f "$pkg/kmsjwt_verify_bg.wasm" ] && [ -f "$pkg/package.json" ]; then
  stale="$(find "$root/verifier-wasm/src" "$root/verifier-wasm/js" \
    "$root/verifier-wasm/Cargo.toml" "$root/Cargo.lock" \
    -newer "$pkg/kmsjwt_verify_bg.wasm" -print -quit)"
else
  stale="missing"
fi
if [ -n "$stale" ]; then
  info "building the npm package kmsjwt-verify (make wasm; a few minutes the first time)"
  make -C "$root" --no-print-directory wasm
fi
info "npm package: verifier-wasm/pkg"

info "building the kmsjwt CLI (cargo build -p kmsjwt, dev profile; minutes the first time)"
(cd "$root" && "${CARGO:-cargo}" build -p kmsjwt --quiet)
info "CLI: $kmsjwt"

venv="$(bash "$root/tests/ministack.sh")"
info "local KMS (ministack): $venv"

# The Node app: the package packed and installed like any user installs it. Reinstalled
# only when the package changed.
app="$out/node-app"
pkg_hash="$(cd "$pkg" && cat package.json ./*.js ./*.wasm ./*.d.ts | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$app/.installed" 2>/dev/null)" = "$pkg_hash" ]; then
  info "Node app (reused, the package is unchanged): $app"
else
  rm -rf "$app"
  mkdir -p "$app"
  (cd "$pkg" && npm pack --silent --pack-destination "$app" >/dev/null)
  printf '{ "name": "kmsjwt-demo-app", "private": true, "type": "module" }\n' >"$app/package.json"
  (cd "$app" && npm install --no-audit --no-fund --offline ./kmsjwt-verify-*.tgz >/dev/null)
  echo "$pkg_hash" >"$app/.installed"
  info "Node app (installed the packed package, npm pack + npm install): $app"
fi
cp "$demo/verify-node.mjs" "$app/"

# ---------------------------------------------------------------------------------------
step "Starting the local KMS (ministack) on 127.0.0.1"
kms_port="$(free_port)"
start ministack "$out/ministack.log" env BIND_HOST=127.0.0.1 GATEWAY_PORT="$kms_port" \
  SERVICES=kms IOT_MTLS_ENABLED=0 SFTP_ENABLED=0 LOG_LEVEL=WARNING "$venv/bin/ministack"
wait_port "$kms_port" ministack "$out/ministack.log"
export AWS_ENDPOINT_URL_KMS="http://127.0.0.1:$kms_port" AWS_ACCESS_KEY_ID=test \
  AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
info "KMS endpoint: $AWS_ENDPOINT_URL_KMS (log: $out/ministack.log)"

# ---------------------------------------------------------------------------------------
step "Creating KMS keys (kmsjwt create-key)"
specs=(RSA_2048 ECC_NIST_P256 ECC_NIST_EDWARDS25519)
aliases=(alias/demo-rsa alias/demo-p256 alias/demo-ed25519)
for i in "${!specs[@]}"; do
  key_id="$(kmsjwt create-key --spec "${specs[$i]}" --alias "${aliases[$i]}" \
    --description "kmsjwt demo")"
  info "$(printf '%-22s %-19s key id %s' "${specs[$i]}" "${aliases[$i]}" "$key_id")"
done

# ---------------------------------------------------------------------------------------
step "Signing a token with each key (kmsjwt sign) and writing jwks.json (kmsjwt jwks)"
info "claims: iss=$issuer aud=$audience sub=demo-user scope=read:demo, valid for 1 h"
tokens="$out/tokens.txt"
: >"$tokens"
for alias in "${aliases[@]}"; do
  token="$(kmsjwt sign --key-id "$alias" --iss "$issuer" --aud "$audience" \
    --sub demo-user --ttl 1h --claims '{"scope":"read:demo"}')"
  alg="$(node -e 'const [h] = process.argv[1].split("."); console.log(JSON.parse(Buffer.from(h, "base64url")).alg)' "$token")"
  echo "$alg $alias $token" >>"$tokens"
  info "$alg token from $alias:"
  info "$token"
done
kmsjwt jwks "${aliases[@]/#/--key-id=}" >"$out/jwks.json"
info "$out/jwks.json: $(node -e 'const s = require(process.argv[1]); console.log(s.keys.length + " keys: " + s.keys.map((k) => k.alg + " kid " + k.kid).join(", "))' "$out/jwks.json")"

# ---------------------------------------------------------------------------------------
step "Verifying each token in Node with the npm package (import { Verifier } from \"kmsjwt-verify\")"
node "$app/verify-node.mjs" "$out/jwks.json" "$tokens" "$issuer" "$audience"

# ---------------------------------------------------------------------------------------
step "Verifying each token through the example Worker in workerd (examples/cloudflare-worker)"
node "$demo/verify-workerd.mjs" "$out/jwks.json" "$tokens" "$issuer" "$audience" \
  "$app/node_modules"

# ---------------------------------------------------------------------------------------
step "Serving the inspector page with the first token and the JWK Set"
# The inspector (www/, the static page of `make www`), built from the package checked above
# into the demo's folder and served by its own server on 127.0.0.1.
page_dir="$out/www"
bash "$root/www/build.sh" "$page_dir" >"$out/www-build.log"
page_port="${DEMO_PORT:-$(free_port)}"
start page "$out/page.log" env WWW_PORT="$page_port" node "$root/www/serve.mjs" "$page_dir"
wait_port "$page_port" "the page server" "$out/page.log"
url="$(node -e '
  const [origin, first, jwks] = process.argv.slice(1);
  const token = first.split(" ")[2];
  const key = JSON.stringify(JSON.parse(require("fs").readFileSync(jwks, "utf8")));
  console.log(`${origin}/#token=${token}&key=${encodeURIComponent(key)}`);
' "http://127.0.0.1:$page_port" "$(head -n 1 "$tokens")" "$out/jwks.json")"
echo "$url" >"$out/url.txt"
info "page: $page_dir (built by www/build.sh, served by www/serve.mjs; log: $out/page.log)"
printf '\n    Open this URL (the token and the JWK Set are in the fragment, never sent to the server):\n\n%s\n\n' "$url"
info "outputs in $out (tokens.txt, jwks.json, url.txt); ready in $((SECONDS - started)) s"

if [ "${DEMO_EXIT:-0}" = 1 ]; then
  node -e 'fetch(process.argv[1]).then((r) => { if (r.status !== 200) { console.error(`the page answered ${r.status}`); process.exit(1); } })' \
    "http://127.0.0.1:$page_port/"
  info "DEMO_EXIT=1: the page answered 200; stopping"
  exit 0
fi

info "try the CLI against the same KMS in another shell:"
info "  export AWS_ENDPOINT_URL_KMS=$AWS_ENDPOINT_URL_KMS AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1"
info "  $kmsjwt sign --key-id alias/demo-p256 --sub you | $kmsjwt verify --key $out/jwks.json -"
info "Ctrl-C stops the KMS and the page server."
serving=1
while kill -0 -- "-${groups[1]}" 2>/dev/null; do
  sleep 1 &
  wait $! || true
done
echo "the page server stopped; its log: $out/page.log" >&2
exit 1
