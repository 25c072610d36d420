//! Every key spec ministack offers x every JOSE alg that fits it: sign with `kmsjwt sign`,
//! then verify with the verifier core, with jose (Node) and with PyJWT (Python), and check
//! the kid (the RFC 7638 thumbprint, computed by each verifier on its own). ML-DSA is not
//! among them (ministack lacks it, as do jose on Node 20 and PyJWT): see `ml_dsa.rs`.

use std::path::Path;
use std::process::Command;

use kmsjwt::kms::key_spec::SIGNING_KEY_SPECS;
use kmsjwt_verify::{Alg, KeySet, KeyType, Verifier, VerifyOptions, base64url};
use serde_json::{Value, json};

use crate::common::{Ministack, json, repo, venv};

const ISSUER: &str = "https://issuer.example";
const AUDIENCE: &str = "api://kmsjwt-tests";

#[test]
fn every_spec_and_alg_signs_tokens_that_three_verifiers_accept() {
    let server = Ministack::shared();
    let per_spec: Vec<Vec<Value>> = std::thread::scope(|scope| {
        let handles: Vec<_> = SIGNING_KEY_SPECS
            .iter()
            .filter(|(_, key_type)| !matches!(key_type, KeyType::MlDsa(_)))
            .map(|(spec, key_type)| scope.spawn(move || sign_with_spec(server, spec, *key_type)))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap())
            .collect()
    });
    let cases: Vec<Value> = per_spec.into_iter().flatten().collect();
    // 3 RSA specs x 6 algs, 4 curves x 1, Ed25519 x 2 (EdDSA and Ed25519).
    assert_eq!(cases.len(), 24, "every spec x alg pair was signed");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cases.json");
    std::fs::write(&file, serde_json::to_string(&cases).unwrap()).unwrap();

    let jose = run_verifier("jose", node_command(&file));
    assert_all_ok("jose", &jose, &cases, &[]);
    let pyjwt = run_verifier("PyJWT", python_command(&file));
    // PyJWT knows EdDSA but not the fully specified name Ed25519.
    assert_all_ok("PyJWT", &pyjwt, &cases, &["Ed25519"]);
}

/// Creates a key of `spec` and signs one token with every alg that fits it; checks each with
/// the verifier core and returns the cases for the other verifiers.
fn sign_with_spec(server: &Ministack, spec: &str, key_type: kmsjwt_verify::KeyType) -> Vec<Value> {
    let key = server.create_key(spec, None);
    let pem = server
        .kmsjwt(&["public-key", "--key-id", &key.key_id, "--format", "pem"])
        .token();
    let public_key = kmsjwt_verify::keys::parse_pem(&pem).unwrap();
    assert_eq!(public_key.key_type(), key_type, "{spec}");
    let thumbprint = kmsjwt_verify::keys::thumbprint(&public_key);
    let mut cases = Vec::new();
    for alg in key_type.algorithms() {
        let name = format!("{spec}/{alg}");
        let token = server
            .kmsjwt(&[
                "sign",
                "--key-id",
                &key.key_id,
                "--alg",
                alg.name(),
                "--iss",
                ISSUER,
                "--aud",
                AUDIENCE,
                "--sub",
                "user-1",
                "--jti",
                "--ttl",
                "10m",
                "--claims",
                r#"{"scope":"read write","nested":{"a":[1,2,3]}}"#,
            ])
            .token();
        let jwk_text = server
            .kmsjwt(&[
                "public-key",
                "--key-id",
                &key.key_id,
                "--format",
                "jwk",
                "--alg",
                alg.name(),
            ])
            .token();
        let jwk = json(&jwk_text);
        assert_eq!(jwk["kid"], thumbprint.as_str(), "{name}");
        assert_eq!(jwk["alg"], alg.name(), "{name}");
        assert_eq!(jwk["use"], "sig", "{name}");
        check_with_core(&name, alg, &token, &jwk_text, &pem, &thumbprint);
        cases.push(json!({
            "name": name, "alg": alg.name(), "token": token, "jwk": jwk, "pem": pem,
            "issuer": ISSUER, "audience": AUDIENCE,
        }));
    }
    cases
}

fn check_with_core(name: &str, alg: Alg, token: &str, jwk: &str, pem: &str, thumbprint: &str) {
    let options = VerifyOptions {
        algorithms: vec![alg],
        issuer: vec![ISSUER.into()],
        audience: vec![AUDIENCE.into()],
        subject: Some("user-1".into()),
        typ: Some("JWT".into()),
        required_claims: vec!["iat".into(), "exp".into(), "jti".into()],
        ..VerifyOptions::default()
    };
    for key in [jwk, pem] {
        let verified = Verifier::new(KeySet::from_text(key).unwrap(), options.clone())
            .verify(token)
            .unwrap_or_else(|error| panic!("{name}: {error:?}"));
        assert_eq!(verified.alg, alg);
        assert_eq!(verified.header.kid.as_deref(), Some(thumbprint), "{name}");
        let claims = &verified.claims;
        assert_eq!(claims["scope"], "read write");
        assert_eq!(claims["nested"], json!({"a": [1, 2, 3]}));
        let (iat, exp) = (
            claims["iat"].as_i64().unwrap(),
            claims["exp"].as_i64().unwrap(),
        );
        assert_eq!(exp - iat, 600, "{name}: --ttl 10m");
    }
    let decoded = kmsjwt_verify::decode(token).unwrap();
    let header: Vec<_> = decoded.header.keys().map(String::as_str).collect();
    assert_eq!(header, ["alg", "typ", "kid"], "{name}");
    assert_low_s(name, alg, &decoded.signature);
}

/// ECDSA signatures are fixed-width r || s with s <= n/2.
fn assert_low_s(name: &str, alg: Alg, signature: &[u8]) {
    let low = match alg {
        Alg::ES256 => {
            let signature = p256::ecdsa::Signature::from_slice(signature).unwrap();
            signature.normalize_s() == signature
        }
        Alg::ES384 => {
            let signature = p384::ecdsa::Signature::from_slice(signature).unwrap();
            signature.normalize_s() == signature
        }
        Alg::ES512 => {
            assert_eq!(signature.len(), 132, "{name}: P-521 r || s is 2 x 66 bytes");
            let signature = p521::ecdsa::Signature::from_slice(signature).unwrap();
            signature.normalize_s() == signature
        }
        Alg::ES256K => {
            let signature = k256::ecdsa::Signature::from_slice(signature).unwrap();
            signature.normalize_s() == signature
        }
        _ => true,
    };
    assert!(
        low,
        "{name}: the signature has a high s: {}",
        base64url::encode(signature)
    );
}

fn node_command(cases: &Path) -> Command {
    let interop = repo().join("tests/interop");
    if !interop.join("node_modules/jose/package.json").is_file() {
        panic!(
            "jose is not installed in {}: run `npm ci --prefix tests/interop` (make test does)",
            interop.join("node_modules").display()
        );
    }
    let mut command = Command::new("node");
    command
        .arg(interop.join("verify-kms-tokens.mjs"))
        .arg(cases);
    command
}

fn python_command(cases: &Path) -> Command {
    let mut command = Command::new(venv().join("bin/python"));
    command
        .arg(repo().join("tests/interop/verify_kms_tokens.py"))
        .arg(cases);
    command
}

fn run_verifier(name: &str, mut command: Command) -> Vec<Value> {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("cannot run {name} ({command:?}): {error}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{name} failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    match json(&stdout) {
        Value::Array(results) => results,
        other => panic!("{name} printed {other}"),
    }
}

fn assert_all_ok(verifier: &str, results: &[Value], cases: &[Value], unsupported: &[&str]) {
    assert_eq!(
        results.len(),
        cases.len(),
        "{verifier}: one result per token"
    );
    let mut failures = Vec::new();
    for result in results {
        let name = result["name"].as_str().unwrap();
        let alg = name.rsplit('/').next().unwrap();
        match &result["ok"] {
            Value::Bool(true) => {}
            Value::Null if unsupported.contains(&alg) => {}
            _ => failures.push(result.to_string()),
        }
    }
    assert!(
        failures.is_empty(),
        "{verifier} refused kmsjwt tokens:\n{}",
        failures.join("\n")
    );
}
