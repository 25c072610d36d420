//! Every rule of SPEC.md "Verifier / Rules", positive and negative, with the exact code.

mod common;

use common::{NOW, claims, public_keys, public_pem, token, token_from_parts, token_with_header};
use kmsjwt_verify::{Alg, KeySet, Verifier, VerifyOptions, base64url};
use serde_json::{Value, json};

fn options() -> VerifyOptions {
    VerifyOptions {
        current_time: Some(NOW),
        ..VerifyOptions::default()
    }
}

fn verify_with(keys: KeySet, options: VerifyOptions, token: &str) -> Result<Value, String> {
    Verifier::new(keys, options)
        .verify(token)
        .map(|verified| Value::Object(verified.claims))
        .map_err(|error| error.code().to_owned())
}

fn verify(alg: Alg, token: &str) -> Result<Value, String> {
    verify_with(public_keys(alg), options(), token)
}

fn code(result: Result<Value, String>) -> String {
    result.expect_err("verification must fail")
}

fn segments(token: &str) -> Vec<String> {
    token.split('.').map(str::to_owned).collect()
}

// --- Compact form -----------------------------------------------------------------------

#[test]
fn valid_tokens_verify_for_every_algorithm() {
    for alg in Alg::all() {
        let claims =
            verify(alg, &token(alg, &claims())).unwrap_or_else(|code| panic!("{alg}: {code}"));
        assert_eq!(claims["sub"], "user-1");
    }
}

#[test]
fn exactly_three_segments() {
    let valid = token(Alg::ES256, &claims());
    assert_eq!(
        code(verify(Alg::ES256, &format!("{valid}.e30"))),
        "ERR_JWS_INVALID"
    );
    let parts = segments(&valid);
    assert_eq!(
        code(verify(Alg::ES256, &format!("{}.{}", parts[0], parts[1]))),
        "ERR_JWS_INVALID"
    );
    // The JSON serializations are not accepted either.
    let general = json!({"payload": parts[1], "signatures": [{"protected": parts[0], "signature": parts[2]}]});
    assert_eq!(
        code(verify(Alg::ES256, &general.to_string())),
        "ERR_JWS_INVALID"
    );
}

#[test]
fn base64url_must_be_unpadded_and_canonical() {
    let header = br#"{"alg":"ES256"}"#; // 15 bytes: base64 needs one '=' of padding
    let valid = token_from_parts(Alg::ES256, header, claims().to_string().as_bytes());
    verify(Alg::ES256, &valid).unwrap();
    let parts = segments(&valid);
    let padded = format!("{}=.{}.{}", parts[0], parts[1], parts[2]);
    assert_eq!(code(verify(Alg::ES256, &padded)), "ERR_JWS_INVALID");
    let standard_alphabet = valid.replace('-', "+").replace('_', "/");
    if standard_alphabet != valid {
        assert_eq!(
            code(verify(Alg::ES256, &standard_alphabet)),
            "ERR_JWS_INVALID"
        );
    }
    // A 64-byte signature is 86 characters with 4 unused bits: set one.
    let signature = base64url::decode(parts[2].as_bytes()).unwrap();
    assert_eq!(signature.len(), 64);
    let mut twin = parts[2].clone().into_bytes();
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let last = alphabet
        .iter()
        .position(|c| *c == *twin.last().unwrap())
        .unwrap();
    *twin.last_mut().unwrap() = alphabet[last | 1];
    let twin = String::from_utf8(twin).unwrap();
    assert_ne!(twin, parts[2]);
    let non_canonical = format!("{}.{}.{twin}", parts[0], parts[1]);
    assert_eq!(code(verify(Alg::ES256, &non_canonical)), "ERR_JWS_INVALID");
}

#[test]
fn no_whitespace_anywhere() {
    let valid = token(Alg::EdDSA, &claims());
    for spoiled in [
        format!("{valid}\n"),
        format!(" {valid}"),
        valid.replacen('.', ". ", 1),
        format!("{}\n{}", &valid[..10], &valid[10..]),
    ] {
        assert_eq!(
            code(verify(Alg::EdDSA, &spoiled)),
            "ERR_JWS_INVALID",
            "{spoiled:?}"
        );
    }
}

#[test]
fn long_tokens_are_refused_before_decoding_and_the_limit_is_configurable() {
    let mut big = claims();
    big["blob"] = json!("x".repeat(300 * 1024));
    let long = token(Alg::ES256, &big);
    assert_eq!(code(verify(Alg::ES256, &long)), "ERR_JWS_INVALID");
    let raised = VerifyOptions {
        max_token_len: 1024 * 1024,
        ..options()
    };
    verify_with(public_keys(Alg::ES256), raised, &long).unwrap();
    // The limit applies to the text, so even garbage that long fails on length.
    let garbage = "!".repeat(257 * 1024);
    let error = Verifier::new(public_keys(Alg::ES256), options())
        .verify(&garbage)
        .unwrap_err();
    assert!(error.message().contains("over the limit"), "{error:?}");
}

// --- Header and payload JSON ------------------------------------------------------------

#[test]
fn header_and_payload_must_be_json_objects() {
    let header = br#"{"alg":"ES256"}"#;
    let payload = claims().to_string();
    for bad_header in [&b"[]"[..], b"\"ES256\"", b"{\"alg\":\"ES256\"", b"null"] {
        let token = token_from_parts(Alg::ES256, bad_header, payload.as_bytes());
        assert_eq!(code(verify(Alg::ES256, &token)), "ERR_JWS_INVALID");
    }
    for bad_payload in [&b"[]"[..], b"42", b"{\"sub\":", b"", b"Payload"] {
        let token = token_from_parts(Alg::ES256, header, bad_payload);
        assert_eq!(code(verify(Alg::ES256, &token)), "ERR_JWT_INVALID");
    }
}

#[test]
fn duplicate_member_names_are_refused() {
    let header = br#"{"alg":"ES256","kid":"a","kid":"b"}"#;
    let token = token_from_parts(Alg::ES256, header, claims().to_string().as_bytes());
    assert_eq!(code(verify(Alg::ES256, &token)), "ERR_JWS_INVALID");
    let payload = format!(r#"{{"sub":"admin","exp":{},"sub":"user-1"}}"#, NOW + 60);
    let token = token_from_parts(Alg::ES256, br#"{"alg":"ES256"}"#, payload.as_bytes());
    assert_eq!(code(verify(Alg::ES256, &token)), "ERR_JWT_INVALID");
}

#[test]
fn payload_nesting_is_bounded() {
    let nested = |depth: usize| format!(r#"{{"a":{}0{}}}"#, "[".repeat(depth), "]".repeat(depth));
    let header = br#"{"alg":"ES256"}"#;
    let shallow = token_from_parts(Alg::ES256, header, nested(20).as_bytes());
    verify(Alg::ES256, &shallow).unwrap();
    let deep = token_from_parts(Alg::ES256, header, nested(1000).as_bytes());
    assert_eq!(code(verify(Alg::ES256, &deep)), "ERR_JWT_INVALID");
}

#[test]
fn invalid_utf8_is_refused() {
    let header = b"{\"alg\":\"ES256\",\"kid\":\"\xff\"}";
    let token = token_from_parts(Alg::ES256, header, claims().to_string().as_bytes());
    assert_eq!(code(verify(Alg::ES256, &token)), "ERR_JWS_INVALID");
    let token = token_from_parts(Alg::ES256, br#"{"alg":"ES256"}"#, b"{\"sub\":\"\xc3\x28\"}");
    assert_eq!(code(verify(Alg::ES256, &token)), "ERR_JWT_INVALID");
}

// --- crit and b64 -----------------------------------------------------------------------

#[test]
fn crit_extensions_must_be_understood() {
    let header = json!({"alg": "ES256", "crit": ["exp-ext"], "exp-ext": 1});
    let token = token_with_header(Alg::ES256, &header, &claims());
    assert_eq!(code(verify(Alg::ES256, &token)), "ERR_JOSE_NOT_SUPPORTED");
    let understood = VerifyOptions {
        crit: vec!["exp-ext".into()],
        ..options()
    };
    verify_with(public_keys(Alg::ES256), understood, &token).unwrap();
    for malformed in [
        json!({"alg": "ES256", "crit": []}),
        json!({"alg": "ES256", "crit": "exp-ext", "exp-ext": 1}),
        json!({"alg": "ES256", "crit": ["alg"]}),
        json!({"alg": "ES256", "crit": ["missing-ext"]}),
    ] {
        let token = token_with_header(Alg::ES256, &malformed, &claims());
        assert_eq!(
            code(verify(Alg::ES256, &token)),
            "ERR_JWS_INVALID",
            "{malformed}"
        );
    }
}

#[test]
fn unencoded_payload_is_refused() {
    let header = json!({"alg": "ES256", "b64": false, "crit": ["b64"]});
    let token = token_with_header(Alg::ES256, &header, &claims());
    let understood = VerifyOptions {
        crit: vec!["b64".into()],
        ..options()
    };
    let result = verify_with(public_keys(Alg::ES256), understood, &token);
    assert_eq!(code(result), "ERR_JOSE_NOT_SUPPORTED");
}

// --- Keys and algorithms ----------------------------------------------------------------

#[test]
fn keys_in_the_token_are_ignored() {
    // Signed with the P-384 test key, which the header offers in every way it can.
    let attacker_pem = public_pem(Alg::ES384);
    let attacker_jwk =
        kmsjwt_verify::keys::public_jwk(&public_keys(Alg::ES384).keys().next().unwrap().key);
    let header = json!({
        "alg": "ES384", "jwk": attacker_jwk, "jku": "https://attacker.example/jwks",
        "x5u": "https://attacker.example/cert", "x5c": [attacker_pem]
    });
    let token = token_with_header(Alg::ES384, &header, &claims());
    // The caller's key is P-256: ES384 does not fit it.
    assert_eq!(code(verify(Alg::ES256, &token)), "ERR_JOSE_ALG_NOT_ALLOWED");
    // And against a set without the attacker's key there is nothing to match.
    let set = jwks(&[(Alg::ES256, None)]);
    assert_eq!(
        code(verify_with(set, options(), &token)),
        "ERR_JWKS_NO_MATCHING_KEY"
    );
}

#[test]
fn none_and_hmac_are_never_accepted() {
    let claims = claims().to_string();
    let unsigned = format!(
        "{}.{}.",
        base64url::encode(br#"{"alg":"none"}"#),
        base64url::encode(claims.as_bytes())
    );
    assert_eq!(
        code(verify(Alg::RS256, &unsigned)),
        "ERR_JOSE_ALG_NOT_ALLOWED"
    );
    let signed_none = format!("{unsigned}AAAA");
    assert_eq!(
        code(verify(Alg::RS256, &signed_none)),
        "ERR_JOSE_ALG_NOT_ALLOWED"
    );
    // Classic confusion: HS256 "signed" with the public key text as the secret.
    for alg in ["HS256", "HS384", "HS512"] {
        let input = format!(
            "{}.{}",
            base64url::encode(format!(r#"{{"alg":"{alg}"}}"#).as_bytes()),
            base64url::encode(claims.as_bytes())
        );
        let forged = format!("{input}.{}", base64url::encode(&[7u8; 32]));
        assert_eq!(
            code(verify(Alg::RS256, &forged)),
            "ERR_JOSE_ALG_NOT_ALLOWED",
            "{alg}"
        );
        let everything_allowed = VerifyOptions {
            algorithms: Alg::all().collect(),
            ..options()
        };
        let result = verify_with(public_keys(Alg::RS256), everything_allowed, &forged);
        assert_eq!(code(result), "ERR_JOSE_ALG_NOT_ALLOWED");
    }
}

#[test]
fn unknown_algs_are_not_supported() {
    let input = format!(
        "{}.{}",
        base64url::encode(br#"{"alg":"RS1"}"#),
        base64url::encode(claims().to_string().as_bytes())
    );
    let token = format!("{input}.AAAA");
    assert_eq!(code(verify(Alg::RS256, &token)), "ERR_JOSE_NOT_SUPPORTED");
    let restricted = VerifyOptions {
        algorithms: vec![Alg::RS256],
        ..options()
    };
    let result = verify_with(public_keys(Alg::RS256), restricted, &token);
    assert_eq!(code(result), "ERR_JOSE_ALG_NOT_ALLOWED");
}

#[test]
fn the_key_type_fixes_the_algorithm() {
    // Each token is verified against every other key type: never accepted.
    for signed_with in Alg::all() {
        let token = token(signed_with, &claims());
        for key_alg in [
            Alg::RS256,
            Alg::ES256,
            Alg::ES384,
            Alg::ES512,
            Alg::ES256K,
            Alg::EdDSA,
        ] {
            if key_alg.key_type() == signed_with.key_type() {
                continue;
            }
            assert_eq!(
                code(verify(key_alg, &token)),
                "ERR_JOSE_ALG_NOT_ALLOWED",
                "{signed_with} vs {key_alg}"
            );
        }
    }
    // RS256 and PS256 share a key type but are different algorithms: a PKCS#1 v1.5
    // signature relabelled as PS256 fails the signature check.
    let rs = segments(&token(Alg::RS256, &claims()));
    let relabelled = format!(
        "{}.{}.{}",
        base64url::encode(br#"{"alg":"PS256"}"#),
        rs[1],
        rs[2]
    );
    assert_eq!(
        code(verify(Alg::RS256, &relabelled)),
        "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
    );
}

#[test]
fn algorithms_option_restricts() {
    let token = token(Alg::PS256, &claims());
    let only_rs = VerifyOptions {
        algorithms: vec![Alg::RS256],
        ..options()
    };
    assert_eq!(
        code(verify_with(public_keys(Alg::PS256), only_rs, &token)),
        "ERR_JOSE_ALG_NOT_ALLOWED"
    );
    let ps_too = VerifyOptions {
        algorithms: vec![Alg::RS256, Alg::PS256],
        ..options()
    };
    verify_with(public_keys(Alg::PS256), ps_too, &token).unwrap();
}

fn jwk_of(alg: Alg, extra: Value) -> Value {
    let mut jwk = kmsjwt_verify::keys::public_jwk(&public_keys(alg).keys().next().unwrap().key);
    for (name, value) in extra.as_object().unwrap() {
        jwk.insert(name.clone(), value.clone());
    }
    Value::Object(jwk)
}

fn jwks(entries: &[(Alg, Option<&str>)]) -> KeySet {
    let keys: Vec<Value> = entries
        .iter()
        .map(|(alg, kid)| match kid {
            Some(kid) => jwk_of(*alg, json!({"kid": kid})),
            None => jwk_of(*alg, json!({})),
        })
        .collect();
    KeySet::from_text(&json!({"keys": keys}).to_string()).unwrap()
}

#[test]
fn jwk_alg_use_and_key_ops_are_enforced() {
    let token = token(Alg::RS256, &claims());
    let key = |extra: Value| KeySet::from_text(&jwk_of(Alg::RS256, extra).to_string());
    verify_with(
        key(json!({"alg": "RS256", "use": "sig", "key_ops": ["verify"]})).unwrap(),
        options(),
        &token,
    )
    .unwrap();
    let pinned_to_rs384 = key(json!({"alg": "RS384"})).unwrap();
    assert_eq!(
        code(verify_with(pinned_to_rs384, options(), &token)),
        "ERR_JOSE_ALG_NOT_ALLOWED"
    );
    for refused in [
        json!({"use": "enc"}),
        json!({"key_ops": ["encrypt"]}),
        json!({"key_ops": "verify"}),
        json!({"alg": "ES256"}),
        json!({"alg": "HS256"}),
        json!({"alg": "RSA-OAEP"}),
        json!({"d": "AQAB"}),
    ] {
        assert_eq!(
            key(refused.clone()).unwrap_err().code(),
            "ERR_JWK_INVALID",
            "{refused}"
        );
    }
    // In a set, a key for encryption is skipped rather than fatal, and the error says so;
    // the skipped keys named are those with the token's kid.
    let set = json!({"keys": [
        jwk_of(Alg::RS256, json!({"use": "enc", "kid": "k"})),
        jwk_of(Alg::RS256, json!({"kid": "other", "alg": "HS256"})),
    ]});
    let set = KeySet::from_text(&set.to_string()).unwrap();
    let token = token_with_header(Alg::RS256, &json!({"alg": "RS256", "kid": "k"}), &claims());
    let error = Verifier::new(set, options()).verify(&token).unwrap_err();
    assert_eq!(error.code(), "ERR_JWKS_NO_MATCHING_KEY");
    let message = error.message();
    assert!(
        message.starts_with(
            "no key in the JWK Set fits the token's kid \"k\" and alg RS256 (keys skipped: "
        ),
        "{message}"
    );
    assert!(message.contains("\"use\""), "{message}");
    assert!(!message.contains("HS256"), "{message}");
}

#[test]
fn rsa_moduli_under_2048_bits_are_refused() {
    let pem = common::read_key("rsa1024.pub.pem");
    let error = KeySet::from_text(&pem).unwrap_err();
    assert_eq!(error.code(), "ERR_JWK_INVALID");
    assert!(error.message().contains("1024 bits"), "{error:?}");
    // A modulus of only zero bytes has no bits at all (once a panic, found by proptest).
    for n in ["AAAA", "AA"] {
        let jwk = format!(r#"{{"kty": "RSA", "n": "{n}", "e": "AQAB"}}"#);
        let error = KeySet::from_text(&jwk).unwrap_err();
        assert_eq!(error.code(), "ERR_JWK_INVALID", "n = {n}");
    }
}

#[test]
fn every_key_format_is_read() {
    let token = token(Alg::RS256, &claims());
    for file in [
        "rsa2048.pub.pem",
        "rsa2048.pkcs1.pub.pem",
        "rsa2048.v1.cert.pem",
    ] {
        let keys = KeySet::from_text(&common::read_key(file)).unwrap();
        verify_with(keys, options(), &token).unwrap();
    }
    let es = token_with_header(Alg::ES256, &json!({"alg": "ES256"}), &claims());
    let cert = KeySet::from_text(&common::read_key("p256.cert.pem")).unwrap();
    verify_with(cert, options(), &es).unwrap();
    let private = KeySet::from_text(&common::read_key("p256.pem")).unwrap_err();
    assert_eq!(private.code(), "ERR_JWK_INVALID");
    assert!(private.message().contains("private key"));
    for garbage in [
        "",
        "hello",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
        "{",
        "[]",
    ] {
        assert_eq!(
            KeySet::from_text(garbage).unwrap_err().code(),
            "ERR_JWK_INVALID",
            "{garbage:?}"
        );
    }
}

// --- JWKS -------------------------------------------------------------------------------

#[test]
fn jwks_candidates_by_kid_and_type() {
    let set = || {
        jwks(&[
            (Alg::RS256, Some("rsa")),
            (Alg::ES256, Some("ec")),
            (Alg::EdDSA, Some("ed")),
        ])
    };
    let with_kid = |alg: Alg, kid: &str| {
        token_with_header(alg, &json!({"alg": alg.name(), "kid": kid}), &claims())
    };
    verify_with(set(), options(), &with_kid(Alg::ES256, "ec")).unwrap();
    verify_with(set(), options(), &with_kid(Alg::PS256, "rsa")).unwrap();
    assert_eq!(
        code(verify_with(
            set(),
            options(),
            &with_kid(Alg::ES256, "other")
        )),
        "ERR_JWKS_NO_MATCHING_KEY"
    );
    // The kid exists but names a key of another type.
    assert_eq!(
        code(verify_with(set(), options(), &with_kid(Alg::ES256, "rsa"))),
        "ERR_JWKS_NO_MATCHING_KEY"
    );
    // Without a kid, every key that fits is a candidate.
    verify_with(set(), options(), &token(Alg::EdDSA, &claims())).unwrap();
}

#[test]
fn several_candidates_are_each_tried() {
    // Two P-256 keys without kid: the second is the right one.
    let wrong = json!({"kty": "EC", "crv": "P-256",
        "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
        "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"});
    let set = json!({"keys": [wrong, jwk_of(Alg::ES256, json!({}))]});
    let keys = KeySet::from_text(&set.to_string()).unwrap();
    let token = token(Alg::ES256, &claims());
    verify_with(keys.clone(), options(), &token).unwrap();
    let error = keys.select(Alg::ES256, None).unwrap_err();
    assert_eq!(error.code(), "ERR_JWKS_MULTIPLE_MATCHING_KEYS");
    let only_wrong = KeySet::from_text(&json!({"keys": [wrong, wrong]}).to_string()).unwrap();
    assert_eq!(
        code(verify_with(only_wrong, options(), &token)),
        "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
    );
}

#[test]
fn malformed_key_sets_are_refused() {
    for bad in [
        json!({"keys": "x"}),
        json!({"keys": [1]}),
        json!({"keys": [{"kty": "RSA", "kid": 5}]}),
        json!({"keys": [jwk_of(Alg::ES256, json!({"d": "AAAA"}))]}),
    ] {
        assert_eq!(
            KeySet::from_text(&bad.to_string()).unwrap_err().code(),
            "ERR_JWKS_INVALID",
            "{bad}"
        );
    }
    // An unusable key is named when the token asks for it.
    let set = json!({"keys": [{"kty": "RSA", "kid": "small", "n": "AQAB", "e": "AQAB"}]});
    let keys = KeySet::from_text(&set.to_string()).unwrap();
    let token = token_with_header(
        Alg::RS256,
        &json!({"alg": "RS256", "kid": "small"}),
        &claims(),
    );
    let error = Verifier::new(keys, options()).verify(&token).unwrap_err();
    assert_eq!(error.code(), "ERR_JWKS_NO_MATCHING_KEY");
    assert!(error.message().contains("bits"), "{error:?}");
}

// --- Signature checks -------------------------------------------------------------------

fn with_signature(token: &str, signature: &[u8]) -> String {
    let parts = segments(token);
    format!("{}.{}.{}", parts[0], parts[1], base64url::encode(signature))
}

fn signature_of(token: &str) -> Vec<u8> {
    base64url::decode(segments(token)[2].as_bytes()).unwrap()
}

#[test]
fn tampering_fails_the_signature() {
    for alg in Alg::all() {
        let valid = token(alg, &claims());
        let parts = segments(&valid);
        let mut changed = claims();
        changed["sub"] = json!("admin");
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            base64url::encode(changed.to_string().as_bytes()),
            parts[2]
        );
        assert_eq!(
            code(verify(alg, &forged)),
            "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
            "{alg}"
        );
        let mut signature = signature_of(&valid);
        signature[5] ^= 1;
        assert_eq!(
            code(verify(alg, &with_signature(&valid, &signature))),
            "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
            "{alg}"
        );
    }
}

#[test]
fn rsa_signature_length_must_equal_modulus_length() {
    for alg in [Alg::RS256, Alg::PS256] {
        let valid = token(alg, &claims());
        let mut longer = vec![0u8];
        longer.extend(signature_of(&valid));
        assert_eq!(
            code(verify(alg, &with_signature(&valid, &longer))),
            "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
        );
        let shorter = &signature_of(&valid)[1..];
        assert_eq!(
            code(verify(alg, &with_signature(&valid, shorter))),
            "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
        );
    }
}

#[test]
fn ecdsa_zero_and_out_of_range_scalars_are_refused() {
    // CVE-2022-21449 ("psychic signatures"): r = s = 0 must never verify.
    for (alg, len) in [
        (Alg::ES256, 64),
        (Alg::ES384, 96),
        (Alg::ES512, 132),
        (Alg::ES256K, 64),
    ] {
        let valid = token(alg, &claims());
        assert_eq!(
            code(verify(alg, &with_signature(&valid, &vec![0; len]))),
            "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
        );
        assert_eq!(
            code(verify(alg, &with_signature(&valid, &vec![0xff; len]))),
            "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
        );
    }
    // r = n (the P-256 group order) with the real s.
    let valid = token(Alg::ES256, &claims());
    let mut signature = signature_of(&valid);
    let order = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
    signature[..32].copy_from_slice(&hex::decode(order).unwrap());
    assert_eq!(
        code(verify(Alg::ES256, &with_signature(&valid, &signature))),
        "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
    );
}

#[test]
fn ecdsa_high_s_is_accepted_like_webcrypto() {
    let valid = token(Alg::ES256, &claims());
    let signature = p256::ecdsa::Signature::from_slice(&signature_of(&valid)).unwrap();
    let (r, s) = signature.split_scalars();
    let high = p256::ecdsa::Signature::from_scalars(r.to_bytes(), (-*s).to_bytes()).unwrap();
    assert_ne!(high, signature);
    verify(Alg::ES256, &with_signature(&valid, &high.to_bytes())).unwrap();

    let valid = token(Alg::ES256K, &claims());
    let signature = k256::ecdsa::Signature::from_slice(&signature_of(&valid)).unwrap();
    let (r, s) = signature.split_scalars();
    let high = k256::ecdsa::Signature::from_scalars(r.to_bytes(), (-*s).to_bytes()).unwrap();
    verify(Alg::ES256K, &with_signature(&valid, &high.to_bytes())).unwrap();
}

#[test]
fn ecdsa_der_signatures_in_tokens_are_invalid() {
    for alg in [Alg::ES256, Alg::ES384, Alg::ES256K] {
        let valid = token(alg, &claims());
        let raw = signature_of(&valid);
        let half = raw.len() / 2;
        let der = der_signature(&raw[..half], &raw[half..]);
        assert_eq!(
            code(verify(alg, &with_signature(&valid, &der))),
            "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
            "{alg}"
        );
    }
}

fn der_signature(r: &[u8], s: &[u8]) -> Vec<u8> {
    let integer = |bytes: &[u8]| {
        let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
        let mut out = vec![0x02];
        let mut value = if trimmed.first().is_some_and(|b| b & 0x80 != 0) {
            vec![0]
        } else {
            vec![]
        };
        value.extend(trimmed);
        out.push(value.len() as u8);
        out.extend(value);
        out
    };
    let body = [integer(r), integer(s)].concat();
    [vec![0x30, body.len() as u8], body].concat()
}

#[test]
fn ed25519_is_strict() {
    let valid = token(Alg::EdDSA, &claims());
    let mut signature = signature_of(&valid);
    // s + L is the same scalar mod L, but not canonical.
    let order: [u8; 32] =
        hex::decode("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
            .unwrap()
            .try_into()
            .unwrap();
    let mut carry = 0u16;
    for (byte, add) in signature[32..].iter_mut().zip(order) {
        let sum = *byte as u16 + add as u16 + carry;
        *byte = sum as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0);
    assert_eq!(
        code(verify(Alg::EdDSA, &with_signature(&valid, &signature))),
        "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
    );
    // Small-order (identity) key, and a non-canonical encoding of y = 1.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let mut non_canonical = [0xffu8; 32];
    non_canonical[0] = 0xee;
    non_canonical[31] = 0x7f;
    for key in [identity, non_canonical] {
        let jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": base64url::encode(&key)});
        assert_eq!(
            KeySet::from_text(&jwk.to_string()).unwrap_err().code(),
            "ERR_JWK_INVALID"
        );
    }
    // Both names verify with the same key.
    verify(Alg::Ed25519, &token(Alg::Ed25519, &claims())).unwrap();
}

// --- Claims through the whole pipeline --------------------------------------------------

#[test]
fn claim_checks_end_to_end() {
    let token = token(Alg::ES256, &claims());
    let with = |options: VerifyOptions| {
        Verifier::new(public_keys(Alg::ES256), options)
            .verify(&token)
            .map_err(|error| {
                (
                    error.code().to_owned(),
                    error.claim().map(str::to_owned),
                    error.reason().map(|r| r.as_str()),
                )
            })
    };
    let good = VerifyOptions {
        issuer: vec!["https://issuer.example".into()],
        audience: vec!["other".into(), "api://test".into()],
        subject: Some("user-1".into()),
        typ: Some("jwt".into()),
        max_token_age: Some(60),
        required_claims: vec!["iat".into()],
        ..options()
    };
    with(good.clone()).unwrap();
    let failure = |options: VerifyOptions| with(options).unwrap_err();
    let (code, claim, reason) = failure(VerifyOptions {
        current_time: Some(NOW + 3600),
        ..good.clone()
    });
    assert_eq!(
        (code.as_str(), claim.as_deref(), reason),
        ("ERR_JWT_EXPIRED", Some("exp"), Some("check_failed"))
    );
    let (code, claim, _) = failure(VerifyOptions {
        issuer: vec!["x".into()],
        ..good.clone()
    });
    assert_eq!(
        (code.as_str(), claim.as_deref()),
        ("ERR_JWT_CLAIM_VALIDATION_FAILED", Some("iss"))
    );
    let (_, claim, _) = failure(VerifyOptions {
        audience: vec!["x".into()],
        ..good.clone()
    });
    assert_eq!(claim.as_deref(), Some("aud"));
    let (_, claim, _) = failure(VerifyOptions {
        subject: Some("x".into()),
        ..good.clone()
    });
    assert_eq!(claim.as_deref(), Some("sub"));
    let (_, claim, _) = failure(VerifyOptions {
        typ: Some("at+jwt".into()),
        ..good.clone()
    });
    assert_eq!(claim.as_deref(), Some("typ"));
    let (code, claim, _) = failure(VerifyOptions {
        max_token_age: Some(5),
        ..good.clone()
    });
    assert_eq!(
        (code.as_str(), claim.as_deref()),
        ("ERR_JWT_EXPIRED", Some("iat"))
    );
    let (_, claim, reason) = failure(VerifyOptions {
        required_claims: vec!["jti".into()],
        ..good.clone()
    });
    assert_eq!((claim.as_deref(), reason), (Some("jti"), Some("missing")));
    // exp is NOW + 3600: 30 s past it, a 31 s tolerance still accepts.
    with(VerifyOptions {
        current_time: Some(NOW + 3630),
        clock_tolerance: 31,
        max_token_age: None,
        ..good
    })
    .unwrap();
}

#[test]
fn decode_reads_without_verifying_even_unsigned_tokens() {
    let unsigned = format!(
        "{}.{}.",
        base64url::encode(br#"{"alg":"none"}"#),
        base64url::encode(b"{\"sub\":\"x\"}")
    );
    let decoded = kmsjwt_verify::decode(&unsigned).unwrap();
    assert_eq!(decoded.header["alg"], "none");
    assert_eq!(decoded.claims["sub"], "x");
    assert!(decoded.signature.is_empty());
    // Still refused by verify, and decode still refuses what is not a token.
    assert_eq!(
        code(verify(Alg::RS256, &unsigned)),
        "ERR_JOSE_ALG_NOT_ALLOWED"
    );
    for bad in ["e30.e30", "e30.e30.AQ=", "W10.e30.", "e30.W10."] {
        assert!(kmsjwt_verify::decode(bad).is_err(), "{bad}");
    }
}

// --- ML-DSA (RFC 9964) ------------------------------------------------------------------

#[test]
fn ml_dsa_keys_are_akp_with_a_required_alg() {
    let token = token(Alg::MlDsa44, &claims());
    let jwk = jwk_of(Alg::MlDsa44, json!({}));
    assert_eq!(jwk["kty"], "AKP");
    assert_eq!(jwk["alg"], "ML-DSA-44");
    verify_with(
        KeySet::from_text(&jwk.to_string()).unwrap(),
        options(),
        &token,
    )
    .unwrap();
    // Thumbprint members are alg, kty, pub in that order.
    let members: Vec<&String> = jwk.as_object().unwrap().keys().collect();
    assert_eq!(members, ["alg", "kty", "pub"]);

    let mut no_alg = jwk.clone();
    no_alg.as_object_mut().unwrap().remove("alg");
    assert_eq!(
        KeySet::from_text(&no_alg.to_string()).unwrap_err().code(),
        "ERR_JWK_INVALID"
    );
    // The 44 key's bytes claimed as a 65 key: wrong length.
    let mut relabelled = jwk.clone();
    relabelled["alg"] = json!("ML-DSA-65");
    assert_eq!(
        KeySet::from_text(&relabelled.to_string())
            .unwrap_err()
            .code(),
        "ERR_JWK_INVALID"
    );
    let mut not_ml_dsa = jwk.clone();
    not_ml_dsa["alg"] = json!("ES256");
    assert_eq!(
        KeySet::from_text(&not_ml_dsa.to_string())
            .unwrap_err()
            .code(),
        "ERR_JOSE_NOT_SUPPORTED"
    );
}

#[test]
fn ml_dsa_levels_do_not_mix_and_lengths_are_exact() {
    let token_65 = token(Alg::MlDsa65, &claims());
    assert_eq!(
        code(verify(Alg::MlDsa44, &token_65)),
        "ERR_JOSE_ALG_NOT_ALLOWED"
    );
    assert_eq!(
        code(verify(Alg::MlDsa87, &token_65)),
        "ERR_JOSE_ALG_NOT_ALLOWED"
    );
    let signature = signature_of(&token_65);
    assert_eq!(signature.len(), 3309);
    let mut longer = signature.clone();
    longer.push(0);
    assert_eq!(
        code(verify(Alg::MlDsa65, &with_signature(&token_65, &longer))),
        "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
    );
    assert_eq!(
        code(verify(
            Alg::MlDsa65,
            &with_signature(&token_65, &signature[..3308])
        )),
        "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
    );
    // A pre-hash (HashML-DSA) name is not a JOSE alg.
    let parts = segments(&token_65);
    let prehash = format!(
        "{}.{}.{}",
        base64url::encode(br#"{"alg":"HashML-DSA-65"}"#),
        parts[1],
        parts[2]
    );
    assert_eq!(
        code(verify(Alg::MlDsa65, &prehash)),
        "ERR_JOSE_NOT_SUPPORTED"
    );
}
