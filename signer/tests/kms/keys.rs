//! `public-key`, `jwks` (rotation) and `create-key`.

use std::collections::HashMap;

use crate::common::{Ministack, block_on, json, unique};

#[test]
fn public_key_formats_agree() {
    let server = Ministack::shared();
    let key = server.create_key("RSA_3072", None);
    let pem = server
        .kmsjwt(&["public-key", "--key-id", &key.key_id])
        .token();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"), "{pem}");
    let jwk = json(
        &server
            .kmsjwt(&["public-key", "--key-id", &key.key_id, "--format", "jwk"])
            .token(),
    );
    let jwks = json(
        &server
            .kmsjwt(&["public-key", "--key-id", &key.key_id, "--format", "jwks"])
            .token(),
    );
    assert_eq!(jwks["keys"][0], jwk);
    assert_eq!(jwk["kty"], "RSA");
    assert_eq!(jwk["alg"], "RS256", "RSA keys default to RS256");
    assert_eq!(jwk["use"], "sig");
    let from_pem = kmsjwt_verify::keys::parse_pem(&pem).unwrap();
    assert_eq!(
        jwk["kid"],
        kmsjwt_verify::keys::thumbprint(&from_pem).as_str()
    );
    assert_eq!(jwk["n"], kmsjwt_verify::keys::public_jwk(&from_pem)["n"]);
    server
        .kmsjwt(&[
            "public-key",
            "--key-id",
            &key.key_id,
            "--format",
            "jwk",
            "--alg",
            "ES256",
        ])
        .assert_code(2);
}

#[test]
fn jwks_over_several_keys_verifies_tokens_of_each() {
    let server = Ministack::shared();
    let current = server.create_key("RSA_2048", None);
    let previous = server.create_key("ECC_NIST_P256", None);
    let jwks_text = server
        .kmsjwt(&[
            "jwks",
            "--key-id",
            &current.key_id,
            "--key-id",
            &previous.arn,
            "--alg",
            "PS256",
        ])
        .token();
    let jwks = json(&jwks_text);
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0]["alg"], "PS256", "--alg applies to the keys it fits");
    assert_eq!(keys[1]["alg"], "ES256", "other keys keep their default alg");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("jwks.json");
    std::fs::write(&file, &jwks_text).unwrap();
    let file = file.to_str().unwrap();
    for (key, alg) in [(&current.key_id, "PS256"), (&previous.key_id, "ES256")] {
        let token = server
            .kmsjwt(&["sign", "--key-id", key, "--alg", alg, "--sub", key])
            .token();
        let verified = server.kmsjwt(&["verify", "--key", file, "--json", &token]);
        verified.assert_success();
        assert_eq!(json(&verified.stdout)["payload"]["sub"], key.as_str());
    }
    // The same key twice is listed once.
    let once = json(
        &server
            .kmsjwt(&[
                "jwks",
                "--key-id",
                &current.key_id,
                "--key-id",
                &current.arn,
            ])
            .token(),
    );
    assert_eq!(once["keys"].as_array().unwrap().len(), 1);
}

#[test]
fn create_key_with_alias_description_and_tags() {
    let server = Ministack::shared();
    let alias = format!("alias/{}", unique("created"));
    let run = server.kmsjwt(&[
        "create-key",
        "--spec",
        "ECC_NIST_P521",
        "--alias",
        &alias,
        "--description",
        "jwt signing",
        "--tag",
        "team=identity",
        "--tag",
        "env=test",
    ]);
    let key_id = run.token();
    run.assert_stderr_contains(&alias);
    let admin = server.admin();
    let metadata = block_on(admin.describe_key().key_id(&alias).send())
        .unwrap()
        .key_metadata
        .unwrap();
    assert_eq!(metadata.key_id, key_id);
    assert_eq!(metadata.description.as_deref(), Some("jwt signing"));
    assert_eq!(metadata.key_usage.unwrap().as_str(), "SIGN_VERIFY");
    assert_eq!(metadata.key_spec.unwrap().as_str(), "ECC_NIST_P521");
    let tags: HashMap<_, _> = block_on(admin.list_resource_tags().key_id(&key_id).send())
        .unwrap()
        .tags
        .unwrap_or_default()
        .into_iter()
        .map(|tag| (tag.tag_key, tag.tag_value))
        .collect();
    assert_eq!(tags.get("team").map(String::as_str), Some("identity"));
    assert_eq!(tags.get("env").map(String::as_str), Some("test"));
    // Refused before KMS: a spec kmsjwt cannot sign with, a malformed alias or tag.
    server
        .kmsjwt(&["create-key", "--spec", "SYMMETRIC_DEFAULT"])
        .assert_code(2);
    server
        .kmsjwt(&["create-key", "--spec", "RSA_2048", "--alias", "no-prefix"])
        .assert_code(2)
        .assert_stderr_contains("alias/");
    server
        .kmsjwt(&["create-key", "--spec", "RSA_2048", "--tag", "novalue"])
        .assert_code(2);
    // An alias that exists already: the key is made, the error says so.
    server
        .kmsjwt(&["create-key", "--spec", "RSA_2048", "--alias", &alias])
        .assert_code(3)
        .assert_stderr_contains("AlreadyExistsException")
        .assert_stderr_contains("was created, but not its alias");
}
