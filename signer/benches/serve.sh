#!/usr/bin/env bash
# Load run against `kmsjwt serve` backed by ministack on 127.0.0.1 (make bench-serve).
# Measured, never asserted. Prints requests/s, p50/p99 latency, errors (with their codes from
# /metrics) and the service's memory (VmRSS) before and after, as a README table row.
#
#   BENCH_SECONDS (30)      length of the token run
#   BENCH_CONNECTIONS (32)  concurrent connections (wrk -c)
#   BENCH_SPEC (ECC_NIST_P256)  the KMS key spec
#
# The service is the release binary built with LTO off and 16 codegen units (as make
# bench-signer does: a cold LTO build of the AWS SDK takes about 20 min on this machine).
set -euo pipefail
trap 'echo "serve.sh: failed at line $LINENO" >&2' ERR

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
seconds="${BENCH_SECONDS:-30}"
connections="${BENCH_CONNECTIONS:-32}"
spec="${BENCH_SPEC:-ECC_NIST_P256}"
target="${CARGO_TARGET_DIR:-$repo/target}"

command -v wrk >/dev/null || {
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get install -y wrk >/dev/null || { $sudo apt-get update >/dev/null && $sudo apt-get install -y wrk >/dev/null; }
}
venv="$(bash "$repo/tests/ministack.sh")"
CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
  cargo build --release -q -p kmsjwt --bin kmsjwt
kmsjwt="$target/release/kmsjwt"

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; echo "nothing listens on $1" >&2; return 1; }

kms_port="$(free_port)"
BIND_HOST=127.0.0.1 GATEWAY_PORT="$kms_port" SERVICES=kms IOT_MTLS_ENABLED=0 SFTP_ENABLED=0 \
  LOG_LEVEL=WARNING "$venv/bin/ministack" >"$work/ministack.log" 2>&1 &
pids+=($!)
wait_port "$kms_port"
export AWS_ENDPOINT_URL_KMS="http://127.0.0.1:$kms_port" AWS_ACCESS_KEY_ID=test \
  AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true

key_id="$("$kmsjwt" create-key --spec "$spec" 2>/dev/null)"
made="$("$kmsjwt" api-key 2>/dev/null)"   # the key, then its api_key_sha256 line
api_key="$(sed -n 1p <<<"$made")"
hash_line="$(sed -n 2p <<<"$made")"
cat >"$work/kmsjwt.toml" <<EOF
issuer = "https://issuer.bench"
[key]
id = "$key_id"
[[clients]]
name = "bench"
$hash_line
audiences = ["api://bench"]
max_concurrency = 1024
EOF
KMSJWT_LOG=warn "$kmsjwt" serve --config "$work/kmsjwt.toml" --listen 127.0.0.1:0 2>"$work/serve.log" &
serve_pid=$!
pids+=("$serve_pid")
for _ in $(seq 1200); do grep -q "listening on" "$work/serve.log" && break; sleep 0.05; done
port="$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$work/serve.log" | sed 's/.*://')" || {
  echo "kmsjwt serve did not start:" >&2; cat "$work/serve.log" >&2; exit 1
}
url="http://127.0.0.1:$port"
rss() { awk '/VmRSS/ {print $2}' "/proc/$serve_pid/status"; }
# The service's CPU time so far (user + system), in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$serve_pid/stat"; }
ticks_per_second="$(getconf CLK_TCK)"

cat >"$work/tokens.lua" <<EOF
wrk.method = "POST"
wrk.body = '{"claims": {"sub": "user-1", "scope": "read"}, "ttl": "5m"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $api_key"
EOF

# One token first: the service works, and the first KMS connection is made.
curl -sf -X POST "$url/v1/tokens" -H "Authorization: Bearer $api_key" -d '{}' >/dev/null
rss_before="$(rss)"
cpu_before="$(cpu_ticks)"
echo "kmsjwt serve $url, $spec key, ministack on 127.0.0.1:$kms_port; RSS $rss_before KiB" >&2
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/tokens.lua" "$url/v1/tokens" | tee "$work/tokens.txt" >&2
rss_after="$(rss)"
cpu_after="$(cpu_ticks)"
wrk -t2 -c"$connections" -d10s --latency "$url/.well-known/jwks.json" >"$work/jwks.txt"
rss_jwks="$(rss)"

field() { awk -v key="$1" '$1 == key {print $2}' "$2"; }
rps="$(awk '/Requests\/sec/ {print $2}' "$work/tokens.txt")"
total="$(awk '/requests in/ {print $1}' "$work/tokens.txt")"
non2xx="$(awk '/Non-2xx/ {print $5}' "$work/tokens.txt")"
socket_errors="$(grep -o 'Socket errors:.*' "$work/tokens.txt" || echo none)"
errors="$(curl -s "$url/metrics" | awk '/^kmsjwt_errors_total/ {print}' | tr '\n' ' ')"
echo
cpu_us=$(( (cpu_after - cpu_before) * 1000000 / ticks_per_second / total ))
echo "| run | requests/s | p50 | p99 | requests | non-2xx | service CPU µs/request | RSS before -> after |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
echo "| POST /v1/tokens ($spec), ${seconds} s, $connections connections | $rps | $(field 50% "$work/tokens.txt") | $(field 99% "$work/tokens.txt") | $total | ${non2xx:-0} | $cpu_us | $((rss_before / 1024)) -> $((rss_after / 1024)) MiB |"
echo "| GET /.well-known/jwks.json, 10 s, $connections connections | $(awk '/Requests\/sec/ {print $2}' "$work/jwks.txt") | $(field 50% "$work/jwks.txt") | $(field 99% "$work/jwks.txt") | $(awk '/requests in/ {print $1}' "$work/jwks.txt") | $(awk '/Non-2xx/ {print $5}' "$work/jwks.txt" | grep . || echo 0) | | -> $((rss_jwks / 1024)) MiB |"
echo
echo "socket errors: $socket_errors"
echo "errors by code (/metrics): ${errors:-none}"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
