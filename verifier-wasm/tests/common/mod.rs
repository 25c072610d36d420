//! Test-only signing: builds tokens with committed test keys (tests/keys/*.pem, generated
//! with openssl for these tests only) so each rule can be exercised positively and
//! negatively.
#![allow(dead_code)]

use std::path::PathBuf;

use kmsjwt_verify::alg::{MlDsaLevel, Scheme};
use kmsjwt_verify::{Alg, HashAlg, KeySet, base64url};
use pkcs8::DecodePrivateKey;
use serde_json::Value;

pub fn key_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/keys")
        .join(name)
}

pub fn read_key(name: &str) -> String {
    std::fs::read_to_string(key_path(name)).expect("test key file")
}

/// The test key file (without `.pem`) whose type fits `alg`.
pub fn key_name(alg: Alg) -> &'static str {
    match alg.scheme() {
        Scheme::RsaPkcs1v15(_) | Scheme::RsaPss(_) => "rsa2048",
        Scheme::Ecdsa(kmsjwt_verify::Curve::P256, _) => "p256",
        Scheme::Ecdsa(kmsjwt_verify::Curve::P384, _) => "p384",
        Scheme::Ecdsa(kmsjwt_verify::Curve::P521, _) => "p521",
        Scheme::Ecdsa(kmsjwt_verify::Curve::Secp256k1, _) => "secp256k1",
        Scheme::Ed25519 => "ed25519",
        Scheme::MlDsa(_) => "(generated from a fixed seed)",
    }
}

/// The public key (SPKI PEM) that verifies tokens signed by [`sign`] with `alg`.
pub fn public_pem(alg: Alg) -> String {
    match alg.scheme() {
        Scheme::MlDsa(level) => ml_dsa_public_pem(level),
        _ => read_key(&format!("{}.pub.pem", key_name(alg))),
    }
}

/// ML-DSA test keys come from a fixed seed (openssl 3.0 has no ML-DSA to make PEM files).
const ML_DSA_SEED: [u8; 32] = *b"kmsjwt ML-DSA test key, not real";

fn ml_dsa_public_key(level: MlDsaLevel) -> Vec<u8> {
    ml_dsa_public_key_from_seed(level, &ML_DSA_SEED)
}

fn ml_dsa_sign(level: MlDsaLevel, message: &[u8]) -> Vec<u8> {
    ml_dsa_sign_with_seed(level, &ML_DSA_SEED, message)
}

/// The encoded public key of the ML-DSA key with this 32-byte seed (FIPS 204 `xi`).
pub fn ml_dsa_public_key_from_seed(level: MlDsaLevel, seed: &[u8; 32]) -> Vec<u8> {
    use ml_dsa::{ExpandedSigningKey as SigningKey, MlDsa44, MlDsa65, MlDsa87};
    let seed = (*seed).into();
    match level {
        MlDsaLevel::L44 => SigningKey::<MlDsa44>::from_seed(&seed)
            .verifying_key()
            .encode()
            .to_vec(),
        MlDsaLevel::L65 => SigningKey::<MlDsa65>::from_seed(&seed)
            .verifying_key()
            .encode()
            .to_vec(),
        MlDsaLevel::L87 => SigningKey::<MlDsa87>::from_seed(&seed)
            .verifying_key()
            .encode()
            .to_vec(),
    }
}

/// A deterministic pure ML-DSA signature (empty context) by the key with this seed.
pub fn ml_dsa_sign_with_seed(level: MlDsaLevel, seed: &[u8; 32], message: &[u8]) -> Vec<u8> {
    use ml_dsa::{ExpandedSigningKey as SigningKey, MlDsa44, MlDsa65, MlDsa87};
    let seed = (*seed).into();
    match level {
        MlDsaLevel::L44 => SigningKey::<MlDsa44>::from_seed(&seed)
            .sign_deterministic(message, &[])
            .unwrap()
            .encode()
            .to_vec(),
        MlDsaLevel::L65 => SigningKey::<MlDsa65>::from_seed(&seed)
            .sign_deterministic(message, &[])
            .unwrap()
            .encode()
            .to_vec(),
        MlDsaLevel::L87 => SigningKey::<MlDsa87>::from_seed(&seed)
            .sign_deterministic(message, &[])
            .unwrap()
            .encode()
            .to_vec(),
    }
}

fn ml_dsa_public_pem(level: MlDsaLevel) -> String {
    let arc = match level {
        MlDsaLevel::L44 => 17,
        MlDsaLevel::L65 => 18,
        MlDsaLevel::L87 => 19,
    };
    let key = ml_dsa_public_key(level);
    let oid = [
        0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, arc,
    ];
    let algorithm = der_element(0x30, &oid);
    let mut bits = vec![0u8];
    bits.extend_from_slice(&key);
    let spki = der_element(0x30, &[algorithm, der_element(0x03, &bits)].concat());
    kmsjwt_verify::keys::spki_der_to_pem(&spki)
}

fn der_element(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 128 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

pub fn public_keys(alg: Alg) -> KeySet {
    KeySet::from_text(&public_pem(alg)).expect("test public key")
}

/// Signs `signing_input` with the private test key for `alg`.
pub fn sign(alg: Alg, signing_input: &[u8]) -> Vec<u8> {
    use p256::ecdsa::signature::Signer;
    if let Scheme::MlDsa(level) = alg.scheme() {
        return ml_dsa_sign(level, signing_input);
    }
    let pem = read_key(&format!("{}.pem", key_name(alg)));
    match alg.scheme() {
        Scheme::RsaPkcs1v15(hash) => {
            let key = rsa::PrivateKey::from_pkcs8_pem(&pem).unwrap();
            match hash {
                HashAlg::Sha256 => key.pkcs1v15_sign::<sha2::Sha256>(signing_input),
                HashAlg::Sha384 => key.pkcs1v15_sign::<sha2::Sha384>(signing_input),
                HashAlg::Sha512 => key.pkcs1v15_sign::<sha2::Sha512>(signing_input),
            }
            .unwrap()
        }
        Scheme::RsaPss(hash) => {
            let key = rsa::PrivateKey::from_pkcs8_pem(&pem).unwrap();
            match hash {
                HashAlg::Sha256 => key.pss_sign::<sha2::Sha256>(signing_input),
                HashAlg::Sha384 => key.pss_sign::<sha2::Sha384>(signing_input),
                HashAlg::Sha512 => key.pss_sign::<sha2::Sha512>(signing_input),
            }
            .unwrap()
        }
        Scheme::Ecdsa(kmsjwt_verify::Curve::P256, _) => {
            let key = p256::ecdsa::SigningKey::from_pkcs8_pem(&pem).unwrap();
            let signature: p256::ecdsa::Signature = key.sign(signing_input);
            signature.to_bytes().to_vec()
        }
        Scheme::Ecdsa(kmsjwt_verify::Curve::P384, _) => {
            let key = p384::ecdsa::SigningKey::from_pkcs8_pem(&pem).unwrap();
            let signature: p384::ecdsa::Signature = key.sign(signing_input);
            signature.to_bytes().to_vec()
        }
        Scheme::Ecdsa(kmsjwt_verify::Curve::P521, _) => {
            let key = p521::ecdsa::SigningKey::from_pkcs8_pem(&pem).unwrap();
            let signature: p521::ecdsa::Signature = key.sign(signing_input);
            signature.to_bytes().to_vec()
        }
        Scheme::Ecdsa(kmsjwt_verify::Curve::Secp256k1, _) => {
            let key = k256::ecdsa::SigningKey::from_pkcs8_pem(&pem).unwrap();
            let signature: k256::ecdsa::Signature = key.sign(signing_input);
            signature.to_bytes().to_vec()
        }
        Scheme::Ed25519 => {
            let key = ed25519_dalek::SigningKey::from_pkcs8_pem(&pem).unwrap();
            key.sign(signing_input).to_bytes().to_vec()
        }
        Scheme::MlDsa(_) => unreachable!("handled above"),
    }
}

/// Builds a compact token from raw header and payload bytes, signed with `alg`.
pub fn token_from_parts(alg: Alg, header: &[u8], payload: &[u8]) -> String {
    let signing_input = format!(
        "{}.{}",
        base64url::encode(header),
        base64url::encode(payload)
    );
    let signature = sign(alg, signing_input.as_bytes());
    format!("{signing_input}.{}", base64url::encode(&signature))
}

/// Builds a token with header `{"alg": alg, "typ": "JWT"}` plus `extra_header` members.
pub fn token(alg: Alg, claims: &Value) -> String {
    token_with_header(
        alg,
        &serde_json::json!({"alg": alg.name(), "typ": "JWT"}),
        claims,
    )
}

pub fn token_with_header(alg: Alg, header: &Value, claims: &Value) -> String {
    token_from_parts(
        alg,
        header.to_string().as_bytes(),
        claims.to_string().as_bytes(),
    )
}

/// A fixed "now" for tests, and claims valid around it.
pub const NOW: i64 = 1_764_000_000;

pub fn claims() -> Value {
    serde_json::json!({
        "iss": "https://issuer.example",
        "sub": "user-1",
        "aud": "api://test",
        "iat": NOW - 10,
        "exp": NOW + 3600
    })
}

/// A property test's cases: `default`, or `PROPTEST_CASES` for a longer run (a literal
/// `cases` in a config would override the variable).
pub fn proptest_cases(default: u32) -> proptest::test_runner::Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default);
    let mut config = proptest::test_runner::Config::with_cases(cases);
    // Under WASI (make wasm-rust-test) there is no working directory to find the
    // regressions files from; the native run reads and writes them.
    if cfg!(target_os = "wasi") {
        config.failure_persistence = None;
    }
    config
}
