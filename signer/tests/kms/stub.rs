//! Faults no local KMS produces, against a stand-in endpoint: throttling (retried, then a
//! clear error), and signatures that do not verify (never output).

use serde_json::json;

use crate::common::{StubKms, run_kmsjwt, stub_key_metadata};

/// RFC 8032 section 7.1 test 1 public key, as SPKI DER (base64).
const ED25519_SPKI: &str = "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
/// A P-256 public key (RFC 7515 appendix A.3), as SPKI DER (base64).
const P256_SPKI: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEf83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEXH8UTNG72bfocs3+257rn0s2ldbqkLJK2KRiMohYjlrQ==";

fn throttled(_: &str, _: &serde_json::Value) -> (u16, serde_json::Value) {
    (
        400,
        json!({"__type": "ThrottlingException", "message": "Rate exceeded"}),
    )
}

#[test]
fn throttling_is_retried_max_attempts_times_then_reported() {
    let stub = StubKms::start(throttled);
    let run = run_kmsjwt(
        &stub.endpoint(),
        &["sign", "--key-id", "alias/busy", "--max-attempts", "2"],
        None,
    );
    run.assert_code(3)
        .assert_stderr_contains("ThrottlingException")
        .assert_stderr_contains("alias/busy")
        .assert_stderr_contains("after 2 attempts")
        .assert_stderr_contains("--concurrency");
    assert_eq!(stub.operations(), ["DescribeKey", "DescribeKey"]);
    let once = StubKms::start(throttled);
    run_kmsjwt(
        &once.endpoint(),
        &["sign", "--key-id", "alias/busy", "--max-attempts", "1"],
        None,
    )
    .assert_code(3);
    assert_eq!(once.operations(), ["DescribeKey"]);
}

/// A KMS whose Sign answers `signature` (base64) for a key of `spec` with `spki`.
fn lying_kms(spec: &'static str, spki: &'static str, signature: &'static str) -> StubKms {
    StubKms::start(move |operation, _| match operation {
        "DescribeKey" => (200, stub_key_metadata(spec)),
        "GetPublicKey" => (
            200,
            json!({"KeyId": "arn:aws:kms:us-east-1:000000000000:key/stub-key",
                   "KeyUsage": "SIGN_VERIFY", "PublicKey": spki}),
        ),
        "Sign" => (
            200,
            json!({"KeyId": "arn:aws:kms:us-east-1:000000000000:key/stub-key",
                   "Signature": signature, "SigningAlgorithm": "X"}),
        ),
        _ => (
            400,
            json!({"__type": "UnsupportedOperationException", "message": operation}),
        ),
    })
}

#[test]
fn a_signature_that_does_not_verify_is_never_output() {
    // Ed25519: 64 zero bytes. P-256: not DER; and valid DER over other data.
    let zeros =
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";
    let cases = [
        lying_kms("ECC_NIST_EDWARDS25519", ED25519_SPKI, zeros),
        lying_kms("ECC_NIST_P256", P256_SPKI, zeros),
        lying_kms("ECC_NIST_P256", P256_SPKI, "MAYCAQECAQE="),
    ];
    for stub in cases {
        let run = run_kmsjwt(&stub.endpoint(), &["sign", "--key-id", "alias/liar"], None);
        run.assert_code(1)
            .assert_stderr_contains("error[ERR_SELF_CHECK_FAILED]")
            .assert_stderr_contains("alias/liar");
        assert_eq!(run.stdout, "", "no token is printed");
        assert_eq!(stub.operations(), ["DescribeKey", "GetPublicKey", "Sign"]);
    }
}

#[test]
fn a_batch_with_lying_kms_reports_every_line() {
    let stub = lying_kms("ECC_NIST_EDWARDS25519", ED25519_SPKI, "AAAA");
    let run = run_kmsjwt(
        &stub.endpoint(),
        &["sign", "--key-id", "alias/liar", "--batch"],
        Some("{}\n{}\n{}\n"),
    );
    run.assert_code(1);
    let lines: Vec<_> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3);
    for (index, line) in lines.iter().enumerate() {
        let line = crate::common::json(line);
        assert_eq!(line["line"], index + 1);
        assert_eq!(line["error"]["code"], "ERR_SELF_CHECK_FAILED");
    }
}

fn access_denied() -> (u16, serde_json::Value) {
    (
        400,
        json!({"__type": "AccessDeniedException", "message": "not authorized to perform kms:DescribeKey"}),
    )
}

#[test]
fn least_privilege_without_describe_key_still_signs() {
    let server = crate::common::Ministack::shared();
    let alias = format!("alias/{}", crate::common::unique("least"));
    let key = server.create_key("ECC_NIST_P256", Some(&alias));
    let pem = server
        .kmsjwt(&["public-key", "--key-id", &key.key_id])
        .token();
    // Only GetPublicKey and Sign are allowed.
    let stub = StubKms::start_forwarding(Some(server.port), |operation, _| {
        (operation == "DescribeKey").then(access_denied)
    });
    for name in [key.key_id.as_str(), &alias] {
        let token = run_kmsjwt(
            &stub.endpoint(),
            &["sign", "--key-id", name, "--kid", "key-id"],
            None,
        )
        .token();
        let verified = kmsjwt_verify::Verifier::from_key_text(&pem, Default::default())
            .unwrap()
            .verify(&token)
            .unwrap();
        assert_eq!(verified.header.kid.as_deref(), Some(key.key_id.as_str()));
    }
    assert_eq!(
        stub.operations(),
        [
            "DescribeKey",
            "GetPublicKey",
            "Sign",
            "DescribeKey",
            "GetPublicKey",
            "Sign"
        ]
    );
    // A disabled key is then reported by Sign, with the same code.
    crate::common::block_on(server.admin().disable_key().key_id(&key.key_id).send()).unwrap();
    run_kmsjwt(&stub.endpoint(), &["sign", "--key-id", &alias], None)
        .assert_code(3)
        .assert_stderr_contains("DisabledException")
        .assert_stderr_contains(&alias);
    // Other DescribeKey errors are not papered over.
    let not_found = StubKms::start_forwarding(Some(server.port), |operation, _| {
        (operation == "DescribeKey").then(|| {
            (
                400,
                json!({"__type": "NotFoundException", "message": "no such key"}),
            )
        })
    });
    run_kmsjwt(&not_found.endpoint(), &["sign", "--key-id", &alias], None)
        .assert_code(3)
        .assert_stderr_contains("NotFoundException");
    assert_eq!(not_found.operations(), ["DescribeKey"]);
}
