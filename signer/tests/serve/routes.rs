//! Every route of the shared service, and its tokens checked by the verifier core and jose.

use serde_json::{Value, json};

use crate::common::Ministack;
use crate::harness::{
    ISSUER, KEY_ANY, KEY_FULL, KEY_ONE, jose_case, jwk_by_kid, shared, verify_with_core,
    verify_with_jose,
};

#[test]
fn tokens_carry_the_requested_and_server_claims_and_verify_with_the_core_and_jose() {
    let shared = shared();
    let service = &shared.service;
    let jwks_text = service.get("/.well-known/jwks.json").body;
    let jwks: Value = serde_json::from_str(&jwks_text).unwrap();

    let issued = service.token(
        KEY_FULL,
        &json!({
            "claims": {"sub": "user-1", "scope": "read write", "nested": {"a": [1, 2]}},
            "ttl": "5m",
            "audience": "api://billing",
        }),
    );
    let token = issued["token"].as_str().unwrap();
    let kid = issued["kid"].as_str().unwrap();
    let claims = verify_with_core(token, &jwks_text, "api://billing");
    assert_eq!(claims["iss"], ISSUER);
    assert_eq!(claims["aud"], "api://billing");
    assert_eq!(claims["sub"], "user-1");
    assert_eq!(claims["scope"], "read write");
    assert_eq!(claims["nested"], json!({"a": [1, 2]}));
    // Fixed claims of the client's policy.
    assert_eq!(claims["tenant"], "acme");
    assert_eq!(claims["tier"], 2);
    // Set by the server.
    let (iat, exp) = (
        claims["iat"].as_i64().unwrap(),
        claims["exp"].as_i64().unwrap(),
    );
    assert_eq!(exp - iat, 300);
    assert_eq!(claims["nbf"], claims["iat"]);
    assert_eq!(issued["expires_at"], exp);
    let now = kmsjwt::signer::unix_now();
    assert!((iat - now).abs() <= 5, "iat {iat} is now ({now})");
    let jti = claims["jti"].as_str().unwrap();
    assert_eq!(jti.len(), 22);
    // The kid is the signing key's thumbprint, the first key of the JWK Set.
    let decoded = kmsjwt_verify::decode(token).unwrap();
    assert_eq!(decoded.header["kid"], kid);
    assert_eq!(decoded.header["alg"], "ES256");
    assert_eq!(jwks["keys"][0]["kid"], kid);

    // Another token: another jti.
    let second = service.token(KEY_ONE, &json!({}));
    let second_token = second["token"].as_str().unwrap();
    let second_claims = verify_with_core(second_token, &jwks_text, "api://one");
    assert_ne!(second_claims["jti"], claims["jti"]);
    assert_eq!(
        second_claims["aud"], "api://one",
        "the client's only audience"
    );
    // Default ttl: 15 min.
    let ttl = second_claims["exp"].as_i64().unwrap() - second_claims["iat"].as_i64().unwrap();
    assert_eq!(ttl, 900);

    // Several audiences give an array.
    let several = service.token(KEY_ANY, &json!({"audience": ["api://x", "api://y"]}));
    let several_claims =
        verify_with_core(several["token"].as_str().unwrap(), &jwks_text, "api://y");
    assert_eq!(several_claims["aud"], json!(["api://x", "api://y"]));

    let pem = Ministack::shared()
        .kmsjwt(&["public-key", "--key-id", &shared.key.key_id])
        .token();
    let jwk = jwk_by_kid(&jwks, kid);
    verify_with_jose(&[
        jose_case("full", token, jwk, &pem, "api://billing"),
        jose_case("one", second_token, jwk, &pem, "api://one"),
    ]);
}

#[test]
fn jwks_lists_the_signing_key_then_the_previous_key_with_a_max_age() {
    let shared = shared();
    let response = shared.service.get("/.well-known/jwks.json");
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("cache-control"),
        Some("public, max-age=120")
    );
    assert_eq!(response.header("content-type"), Some("application/json"));
    let jwks = response.json();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0]["kty"], "EC");
    assert_eq!(keys[0]["alg"], "ES256");
    assert_eq!(keys[1]["kty"], "RSA");
    assert_eq!(keys[1]["alg"], "RS256");
    for (jwk, key) in keys.iter().zip([&shared.key, &shared.previous]) {
        // Each kid is that key's thumbprint, as `kmsjwt public-key` publishes it.
        let published = Ministack::shared()
            .kmsjwt(&["public-key", "--key-id", &key.key_id, "--format", "jwk"])
            .token();
        assert_eq!(jwk["kid"], crate::common::json(&published)["kid"]);
        assert_eq!(jwk["use"], "sig");
        assert!(jwk.get("d").is_none(), "no private members");
    }
    // The verifier core accepts it as a key set.
    kmsjwt_verify::KeySet::from_text(&response.body).unwrap();
}

#[test]
fn healthz_reports_kms_reachable_and_the_key_usable() {
    let shared = shared();
    let response = shared.service.get("/healthz");
    assert_eq!(response.status, 200, "{response:#?}");
    let body = response.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["kms"], "reachable");
    assert_eq!(body["key"], shared.key.arn);
    assert_eq!(body["alg"], "ES256");
}

#[test]
fn metrics_count_requests_by_status_errors_by_code_and_kms_latency() {
    let service = &shared().service;
    service.token(KEY_ANY, &json!({}));
    service
        .token_request(None, &json!({}))
        .assert_error(401, "ERR_API_KEY_MISSING");
    let response = service.get("/metrics");
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let value = |prefix: &str| -> f64 {
        response
            .body
            .lines()
            .find_map(|line| line.strip_prefix(prefix))
            .and_then(|rest| rest.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {prefix} in\n{}", response.body))
    };
    assert!(value("kmsjwt_http_requests_total{route=\"/v1/tokens\",status=\"200\"}") >= 1.0);
    assert!(value("kmsjwt_http_requests_total{route=\"/v1/tokens\",status=\"401\"}") >= 1.0);
    assert!(value("kmsjwt_errors_total{code=\"ERR_API_KEY_MISSING\"}") >= 1.0);
    assert!(value("kmsjwt_tokens_issued_total{client=\"any\"}") >= 1.0);
    let count = value("kmsjwt_kms_sign_duration_seconds_count");
    assert!(count >= 1.0);
    assert_eq!(
        value("kmsjwt_kms_sign_duration_seconds_bucket{le=\"+Inf\"}"),
        count
    );
    assert!(value("kmsjwt_kms_sign_duration_seconds_sum") > 0.0);
    for line in response.body.lines().filter(|line| !line.starts_with('#')) {
        let (_, number) = line.rsplit_once(' ').unwrap();
        assert!(number.parse::<f64>().is_ok(), "not a sample line: {line}");
    }
}

#[test]
fn unknown_routes_and_methods_answer_json_errors() {
    let service = &shared().service;
    service.get("/v2/tokens").assert_error(404, "ERR_NOT_FOUND");
    service
        .get("/v1/tokens")
        .assert_error(405, "ERR_METHOD_NOT_ALLOWED");
    crate::harness::http(service.port, "POST", "/healthz", &[], Some(b"{}"))
        .assert_error(405, "ERR_METHOD_NOT_ALLOWED");
}

#[test]
fn the_configured_alg_and_key_id_kid_reach_tokens_and_the_jwk_set() {
    let server = Ministack::shared();
    let key = server.create_key("RSA_2048", None);
    let text = crate::harness::config(
        &key.key_id,
        &format!(
            "alg = \"PS256\"\nkid = \"key-id\"\n{}",
            crate::harness::client("c", "key-c", "audiences = [\"api://ps\"]")
        ),
    );
    let service = crate::harness::Service::start(&server.endpoint(), &text, &[]);
    let jwks = service.get("/.well-known/jwks.json");
    let jwk = &jwks.json()["keys"][0];
    assert_eq!(jwk["alg"], "PS256");
    assert_eq!(jwk["kid"], key.key_id.as_str());
    let issued = service.token("key-c", &json!({}));
    assert_eq!(issued["kid"], key.key_id.as_str());
    let token = issued["token"].as_str().unwrap();
    let header = kmsjwt_verify::decode(token).unwrap().header;
    assert_eq!(header["alg"], "PS256");
    assert_eq!(header["kid"], key.key_id.as_str());
    verify_with_core(token, &jwks.body, "api://ps");
}
