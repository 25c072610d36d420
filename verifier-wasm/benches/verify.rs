//! Verification cost per token with a cached key (`Verifier` built once), natively.
//! `cargo bench -p kmsjwt-verify --bench verify`; the README table comes from this.

use criterion::{Criterion, criterion_group, criterion_main};
use kmsjwt_verify::{Alg, Verifier, VerifyOptions};

#[path = "../tests/common/mod.rs"]
mod common;

fn verify_cached_key(c: &mut Criterion) {
    let mut group = c.benchmark_group("verify_cached_key");
    for alg in [
        Alg::RS256,
        Alg::PS256,
        Alg::ES256,
        Alg::ES384,
        Alg::ES512,
        Alg::ES256K,
        Alg::EdDSA,
        Alg::MlDsa65,
    ] {
        let token = common::token(alg, &common::claims());
        let options = VerifyOptions {
            issuer: vec!["https://issuer.example".into()],
            audience: vec!["api://test".into()],
            current_time: Some(common::NOW),
            ..VerifyOptions::default()
        };
        let verifier = Verifier::new(common::public_keys(alg), options);
        verifier.verify(&token).expect("benchmark token verifies");
        group.bench_function(alg.name(), |b| {
            b.iter(|| verifier.verify(std::hint::black_box(&token)))
        });
    }
    group.finish();
}

criterion_group!(benches, verify_cached_key);
criterion_main!(benches);
