//! A key is named by key id, key ARN, alias name or alias ARN; all four give the same key
//! (same public key, same kid).

use kmsjwt_verify::{KeySet, Verifier, VerifyOptions};

use crate::common::{Ministack, unique};

#[test]
fn key_id_arn_alias_and_alias_arn_name_the_same_key() {
    let server = Ministack::shared();
    let alias = format!("alias/{}", unique("names"));
    let key = server.create_key("ECC_NIST_P384", Some(&alias));
    let (prefix, _) = key.arn.split_once(":key/").expect("a key ARN");
    let alias_arn = format!("{prefix}:{alias}");
    let names = [key.key_id.as_str(), &key.arn, &alias, &alias_arn];

    let pem = server
        .kmsjwt(&["public-key", "--key-id", &key.key_id])
        .token();
    let keys = KeySet::from_text(&pem).unwrap();
    let thumbprint =
        kmsjwt_verify::keys::thumbprint(&kmsjwt_verify::keys::parse_pem(&pem).unwrap());
    for name in names {
        let token = server
            .kmsjwt(&["sign", "--key-id", name, "--sub", name])
            .token();
        let verified = Verifier::new(keys.clone(), VerifyOptions::default())
            .verify(&token)
            .unwrap_or_else(|error| panic!("{name}: {error:?}"));
        assert_eq!(verified.claims["sub"], name);
        assert_eq!(
            verified.header.kid.as_deref(),
            Some(thumbprint.as_str()),
            "{name}"
        );
        assert_eq!(verified.header.alg, "ES384");
        let same_pem = server.kmsjwt(&["public-key", "--key-id", name]).token();
        assert_eq!(same_pem, pem, "{name}");
    }
}

#[test]
fn kid_modes() {
    let server = Ministack::shared();
    let key = server.create_key("ECC_NIST_P256", None);
    let kid_of = |args: &[&str]| {
        let mut all = vec!["sign", "--key-id", key.key_id.as_str()];
        all.extend_from_slice(args);
        let token = server.kmsjwt(&all).token();
        kmsjwt_verify::decode(&token)
            .unwrap()
            .header
            .get("kid")
            .cloned()
    };
    assert_eq!(
        kid_of(&["--kid", "key-id"]),
        Some(key.key_id.clone().into())
    );
    assert_eq!(kid_of(&["--kid", "none"]), None);
    assert_eq!(kid_of(&["--kid", "2026-11"]), Some("2026-11".into()));
    assert_eq!(
        kid_of(&["--header", r#"{"kid":"from-header"}"#]),
        Some("from-header".into())
    );
    let jwk = server
        .kmsjwt(&[
            "public-key",
            "--key-id",
            &key.key_id,
            "--format",
            "jwk",
            "--kid",
            "key-id",
        ])
        .token();
    assert_eq!(crate::common::json(&jwk)["kid"], key.key_id.as_str());
}
