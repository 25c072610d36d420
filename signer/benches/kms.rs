//! Signer throughput against a local KMS (ministack), measured, never asserted:
//!
//! - `kmsjwt sign --batch` tokens/s next to a bare `aws-sdk-kms` Sign loop at the same
//!   concurrency (their ratio is kmsjwt's overhead: claims, hashing, DER conversion, the
//!   local self-check, JSON lines);
//! - the CPU time of the `kmsjwt` process per token;
//! - one `kmsjwt sign` process, start to token.
//!
//! Run: `cargo bench -p kmsjwt --bench kms` (`KMSJWT_BENCH_TOKENS`, `KMSJWT_BENCH_CONCURRENCY`
//! and `KMSJWT_BENCH_SPECS` change the defaults). Needs the ministack venv
//! (tests/ministack.sh). Prints a Markdown table.

#[path = "../tests/kms/common.rs"]
mod common;

use std::time::{Duration, Instant};

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{MessageType, SigningAlgorithmSpec};
use common::{KMSJWT, Ministack};
use futures_util::stream::{self, StreamExt};
use kmsjwt_verify::Alg;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// CPU seconds (user + system) from /proc/self/stat: this process's own, and that of its
/// waited-for children.
fn cpu_seconds() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    // Fields after the command name start at 3 (state); utime, stime, cutime and cstime
    // are 14 to 17, in clock ticks (100 per second on Linux).
    let ticks = |index: usize| {
        fields
            .get(index - 3)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (
        (ticks(14) + ticks(15)) / 100.0,
        (ticks(16) + ticks(17)) / 100.0,
    )
}

/// Sign calls per second with the SDK alone, and this process's CPU µs per call.
fn bare_sdk_loop(
    server: &Ministack,
    key_arn: &str,
    alg: Alg,
    tokens: usize,
    concurrency: usize,
) -> (f64, f64) {
    let client = server.admin();
    let digest = alg
        .hash()
        .map(|hash| hash.digest(b"benchmark signing input"));
    let cpu_before = cpu_seconds().0;
    let started = Instant::now();
    common::block_on(async {
        stream::iter(0..tokens)
            .map(|_| {
                let request = client
                    .sign()
                    .key_id(key_arn)
                    .signing_algorithm(SigningAlgorithmSpec::from(alg.kms_signing_algorithm()));
                let request = match &digest {
                    Some(digest) => request
                        .message(Blob::new(digest.clone()))
                        .message_type(MessageType::Digest),
                    None => request
                        .message(Blob::new(b"benchmark signing input".to_vec()))
                        .message_type(MessageType::Raw),
                };
                async move { request.send().await.expect("Sign") }
            })
            .buffer_unordered(concurrency)
            .count()
            .await
    });
    let rate = tokens as f64 / started.elapsed().as_secs_f64();
    (rate, (cpu_seconds().0 - cpu_before) / tokens as f64 * 1e6)
}

/// `kmsjwt sign --batch` tokens per second, and the kmsjwt process's CPU µs per token.
fn kmsjwt_batch(server: &Ministack, key_id: &str, tokens: usize, concurrency: usize) -> (f64, f64) {
    let input: String = (0..tokens)
        .map(|i| format!("{{\"sub\":\"user-{i}\",\"n\":{i}}}\n"))
        .collect();
    let cpu_before = cpu_seconds().1;
    let started = Instant::now();
    let run = server.kmsjwt_with_stdin(
        &[
            "sign",
            "--key-id",
            key_id,
            "--batch",
            "--concurrency",
            &concurrency.to_string(),
        ],
        &input,
    );
    let elapsed = started.elapsed().as_secs_f64();
    run.assert_success();
    let cpu = cpu_seconds().1 - cpu_before;
    (tokens as f64 / elapsed, cpu / tokens as f64 * 1e6)
}

/// Median wall time of one `kmsjwt sign` process, start to token.
fn one_process(server: &Ministack, key_id: &str) -> Duration {
    let mut times: Vec<Duration> = (0..7)
        .map(|_| {
            let started = Instant::now();
            server.kmsjwt(&["sign", "--key-id", key_id]).token();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() {
    if std::env::args().any(|arg| arg == "--list") {
        return;
    }
    let tokens = env_or("KMSJWT_BENCH_TOKENS", 2000);
    let concurrency = env_or("KMSJWT_BENCH_CONCURRENCY", 32);
    let specs = std::env::var("KMSJWT_BENCH_SPECS")
        .unwrap_or_else(|_| "ECC_NIST_P256,RSA_2048,ECC_NIST_EDWARDS25519".to_owned());
    let server = Ministack::start();
    println!(
        "kmsjwt {KMSJWT}: {tokens} tokens per run, concurrency {concurrency}, ministack on \
         127.0.0.1; best of 2 alternating runs"
    );
    println!();
    println!(
        "| key spec (alg) | bare aws-sdk-kms Sign/s | kmsjwt sign --batch tokens/s | ratio | \
         bare SDK CPU µs/call | kmsjwt CPU µs/token | one `kmsjwt sign` (median of 7) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for spec in specs.split(',') {
        let key = server.create_key(spec, None);
        let alg = kmsjwt::kms::key_spec::key_type(spec)
            .expect("a signing spec")
            .default_alg();
        // Warm both paths (connections, ministack's key cache), then take the best of two
        // alternating runs each, so that a burst of other load hurts neither side alone.
        bare_sdk_loop(&server, &key.arn, alg, concurrency, concurrency);
        let (mut bare, mut bare_cpu) = (0.0f64, f64::MAX);
        let (mut batch, mut batch_cpu) = (0.0f64, f64::MAX);
        for _ in 0..2 {
            let (rate, cpu) = bare_sdk_loop(&server, &key.arn, alg, tokens, concurrency);
            (bare, bare_cpu) = (bare.max(rate), bare_cpu.min(cpu));
            let (rate, cpu) = kmsjwt_batch(&server, &key.key_id, tokens, concurrency);
            (batch, batch_cpu) = (batch.max(rate), batch_cpu.min(cpu));
        }
        let single = one_process(&server, &key.key_id);
        println!(
            "| {spec} ({alg}) | {bare:.0} | {batch:.0} | {:.2} | {bare_cpu:.0} | {batch_cpu:.0} | \
             {:.0} ms |",
            batch / bare,
            single.as_secs_f64() * 1e3
        );
    }
}
