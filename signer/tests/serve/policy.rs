//! Each rule of a client's policy, over HTTP, with its status and code. A refused request
//! never reaches KMS (the Sign count in the metrics does not move).

use serde_json::{Value, json};

use crate::harness::{KEY_ANY, KEY_FULL, KEY_ONE, shared};

fn sign_count() -> f64 {
    let metrics = shared().service.get("/metrics").body;
    metrics
        .lines()
        .find_map(|line| line.strip_prefix("kmsjwt_kms_sign_duration_seconds_count "))
        .and_then(|count| count.parse().ok())
        .unwrap()
}

#[test]
fn each_policy_rule_refuses_with_its_code() {
    let service = &shared().service;
    let orders = "api://orders";
    let cases: Vec<(&str, Value, u16, &str)> = vec![
        // Claims the server sets.
        (
            KEY_FULL,
            json!({"claims": {"iss": "me"}, "audience": orders}),
            400,
            "ERR_CLAIM_RESERVED",
        ),
        (
            KEY_FULL,
            json!({"claims": {"exp": 1}, "audience": orders}),
            400,
            "ERR_CLAIM_RESERVED",
        ),
        (
            KEY_FULL,
            json!({"claims": {"iat": 1}, "audience": orders}),
            400,
            "ERR_CLAIM_RESERVED",
        ),
        (
            KEY_FULL,
            json!({"claims": {"nbf": 1}, "audience": orders}),
            400,
            "ERR_CLAIM_RESERVED",
        ),
        (
            KEY_FULL,
            json!({"claims": {"jti": "x"}, "audience": orders}),
            400,
            "ERR_CLAIM_RESERVED",
        ),
        (
            KEY_ANY,
            json!({"claims": {"aud": "x"}}),
            400,
            "ERR_CLAIM_RESERVED",
        ),
        // Fixed claims cannot be set, not even to the same value.
        (
            KEY_FULL,
            json!({"claims": {"tenant": "other"}, "audience": orders}),
            403,
            "ERR_CLAIM_FIXED",
        ),
        (
            KEY_FULL,
            json!({"claims": {"tenant": "acme"}, "audience": orders}),
            403,
            "ERR_CLAIM_FIXED",
        ),
        // Forbidden and not allowed names.
        (
            KEY_FULL,
            json!({"claims": {"admin": true}, "audience": orders}),
            403,
            "ERR_CLAIM_FORBIDDEN",
        ),
        (
            KEY_FULL,
            json!({"claims": {"role": "x"}, "audience": orders}),
            403,
            "ERR_CLAIM_NOT_ALLOWED",
        ),
        // Audiences.
        (
            KEY_FULL,
            json!({"audience": "api://elsewhere"}),
            403,
            "ERR_AUDIENCE_NOT_ALLOWED",
        ),
        (
            KEY_FULL,
            json!({"audience": [orders, "api://elsewhere"]}),
            403,
            "ERR_AUDIENCE_NOT_ALLOWED",
        ),
        (KEY_FULL, json!({}), 400, "ERR_AUDIENCE_REQUIRED"),
        (
            KEY_ONE,
            json!({"audience": "api://two"}),
            403,
            "ERR_AUDIENCE_NOT_ALLOWED",
        ),
        // Lifetime: max_ttl 10m for "full", 1h (the default) for the others.
        (
            KEY_FULL,
            json!({"audience": orders, "ttl": 601}),
            403,
            "ERR_TTL_TOO_LONG",
        ),
        (
            KEY_FULL,
            json!({"audience": orders, "ttl": "11m"}),
            403,
            "ERR_TTL_TOO_LONG",
        ),
        (KEY_ANY, json!({"ttl": "2h"}), 403, "ERR_TTL_TOO_LONG"),
        // Malformed requests.
        (KEY_ANY, json!({"ttl": 0}), 400, "ERR_INVALID_REQUEST"),
        (
            KEY_ANY,
            json!({"ttl": "forever"}),
            400,
            "ERR_INVALID_REQUEST",
        ),
        (
            KEY_ANY,
            json!({"claims": ["a"]}),
            400,
            "ERR_INVALID_REQUEST",
        ),
        (
            KEY_ANY,
            json!({"claims": {"sub": 5}}),
            400,
            "ERR_INVALID_REQUEST",
        ),
        (
            KEY_ANY,
            json!({"audiences": "x"}),
            400,
            "ERR_INVALID_REQUEST",
        ),
        (KEY_ANY, json!([]), 400, "ERR_INVALID_REQUEST"),
    ];
    let before = sign_count();
    for (key, body, status, code) in &cases {
        let response = service.token_request(Some(key), body);
        assert_eq!(response.status, *status, "{body}: {response:#?}");
        assert_eq!(response.error_code(), *code, "{body}");
    }
    // Bodies that are not one JSON object.
    for body in [
        &b"not json"[..],
        b"",
        b"{\"claims\": {\"sub\": \"a\", \"sub\": \"b\"}}",
    ] {
        let response = crate::harness::http(
            service.port,
            "POST",
            "/v1/tokens",
            &[("Authorization", &format!("Bearer {KEY_ANY}"))],
            Some(body),
        );
        response.assert_error(400, "ERR_INVALID_REQUEST");
    }
    assert_eq!(sign_count(), before, "a refused request called KMS");
}

#[test]
fn what_the_policy_allows_is_signed() {
    let service = &shared().service;
    // Exactly at max_ttl, allowed claims only, an allowed audience.
    let issued = service.token(
        KEY_FULL,
        &json!({"claims": {"scope": "a"}, "audience": ["api://orders"], "ttl": 600}),
    );
    let claims = kmsjwt_verify::decode(issued["token"].as_str().unwrap())
        .unwrap()
        .claims;
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        600
    );
    assert_eq!(claims["aud"], "api://orders");
    assert_eq!(claims["tenant"], "acme");
    // No ttl: the default (15 min) capped by max_ttl (10 min).
    let capped = service.token(KEY_FULL, &json!({"audience": "api://orders"}));
    let claims = kmsjwt_verify::decode(capped["token"].as_str().unwrap())
        .unwrap()
        .claims;
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        600
    );
}
