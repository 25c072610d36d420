//! Test-only signing: builds tokens with committed test keys (tests/keys/*.pem, generated
//! with openssl for these tests only) so each rule can be exercised positively and
//! negatively.
#![allow(dead_code)]

use std::path::PathBuf;

use kmsjwt_verify::alg::Scheme;
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
    }
}

/// The public key (SPKI PEM) that verifies tokens signed by [`sign`] with `alg`.
pub fn public_pem(alg: Alg) -> String {
    read_key(&format!("{}.pub.pem", key_name(alg)))
}

pub fn public_keys(alg: Alg) -> KeySet {
    KeySet::from_text(&public_pem(alg)).expect("test public key")
}

/// Signs `signing_input` with the private test key for `alg`.
pub fn sign(alg: Alg, signing_input: &[u8]) -> Vec<u8> {
    use p256::ecdsa::signature::Signer;
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
