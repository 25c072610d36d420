//! Faults: each ends with the right exit code (SPEC: 1 failed operation, 2 usage, 3 KMS,
//! credentials or network) and an error that names the key, the KMS error code and what to
//! do.

use std::net::TcpListener;
use std::time::Duration;

use aws_sdk_kms::types::{KeySpec, KeyUsageType};

use crate::common::{Ministack, RecordingProxy, block_on, free_port, run_kmsjwt, unique};

#[test]
fn disabled_key() {
    let server = Ministack::shared();
    let key = server.create_key("ECC_NIST_P256", None);
    block_on(server.admin().disable_key().key_id(&key.key_id).send()).unwrap();
    server
        .kmsjwt(&["sign", "--key-id", &key.key_id])
        .assert_code(3)
        .assert_stderr_contains("error[ERR_KMS]")
        .assert_stderr_contains(&key.key_id)
        .assert_stderr_contains("DisabledException")
        .assert_stderr_contains("enable-key");
}

#[test]
fn key_pending_deletion() {
    let server = Ministack::shared();
    let key = server.create_key("RSA_2048", None);
    block_on(
        server
            .admin()
            .schedule_key_deletion()
            .key_id(&key.key_id)
            .pending_window_in_days(7)
            .send(),
    )
    .unwrap();
    server
        .kmsjwt(&["sign", "--key-id", &key.key_id])
        .assert_code(3)
        .assert_stderr_contains(&key.key_id)
        .assert_stderr_contains("KMSInvalidStateException")
        .assert_stderr_contains("pending deletion")
        .assert_stderr_contains("cancel-key-deletion");
}

#[test]
fn encrypt_decrypt_key() {
    let server = Ministack::shared();
    let created = block_on(
        server
            .admin()
            .create_key()
            .key_spec(KeySpec::Rsa2048)
            .key_usage(KeyUsageType::EncryptDecrypt)
            .send(),
    )
    .unwrap();
    let key_id = created.key_metadata.unwrap().key_id;
    server
        .kmsjwt(&["sign", "--key-id", &key_id])
        .assert_code(3)
        .assert_stderr_contains(&key_id)
        .assert_stderr_contains("InvalidKeyUsageException")
        .assert_stderr_contains("ENCRYPT_DECRYPT")
        .assert_stderr_contains("create-key");
    // A symmetric key is refused the same way.
    let symmetric = block_on(server.admin().create_key().send()).unwrap();
    let symmetric_id = symmetric.key_metadata.unwrap().key_id;
    server
        .kmsjwt(&["sign", "--key-id", &symmetric_id])
        .assert_code(3)
        .assert_stderr_contains("InvalidKeyUsageException");
}

#[test]
fn alg_that_does_not_fit_the_key_is_refused_before_signing() {
    let server = Ministack::shared();
    let key = server.create_key("ECC_NIST_P256", None);
    let proxy = RecordingProxy::start(server.port);
    for alg in ["RS256", "ES384", "EdDSA", "ES256K", "PS256"] {
        run_kmsjwt(
            &proxy.endpoint(),
            &["sign", "--key-id", &key.key_id, "--alg", alg],
            None,
        )
        .assert_code(2)
        .assert_stderr_contains("error[ERR_JOSE_ALG_NOT_ALLOWED]")
        .assert_stderr_contains("use ES256");
    }
    assert!(
        !proxy
            .operations()
            .iter()
            .any(|operation| operation == "Sign"),
        "no Sign call: {:?}",
        proxy.operations()
    );
    // Names that are not JOSE algorithms at all are usage errors from the parser.
    for alg in ["HS256", "none", "ECDSA_SHA_256"] {
        server
            .kmsjwt(&["sign", "--key-id", &key.key_id, "--alg", alg])
            .assert_code(2);
    }
}

#[test]
fn unknown_key_and_alias() {
    let server = Ministack::shared();
    for name in [
        "0f2b2a9e-1111-4222-8333-944455556666".to_owned(),
        format!("alias/{}", unique("missing")),
        "arn:aws:kms:us-east-1:000000000000:key/0f2b2a9e-1111-4222-8333-944455556666".to_owned(),
    ] {
        server
            .kmsjwt(&["sign", "--key-id", &name])
            .assert_code(3)
            .assert_stderr_contains(&name)
            .assert_stderr_contains("NotFoundException")
            .assert_stderr_contains("AWS_REGION");
        server
            .kmsjwt(&["public-key", "--key-id", &name])
            .assert_code(3)
            .assert_stderr_contains("NotFoundException");
    }
}

#[test]
fn endpoint_refusing_connections_fails_fast_with_exit_3() {
    let endpoint = format!("http://127.0.0.1:{}", free_port());
    let run = run_kmsjwt(&endpoint, &["sign", "--key-id", "alias/any"], None);
    run.assert_code(3)
        .assert_stderr_contains("error[ERR_KMS_UNREACHABLE]")
        .assert_stderr_contains("alias/any")
        .assert_stderr_contains("AWS_ENDPOINT_URL_KMS");
    assert!(
        run.elapsed < Duration::from_secs(15),
        "took {:?}",
        run.elapsed
    );
}

#[test]
fn endpoint_that_never_answers_times_out_with_exit_3() {
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accept every connection and hold it open without a byte of answer.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for connection in listener.incoming() {
            held.push(connection);
        }
    });
    let endpoint = format!("http://127.0.0.1:{port}");
    let run = run_kmsjwt(
        &endpoint,
        &["sign", "--key-id", "alias/any", "--timeout", "2s"],
        None,
    );
    run.assert_code(3)
        .assert_stderr_contains("error[ERR_KMS_TIMEOUT]")
        .assert_stderr_contains("alias/any")
        .assert_stderr_contains("--timeout");
    assert!(
        run.elapsed >= Duration::from_secs(2) && run.elapsed < Duration::from_secs(10),
        "took {:?}",
        run.elapsed
    );
}

#[test]
fn ed25519_input_over_4096_bytes_is_refused_without_a_kms_sign_call() {
    let server = Ministack::shared();
    let key = server.create_key("ECC_NIST_EDWARDS25519", None);
    let proxy = RecordingProxy::start(server.port);
    let big = format!(r#"{{"data":"{}"}}"#, "x".repeat(3500));
    run_kmsjwt(
        &proxy.endpoint(),
        &["sign", "--key-id", &key.key_id, "--claims", &big],
        None,
    )
    .assert_code(1)
    .assert_stderr_contains("error[ERR_MESSAGE_TOO_LARGE]")
    .assert_stderr_contains("4096");
    assert_eq!(proxy.operations(), ["DescribeKey", "GetPublicKey"]);
    // Just under the limit signs (and the same claims sign with an ECDSA key at any size).
    let small = format!(r#"{{"data":"{}"}}"#, "x".repeat(2900));
    let token = server
        .kmsjwt(&[
            "sign",
            "--key-id",
            &key.key_id,
            "--claims",
            &small,
            "--kid",
            "none",
        ])
        .token();
    let signing_input = token.rsplit_once('.').unwrap().0;
    assert!(signing_input.len() <= 4096 && signing_input.len() > 3900);
}

#[test]
fn reserved_claims_given_twice_are_usage_errors_before_kms() {
    // No KMS at all: the conflict is found first.
    let endpoint = format!("http://127.0.0.1:{}", free_port());
    for (flag, value, claims) in [
        ("--iss", "a", r#"{"iss":"b"}"#),
        ("--ttl", "5m", r#"{"exp":1}"#),
        ("--nbf", "0s", r#"{"nbf":1}"#),
        ("--aud", "x", r#"{"aud":"y"}"#),
    ] {
        run_kmsjwt(
            &endpoint,
            &[
                "sign",
                "--key-id",
                "alias/any",
                flag,
                value,
                "--claims",
                claims,
            ],
            None,
        )
        .assert_code(2)
        .assert_stderr_contains("error[ERR_INVALID_INPUT]")
        .assert_stderr_contains(flag);
    }
    for header in [r#"{"alg":"none"}"#, r#"{"b64":false}"#] {
        run_kmsjwt(
            &endpoint,
            &["sign", "--key-id", "alias/any", "--header", header],
            None,
        )
        .assert_code(2);
    }
    run_kmsjwt(
        &endpoint,
        &[
            "sign",
            "--key-id",
            "alias/any",
            "--kid",
            "a",
            "--header",
            r#"{"kid":"b"}"#,
        ],
        None,
    )
    .assert_code(2);
}
