//! ML-DSA-44/65/87 against the ML-DSA KMS stand-in (`ml_dsa_kms.rs`; no local KMS emulator
//! implements ML-DSA): RAW and EXTERNAL_MU signing under one key, AKP JWKs whose thumbprint
//! is the token `kid`, a JWK Set with an EC key, and `create-key --spec ML_DSA_65`.

use aws_sdk_kms::error::ProvideErrorMetadata;
use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{MessageType, SigningAlgorithmSpec};
use kmsjwt_verify::keys::{parse_pem, thumbprint};
use kmsjwt_verify::{Verifier, base64url};
use serde_json::json;

use crate::common::{block_on, json, run_kmsjwt, unique};
use crate::ml_dsa_kms::{LEVELS, MlDsaKms};

/// The JWS signing input of a token (header and payload).
fn signing_input(token: &str) -> &str {
    token.rsplit_once('.').unwrap().0
}

#[test]
fn every_level_signs_raw_and_external_mu_under_one_key() {
    let kms = MlDsaKms::start();
    let large_claims = json!({ "blob": "x".repeat(5000) }).to_string();
    for (index, (level, spec)) in LEVELS.into_iter().enumerate() {
        let alg = level.alg().name();
        let key_id = kms.add_key(level, [index as u8 + 1; 32]);
        let jwk_text = kms
            .kmsjwt(&["public-key", "--key-id", &key_id, "--format", "jwk"])
            .token();
        let jwk = json(&jwk_text);
        assert_eq!(jwk["kty"], "AKP", "{spec}");
        assert_eq!(jwk["alg"], alg, "{spec}: the alg defaults to the level's");
        assert_eq!(jwk["use"], "sig");
        let public = base64url::decode(jwk["pub"].as_str().unwrap().as_bytes()).unwrap();
        assert_eq!(public.len(), level.public_key_len(), "{spec}");
        let pem = kms.kmsjwt(&["public-key", "--key-id", &key_id]).token();
        assert_eq!(jwk["kid"], thumbprint(&parse_pem(&pem).unwrap()).as_str());

        let before = kms.signed().len();
        let small = kms
            .kmsjwt(&["sign", "--key-id", &key_id, "--sub", "pq"])
            .token();
        let large = kms
            .kmsjwt(&["sign", "--key-id", &key_id, "--claims", &large_claims])
            .token();
        assert!(signing_input(&small).len() <= 4096);
        assert!(signing_input(&large).len() > 4096);
        let types: Vec<_> = kms.signed()[before..]
            .iter()
            .map(|request| (request.message_type.clone(), request.message_len))
            .collect();
        assert_eq!(
            types,
            [
                ("RAW".to_owned(), signing_input(&small).len()),
                ("EXTERNAL_MU".to_owned(), 64)
            ],
            "{spec}"
        );
        for key in [&jwk_text, &pem] {
            let verifier = Verifier::from_key_text(key, Default::default()).unwrap();
            for token in [&small, &large] {
                let verified = verifier.verify(token).unwrap();
                assert_eq!(verified.header.alg, alg);
                assert_eq!(verified.header.kid.as_deref(), jwk["kid"].as_str());
            }
        }
        // The CLI verifier agrees.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("key.jwk");
        std::fs::write(&file, &jwk_text).unwrap();
        kms.kmsjwt(&["verify", "--key", file.to_str().unwrap(), &large])
            .assert_success();
    }
}

#[test]
fn algs_that_do_not_fit_an_ml_dsa_key_are_refused_before_signing() {
    let kms = MlDsaKms::start();
    let key_id = kms.add_key(LEVELS[1].0, [9; 32]);
    for alg in ["ML-DSA-44", "ES256", "EdDSA"] {
        kms.kmsjwt(&["sign", "--key-id", &key_id, "--alg", alg])
            .assert_code(2)
            .assert_stderr_contains("ML-DSA-65");
    }
    kms.kmsjwt(&["sign", "--key-id", &key_id, "--alg", "ML-DSA-65"])
        .assert_success();
    assert_eq!(kms.signed().len(), 1);
}

#[test]
fn jwks_over_an_ml_dsa_and_an_ec_key_and_create_key() {
    let kms = MlDsaKms::start();
    let alias = format!("alias/{}", unique("mldsa"));
    let created = json(
        &kms.kmsjwt(&[
            "create-key",
            "--spec",
            "ML_DSA_65",
            "--alias",
            &alias,
            "--json",
        ])
        .token(),
    );
    assert_eq!(created["key_spec"], "ML_DSA_65");
    let ml_dsa = created["key_id"].as_str().unwrap().to_owned();
    // Forwarded to ministack: an EC key next to the ML-DSA one.
    let ec = json(
        &kms.kmsjwt(&["create-key", "--spec", "ECC_NIST_P256", "--json"])
            .token(),
    );
    let ec = ec["key_id"].as_str().unwrap().to_owned();
    let jwks_text = kms
        .kmsjwt(&["jwks", "--key-id", &alias, "--key-id", &ec])
        .token();
    let jwks = json(&jwks_text);
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0]["kty"], "AKP");
    assert_eq!(keys[0]["alg"], "ML-DSA-65");
    assert_eq!(keys[1]["kty"], "EC");
    assert_eq!(keys[1]["alg"], "ES256");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("jwks.json");
    std::fs::write(&file, &jwks_text).unwrap();
    let file = file.to_str().unwrap();
    for (key, kid) in [(alias.as_str(), &keys[0]["kid"]), (&ec, &keys[1]["kid"])] {
        let token = kms.kmsjwt(&["sign", "--key-id", key, "--sub", key]).token();
        let verified = kms.kmsjwt(&["verify", "--key", file, "--json", &token]);
        verified.assert_success();
        let verified = json(&verified.stdout);
        assert_eq!(verified["payload"]["sub"], key);
        assert_eq!(verified["header"]["kid"], *kid);
    }
    assert_eq!(
        kms.signed().len(),
        1,
        "only the ML-DSA token was signed here"
    );
    assert_eq!(kms.signed()[0].key_id, ml_dsa);
}

/// The stand-in refuses what KMS refuses, so that the tests above prove kmsjwt sends what
/// KMS accepts.
#[test]
fn the_stand_in_refuses_what_kms_refuses() {
    let kms = MlDsaKms::start();
    let key_id = kms.add_key(LEVELS[0].0, [3; 32]);
    let client = kms.client();
    let sign = |message: Vec<u8>, message_type: MessageType, algorithm: &str| {
        block_on(
            client
                .sign()
                .key_id(&key_id)
                .message(Blob::new(message))
                .message_type(message_type)
                .signing_algorithm(SigningAlgorithmSpec::from(algorithm))
                .send(),
        )
        .map(|output| output.signature.unwrap().into_inner())
        .map_err(|error| error.into_service_error().code().unwrap_or("").to_owned())
    };
    let ok = "ML_DSA_SHAKE_256";
    assert!(sign(vec![b'a'; 4096], MessageType::Raw, ok).is_ok());
    for (message, message_type, algorithm, code) in [
        (
            vec![b'a'; 4097],
            MessageType::Raw,
            ok,
            "ValidationException",
        ),
        (vec![0; 32], MessageType::Digest, ok, "ValidationException"),
        (
            vec![0; 63],
            MessageType::ExternalMu,
            ok,
            "ValidationException",
        ),
        (
            vec![b'a'; 8],
            MessageType::Raw,
            "ECDSA_SHA_256",
            "InvalidKeyUsageException",
        ),
    ] {
        assert_eq!(sign(message, message_type, algorithm), Err(code.to_owned()));
    }
    assert!(sign(vec![0; 64], MessageType::ExternalMu, ok).is_ok());
}

#[test]
fn a_batch_mixes_raw_and_external_mu() {
    let kms = MlDsaKms::start();
    let key_id = kms.add_key(LEVELS[2].0, [11; 32]);
    let large = json!({ "blob": "y".repeat(6000) }).to_string();
    let input = format!("{{\"n\":1}}\n{large}\n{{\"n\":3}}\n");
    let run = run_kmsjwt(
        &kms.endpoint(),
        &["sign", "--key-id", &key_id, "--batch", "--concurrency", "3"],
        Some(&input),
    );
    run.assert_success();
    let jwk = kms
        .kmsjwt(&["public-key", "--key-id", &key_id, "--format", "jwk"])
        .token();
    let verifier = Verifier::from_key_text(&jwk, Default::default()).unwrap();
    let tokens: Vec<String> = run
        .stdout
        .lines()
        .map(|line| json(line)["token"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(tokens.len(), 3);
    for token in &tokens {
        assert_eq!(verifier.verify(token).unwrap().header.alg, "ML-DSA-87");
    }
    let mut types: Vec<_> = kms
        .signed()
        .into_iter()
        .map(|request| request.message_type)
        .collect();
    types.sort();
    assert_eq!(types, ["EXTERNAL_MU", "RAW", "RAW"]);
}
