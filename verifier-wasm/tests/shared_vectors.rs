//! The SPEC rule vectors shared with the JavaScript package tests: tests/vectors/verify.json
//! holds cases of {token, key text, jose-style options, expected payload or error}. This
//! test checks every case natively; the npm package's suite runs the same file in Node,
//! workerd and Chromium. `KMSJWT_WRITE_VECTORS=1 cargo test --test shared_vectors`
//! rewrites the file (signatures differ each time; expectations do not).

mod common;

use common::{
    NOW, claims, key_name, public_pem, read_key, token, token_from_parts, token_with_header,
};
use kmsjwt_verify::{Alg, KeySet, Verifier, VerifyOptions, base64url};
use serde_json::{Map, Value, json};

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/verify.json");

fn ok(name: &str, token: String, key: String, options: Value) -> Value {
    json!({"name": name, "token": token, "key": key, "options": options, "expect": {"payload": claims()}})
}

fn err(name: &str, token: String, key: String, options: Value, code: &str) -> Value {
    json!({"name": name, "token": token, "key": key, "options": options, "expect": {"code": code}})
}

fn claim_err(
    name: &str,
    token: String,
    key: String,
    options: Value,
    code: &str,
    claim: &str,
    reason: &str,
) -> Value {
    json!({"name": name, "token": token, "key": key, "options": options,
        "expect": {"code": code, "claim": claim, "reason": reason}})
}

fn jwk_text(alg: Alg, extra: Value) -> String {
    let keys = KeySet::from_text(&public_pem(alg)).unwrap();
    let mut jwk = kmsjwt_verify::keys::public_jwk(&keys.keys().next().unwrap().key);
    jwk.extend(extra.as_object().unwrap().clone());
    Value::Object(jwk).to_string()
}

fn generate() -> Vec<Value> {
    let now = json!({"currentDate": NOW});
    let with = |extra: Value| {
        let mut options = now.clone();
        options
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        options
    };
    let mut cases = Vec::new();
    for alg in Alg::all() {
        cases.push(ok(
            &format!("{alg} with PEM"),
            token(alg, &claims()),
            public_pem(alg),
            now.clone(),
        ));
        cases.push(ok(
            &format!("{alg} with JWK"),
            token(alg, &claims()),
            jwk_text(alg, json!({})),
            now.clone(),
        ));
    }
    let jwks = format!(
        r#"{{"keys":[{},{},{}]}}"#,
        jwk_text(Alg::RS256, json!({"kid": "rsa-1"})),
        jwk_text(Alg::ES256, json!({"kid": "ec-1", "use": "sig"})),
        jwk_text(Alg::EdDSA, json!({"kid": "ed-1", "alg": "EdDSA"}))
    );
    let kid_token = |alg: Alg, kid: &str| {
        token_with_header(alg, &json!({"alg": alg.name(), "kid": kid}), &claims())
    };
    cases.push(ok(
        "JWKS selects by kid",
        kid_token(Alg::ES256, "ec-1"),
        jwks.clone(),
        now.clone(),
    ));
    cases.push(ok(
        "JWKS without kid tries every key",
        token(Alg::PS256, &claims()),
        jwks.clone(),
        now.clone(),
    ));
    cases.push(err(
        "JWKS unknown kid",
        kid_token(Alg::ES256, "ec-9"),
        jwks.clone(),
        now.clone(),
        "ERR_JWKS_NO_MATCHING_KEY",
    ));
    cases.push(err(
        "JWKS kid of another key type",
        kid_token(Alg::ES256, "rsa-1"),
        jwks.clone(),
        now.clone(),
        "ERR_JWKS_NO_MATCHING_KEY",
    ));
    cases.push(err(
        "JWKS malformed",
        token(Alg::ES256, &claims()),
        r#"{"keys":{}}"#.into(),
        now.clone(),
        "ERR_JWKS_INVALID",
    ));

    let es = || token(Alg::ES256, &claims());
    let es_key = || public_pem(Alg::ES256);
    let parts = |token: &str| token.split('.').map(str::to_owned).collect::<Vec<_>>();
    let valid = es();
    let p = parts(&valid);
    let mut tampered_claims = claims();
    tampered_claims["sub"] = json!("admin");
    let tampered = format!(
        "{}.{}.{}",
        p[0],
        base64url::encode(tampered_claims.to_string().as_bytes()),
        p[2]
    );
    cases.push(err(
        "tampered payload",
        tampered,
        es_key(),
        now.clone(),
        "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
    ));
    cases.push(err(
        "all-zero ECDSA signature",
        format!("{}.{}.{}", p[0], p[1], base64url::encode(&[0; 64])),
        es_key(),
        now.clone(),
        "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
    ));
    cases.push(err(
        "two segments",
        format!("{}.{}", p[0], p[1]),
        es_key(),
        now.clone(),
        "ERR_JWS_INVALID",
    ));
    cases.push(err(
        "four segments",
        format!("{valid}.e30"),
        es_key(),
        now.clone(),
        "ERR_JWS_INVALID",
    ));
    cases.push(err(
        "padded segment",
        format!("{}=.{}.{}", p[0], p[1], p[2]),
        es_key(),
        now.clone(),
        "ERR_JWS_INVALID",
    ));
    cases.push(err(
        "whitespace",
        format!("{valid} "),
        es_key(),
        now.clone(),
        "ERR_JWS_INVALID",
    ));
    cases.push(err(
        "payload not JSON",
        token_from_parts(Alg::ES256, br#"{"alg":"ES256"}"#, b"Payload"),
        es_key(),
        now.clone(),
        "ERR_JWT_INVALID",
    ));
    let duplicate = format!(r#"{{"sub":"a","sub":"b","exp":{}}}"#, NOW + 60);
    cases.push(err(
        "duplicate claim",
        token_from_parts(Alg::ES256, br#"{"alg":"ES256"}"#, duplicate.as_bytes()),
        es_key(),
        now.clone(),
        "ERR_JWT_INVALID",
    ));
    let unsigned = format!("{}.{}.", base64url::encode(br#"{"alg":"none"}"#), p[1]);
    cases.push(err(
        "alg none",
        unsigned,
        es_key(),
        now.clone(),
        "ERR_JOSE_ALG_NOT_ALLOWED",
    ));
    let hs = format!(
        "{}.{}.{}",
        base64url::encode(br#"{"alg":"HS256"}"#),
        p[1],
        base64url::encode(&[1; 32])
    );
    cases.push(err(
        "alg HS256 with a public key",
        hs,
        public_pem(Alg::RS256),
        now.clone(),
        "ERR_JOSE_ALG_NOT_ALLOWED",
    ));
    let unknown = format!(
        "{}.{}.{}",
        base64url::encode(br#"{"alg":"XS256"}"#),
        p[1],
        p[2]
    );
    cases.push(err(
        "unknown alg",
        unknown,
        es_key(),
        now.clone(),
        "ERR_JOSE_NOT_SUPPORTED",
    ));
    cases.push(err(
        "alg does not fit the key",
        token(Alg::RS256, &claims()),
        es_key(),
        now.clone(),
        "ERR_JOSE_ALG_NOT_ALLOWED",
    ));
    cases.push(err(
        "alg not in algorithms",
        es(),
        es_key(),
        with(json!({"algorithms": ["ES384", "EdDSA"]})),
        "ERR_JOSE_ALG_NOT_ALLOWED",
    ));
    cases.push(ok(
        "alg in algorithms",
        es(),
        es_key(),
        with(json!({"algorithms": ["ES256"]})),
    ));
    cases.push(err(
        "JWK alg differs",
        token(Alg::RS256, &claims()),
        jwk_text(Alg::RS256, json!({"alg": "PS256"})),
        now.clone(),
        "ERR_JOSE_ALG_NOT_ALLOWED",
    ));
    cases.push(err(
        "RSA key under 2048 bits",
        token(Alg::RS256, &claims()),
        read_key("rsa1024.pub.pem"),
        now.clone(),
        "ERR_JWK_INVALID",
    ));
    cases.push(err(
        "private key given",
        es(),
        read_key(&format!("{}.pem", key_name(Alg::ES256))),
        now.clone(),
        "ERR_JWK_INVALID",
    ));
    cases.push(err(
        "JWK with use enc",
        token(Alg::RS256, &claims()),
        jwk_text(Alg::RS256, json!({"use": "enc"})),
        now.clone(),
        "ERR_JWK_INVALID",
    ));
    let crit = token_with_header(
        Alg::ES256,
        &json!({"alg": "ES256", "crit": ["ext"], "ext": true}),
        &claims(),
    );
    cases.push(err(
        "crit not understood",
        crit.clone(),
        es_key(),
        now.clone(),
        "ERR_JOSE_NOT_SUPPORTED",
    ));
    cases.push(ok(
        "crit understood",
        crit,
        es_key(),
        with(json!({"crit": {"ext": true}})),
    ));
    let bad_crit = token_with_header(Alg::ES256, &json!({"alg": "ES256", "crit": []}), &claims());
    cases.push(err(
        "crit malformed",
        bad_crit,
        es_key(),
        now.clone(),
        "ERR_JWS_INVALID",
    ));

    let expired = json!({"currentDate": NOW + 3600});
    cases.push(claim_err(
        "expired",
        es(),
        es_key(),
        expired,
        "ERR_JWT_EXPIRED",
        "exp",
        "check_failed",
    ));
    cases.push(ok(
        "expired within clockTolerance",
        es(),
        es_key(),
        json!({"currentDate": NOW + 3600, "clockTolerance": "1m"}),
    ));
    let mut early = claims();
    early["nbf"] = json!(NOW + 60);
    cases.push(claim_err(
        "not yet valid",
        token(Alg::ES256, &early),
        es_key(),
        now.clone(),
        "ERR_JWT_CLAIM_VALIDATION_FAILED",
        "nbf",
        "check_failed",
    ));
    let mut mistyped = claims();
    mistyped["exp"] = json!("tomorrow");
    cases.push(claim_err(
        "exp not a number",
        token(Alg::ES256, &mistyped),
        es_key(),
        now.clone(),
        "ERR_JWT_CLAIM_VALIDATION_FAILED",
        "exp",
        "invalid",
    ));
    cases.push(ok("issuer, audience, subject, typ match", es(), es_key(), with(json!({
        "issuer": ["https://other.example", "https://issuer.example"], "audience": "api://test",
        "subject": "user-1", "typ": "application/JWT", "maxTokenAge": "1h", "requiredClaims": ["iat"]
    }))));
    cases.push(claim_err(
        "issuer mismatch",
        es(),
        es_key(),
        with(json!({"issuer": "https://other.example"})),
        "ERR_JWT_CLAIM_VALIDATION_FAILED",
        "iss",
        "check_failed",
    ));
    cases.push(claim_err(
        "audience mismatch",
        es(),
        es_key(),
        with(json!({"audience": ["api://other"]})),
        "ERR_JWT_CLAIM_VALIDATION_FAILED",
        "aud",
        "check_failed",
    ));
    cases.push(claim_err(
        "subject mismatch",
        es(),
        es_key(),
        with(json!({"subject": "user-2"})),
        "ERR_JWT_CLAIM_VALIDATION_FAILED",
        "sub",
        "check_failed",
    ));
    cases.push(claim_err(
        "typ mismatch",
        es(),
        es_key(),
        with(json!({"typ": "at+jwt"})),
        "ERR_JWT_CLAIM_VALIDATION_FAILED",
        "typ",
        "check_failed",
    ));
    cases.push(claim_err(
        "token too old",
        es(),
        es_key(),
        with(json!({"maxTokenAge": 5})),
        "ERR_JWT_EXPIRED",
        "iat",
        "check_failed",
    ));
    cases.push(claim_err(
        "required claim missing",
        es(),
        es_key(),
        with(json!({"requiredClaims": ["jti"]})),
        "ERR_JWT_CLAIM_VALIDATION_FAILED",
        "jti",
        "missing",
    ));
    cases.push(err(
        "invalid option",
        es(),
        es_key(),
        with(json!({"clockTolerance": "soon"})),
        "ERR_JOSE_GENERIC",
    ));
    cases
}

/// Runs one case natively, as the npm package's `verify(token, key, options)` would.
fn run(case: &Value) -> Result<Value, Value> {
    let describe = |error: kmsjwt_verify::Error| {
        let mut detail = json!({"code": error.code()});
        if let (Some(claim), Some(reason)) = (error.claim(), error.reason()) {
            detail["claim"] = json!(claim);
            detail["reason"] = json!(reason.as_str());
        }
        detail
    };
    let options =
        VerifyOptions::from_jose(case["options"].as_object().unwrap()).map_err(describe)?;
    let keys = KeySet::from_text(case["key"].as_str().unwrap()).map_err(describe)?;
    let verified = Verifier::new(keys, options)
        .verify(case["token"].as_str().unwrap())
        .map_err(describe)?;
    Ok(json!({"payload": Value::Object(verified.claims)}))
}

#[test]
fn shared_vectors_hold_natively() {
    if std::env::var_os("KMSJWT_WRITE_VECTORS").is_some() {
        let text = serde_json::to_string_pretty(&Value::Array(generate())).unwrap();
        std::fs::write(VECTORS, text + "\n").unwrap();
    }
    let cases: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(VECTORS).unwrap()).unwrap();
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let mut names = std::collections::BTreeSet::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        assert!(names.insert(name), "duplicate case name {name}");
        let outcome = match run(case) {
            Ok(value) | Err(value) => value,
        };
        let expected: Map<String, Value> = case["expect"].as_object().unwrap().clone();
        assert_eq!(outcome, Value::Object(expected), "case {name:?}");
    }
}
