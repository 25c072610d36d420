//! API keys: missing, wrong and revoked keys are 401 with a Bearer challenge; the config holds
//! only hashes; `--insecure-no-auth` only on loopback.

use serde_json::json;

use crate::common::{Ministack, unique};
use crate::harness::{KEY_ANY, KEY_REVOKED, Service, client, config, http, shared};

#[test]
fn missing_wrong_and_revoked_keys_are_401() {
    let service = &shared().service;
    let body = json!({"claims": {}});
    let missing = service.token_request(None, &body);
    missing.assert_error(401, "ERR_API_KEY_MISSING");
    assert_eq!(
        missing.header("www-authenticate"),
        Some("Bearer realm=\"kmsjwt\"")
    );

    let wrong = service.token_request(Some("not-a-configured-key"), &body);
    wrong.assert_error(401, "ERR_API_KEY_INVALID");
    assert!(
        wrong
            .header("www-authenticate")
            .is_some_and(|value| value.contains("error=\"invalid_token\"")),
        "{wrong:#?}"
    );

    service
        .token_request(Some(KEY_REVOKED), &body)
        .assert_error(401, "ERR_API_KEY_REVOKED");

    // The hash itself is not a key.
    let hash = kmsjwt::serve::api_key::ApiKeyHash::of(KEY_ANY).to_hex();
    service
        .token_request(Some(&hash), &body)
        .assert_error(401, "ERR_API_KEY_INVALID");

    // Other schemes are no key at all; the scheme name is case-insensitive.
    let basic = http(
        service.port,
        "POST",
        "/v1/tokens",
        &[("Authorization", &format!("Basic {KEY_ANY}"))],
        Some(b"{}"),
    );
    basic.assert_error(401, "ERR_API_KEY_MISSING");
    let lower = http(
        service.port,
        "POST",
        "/v1/tokens",
        &[("Authorization", &format!("bearer {KEY_ANY}"))],
        Some(b"{}"),
    );
    assert_eq!(lower.status, 200, "{lower:#?}");

    // Authentication comes before the body is looked at.
    http(service.port, "POST", "/v1/tokens", &[], Some(b"not json"))
        .assert_error(401, "ERR_API_KEY_MISSING");
}

#[test]
fn the_other_routes_need_no_key() {
    let service = &shared().service;
    for path in ["/.well-known/jwks.json", "/healthz", "/metrics"] {
        assert_eq!(service.get(path).status, 200, "{path}");
    }
}

#[test]
fn insecure_no_auth_is_refused_off_loopback_and_open_on_it() {
    let server = Ministack::shared();
    let alias = format!("alias/{}", unique("noauth"));
    server.create_key("ECC_NIST_EDWARDS25519", Some(&alias));
    let text = config(&alias, "");

    // On all addresses: refused before anything starts (a usage error, exit 2).
    let off_loopback = format!("listen = \"0.0.0.0:0\"\n{text}");
    let refused = crate::common::run_kmsjwt(
        &server.endpoint(),
        &[
            "serve",
            "--config",
            &write(&off_loopback),
            "--insecure-no-auth",
        ],
        None,
    );
    refused
        .assert_code(2)
        .assert_stderr_contains("--insecure-no-auth is refused on 0.0.0.0");

    // Without it and without clients, the service refuses to start too.
    let (code, log) = match Service::try_start(&server.endpoint(), &text, &[]) {
        Err(failure) => failure,
        Ok(_) => panic!("a service without clients started"),
    };
    assert_eq!(code, 2, "{log}");
    assert!(log.contains("no [[clients]]"), "{log}");

    // On loopback: any request is served under the open policy; a header is ignored.
    let service = Service::start(&server.endpoint(), &text, &["--insecure-no-auth"]);
    let issued = service.token(
        "ignored",
        &json!({"claims": {"role": "dev"}, "audience": "api://anything", "ttl": "2h"}),
    );
    let response = service.token_request(None, &json!({}));
    assert_eq!(response.status, 200, "{response:#?}");
    let claims = kmsjwt_verify::decode(issued["token"].as_str().unwrap())
        .unwrap()
        .claims;
    assert_eq!(claims["role"], "dev");
    // Server claims stay the server's.
    service
        .token_request(None, &json!({"claims": {"iat": 1}}))
        .assert_error(400, "ERR_CLAIM_RESERVED");
    assert!(service.log_text().contains("NOT authenticated"));
    drop(service);

    // A client configured: still open, since the flag wins; its key is not needed.
    let with_client = format!("{text}{}", client("c", "k", ""));
    let service = Service::start(&server.endpoint(), &with_client, &["--insecure-no-auth"]);
    assert_eq!(service.token_request(None, &json!({})).status, 200);
}

/// Writes a config file that lives as long as the test process.
fn write(text: &str) -> String {
    let path = std::env::temp_dir().join(format!("{}.toml", unique("kmsjwt-serve-config")));
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}
