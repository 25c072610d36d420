//! Tokens made by other implementations (jose 6, PyJWT, node:crypto), committed under
//! tests/interop/fixtures by tests/interop/regen.sh: every one verifies with its PEM, its
//! JWK and the combined JWKS; tampered copies fail with the right code.

use kmsjwt_verify::{Alg, KeySet, Verifier, VerifyOptions, base64url};
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/interop/fixtures");

fn fixtures() -> Vec<Value> {
    let mut all = Vec::new();
    for file in ["jose.json", "pyjwt.json"] {
        let text = std::fs::read_to_string(format!("{FIXTURES}/{file}")).unwrap();
        let Value::Array(items) = serde_json::from_str(&text).unwrap() else {
            panic!("{file} is an array")
        };
        all.extend(items);
    }
    all
}

fn options() -> VerifyOptions {
    VerifyOptions {
        issuer: vec!["https://issuer.example".into()],
        audience: vec!["api://interop".into()],
        subject: Some("user-123".into()),
        current_time: Some(1_764_000_001),
        ..VerifyOptions::default()
    }
}

fn check(keys: KeySet, token: &str) -> Result<Value, String> {
    Verifier::new(keys, options())
        .verify(token)
        .map(|verified| Value::Object(verified.claims))
        .map_err(|error| format!("{}: {}", error.code(), error.message()))
}

#[test]
fn every_fixture_verifies_with_pem_jwk_and_jwks() {
    let jwks = std::fs::read_to_string(format!("{FIXTURES}/jwks.json")).unwrap();
    let fixtures = fixtures();
    let mut seen = std::collections::BTreeSet::new();
    for fixture in &fixtures {
        let lib = fixture["lib"].as_str().unwrap();
        let token = fixture["token"].as_str().unwrap();
        let alg = Alg::from_name(fixture["alg"].as_str().unwrap()).unwrap();
        seen.insert((lib.to_owned(), alg.name()));
        let pem = KeySet::from_text(fixture["public_key_pem"].as_str().unwrap()).unwrap();
        let jwk = KeySet::from_text(&fixture["public_jwk"].to_string()).unwrap();
        let set = KeySet::from_text(&jwks).unwrap();
        for (form, keys) in [("pem", pem), ("jwk", jwk), ("jwks", set)] {
            let claims =
                check(keys, token).unwrap_or_else(|error| panic!("{lib} {alg} {form}: {error}"));
            assert_eq!(claims, fixture["claims"], "{lib} {alg} {form}");
        }
    }
    // Every alg from at least two independent implementations; neither jose on Node 20
    // nor PyJWT signs ML-DSA, and PyJWT lacks the name "Ed25519".
    for alg in Alg::all() {
        let sources = seen.iter().filter(|(_, name)| *name == alg.name()).count();
        let expected = match alg {
            Alg::Ed25519 => 1,
            Alg::MlDsa44 | Alg::MlDsa65 | Alg::MlDsa87 => 0,
            _ => 2,
        };
        assert!(sources >= expected, "{alg} has {sources} sources");
    }
}

#[test]
fn tampered_fixtures_fail_with_the_right_code() {
    for fixture in fixtures() {
        let token = fixture["token"].as_str().unwrap();
        let keys = || KeySet::from_text(&fixture["public_jwk"].to_string()).unwrap();
        let parts: Vec<&str> = token.split('.').collect();

        let mut claims = fixture["claims"].clone();
        claims["sub"] = Value::from("admin");
        let payload = base64url::encode(claims.to_string().as_bytes());
        let forged = format!("{}.{payload}.{}", parts[0], parts[2]);
        let error = check(keys(), &forged).unwrap_err();
        assert!(
            error.starts_with("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
            "{error}"
        );

        let mut signature = base64url::decode(parts[2].as_bytes()).unwrap();
        let last = signature.len() - 1;
        signature[last] ^= 0x80;
        let flipped = format!(
            "{}.{}.{}",
            parts[0],
            parts[1],
            base64url::encode(&signature)
        );
        let error = check(keys(), &flipped).unwrap_err();
        assert!(
            error.starts_with("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
            "{error}"
        );

        let truncated = &token[..token.len() - 4];
        assert!(check(keys(), truncated).is_err());

        let expired = Verifier::new(
            keys(),
            VerifyOptions {
                current_time: Some(4_102_444_800),
                ..options()
            },
        );
        assert_eq!(expired.verify(token).unwrap_err().code(), "ERR_JWT_EXPIRED");
    }
}
