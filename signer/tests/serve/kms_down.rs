//! KMS going away: token requests get 503 with the KMS error code, and `/healthz` says so;
//! the JWK Set (prepared at start) is still served. A service whose key cannot be resolved
//! does not start.

use serde_json::json;

use crate::common::{Ministack, run_kmsjwt, unique};
use crate::harness::{Service, client, config};

#[test]
fn kms_down_gives_503_and_healthz_says_so() {
    // A ministack of its own, stopped midway.
    let kms = Ministack::start();
    let alias = format!("alias/{}", unique("down"));
    kms.create_key("ECC_NIST_P256", Some(&alias));
    let text = config(
        &alias,
        &format!(
            "[kms]\nmax_attempts = 1\ntimeout = \"3s\"\n{}",
            client("c", "key-c", "")
        ),
    );
    let service = Service::start(&kms.endpoint(), &text, &[]);
    assert_eq!(service.token_request(Some("key-c"), &json!({})).status, 200);
    assert_eq!(service.get("/healthz").status, 200);

    kms.stop();

    let response = service.token_request(Some("key-c"), &json!({}));
    response.assert_error(503, "ERR_KMS_UNREACHABLE");
    assert_eq!(response.header("retry-after"), Some("1"));

    let health = service.get("/healthz");
    assert_eq!(health.status, 503, "{health:#?}");
    let body = health.json();
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["error"]["code"], "ERR_KMS_UNREACHABLE");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot reach KMS"),
        "{body}"
    );

    // Published keys do not need KMS.
    assert_eq!(service.get("/.well-known/jwks.json").status, 200);
    let metrics = service.get("/metrics").body;
    assert!(
        metrics.contains("kmsjwt_errors_total{code=\"ERR_KMS_UNREACHABLE\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("kmsjwt_http_requests_total{route=\"/healthz\",status=\"503\"} 1"));
}

#[test]
fn a_disabled_key_is_503_with_the_kms_code() {
    let server = Ministack::shared();
    let alias = format!("alias/{}", unique("disabled"));
    let key = server.create_key("ECC_NIST_P256", Some(&alias));
    let text = config(&alias, &client("c", "key-c", ""));
    let service = Service::start(&server.endpoint(), &text, &[]);
    crate::common::block_on(server.admin().disable_key().key_id(&key.key_id).send()).unwrap();
    let response = service.token_request(Some("key-c"), &json!({}));
    response.assert_error(503, "ERR_KMS");
    assert_eq!(response.json()["error"]["kms_code"], "DisabledException");
    let health = service.get("/healthz");
    assert_eq!(health.status, 503);
    assert_eq!(health.json()["error"]["kms_code"], "DisabledException");
}

#[test]
fn a_service_whose_key_cannot_be_used_does_not_start() {
    let server = Ministack::shared();
    let text = config("alias/does-not-exist", &client("c", "key-c", ""));
    let (code, log) = match Service::try_start(&server.endpoint(), &text, &[]) {
        Err(failure) => failure,
        Ok(_) => panic!("started with a missing key"),
    };
    assert_eq!(code, 3, "{log}");
    assert!(log.contains("NotFoundException"), "{log}");

    // A broken config is a usage error naming the problem.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "issuer = \"x\"\n[key]\nid = \"k\"\nalg = \"HS256\"\n",
    )
    .unwrap();
    run_kmsjwt(
        &server.endpoint(),
        &["serve", "--config", path.to_str().unwrap()],
        None,
    )
    .assert_code(2)
    .assert_stderr_contains("key.alg");
    run_kmsjwt(
        &server.endpoint(),
        &["serve", "--config", "/nonexistent.toml"],
        None,
    )
    .assert_code(2)
    .assert_stderr_contains("cannot read the config file");
}
