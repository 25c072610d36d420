//! `kmsjwt sign` flags: where claims come from, the header, registered claims, credentials.

use crate::common::{KMSJWT, Ministack, json, kms_environment};

fn decode(token: &str) -> (serde_json::Value, serde_json::Value) {
    let decoded = kmsjwt_verify::decode(token).unwrap();
    (
        serde_json::Value::Object(decoded.header),
        serde_json::Value::Object(decoded.claims),
    )
}

#[test]
fn claims_from_argument_file_and_stdin() {
    let server = Ministack::shared();
    let key = server.create_key("ECC_NIST_P256", None);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("claims.json");
    std::fs::write(&file, r#"{"from":"file"}"#).unwrap();
    let at_file = format!("@{}", file.display());
    let token = server
        .kmsjwt(&["sign", "--key-id", &key.key_id, "--claims", &at_file])
        .token();
    assert_eq!(decode(&token).1["from"], "file");
    let token = server
        .kmsjwt_with_stdin(
            &["sign", "--key-id", &key.key_id, "--claims", "-"],
            r#"{"from":"stdin"}"#,
        )
        .token();
    assert_eq!(decode(&token).1["from"], "stdin");
    server
        .kmsjwt(&["sign", "--key-id", &key.key_id, "--claims", "[1]"])
        .assert_code(2)
        .assert_stderr_contains("ERR_INVALID_INPUT");
    server
        .kmsjwt(&[
            "sign",
            "--key-id",
            &key.key_id,
            "--claims",
            "@/nonexistent/claims.json",
        ])
        .assert_code(2);
}

#[test]
fn registered_claims_and_header() {
    let server = Ministack::shared();
    let key = server.create_key("ECC_NIST_P256", None);
    let token = server.kmsjwt(&["sign", "--key-id", &key.key_id]).token();
    let (header, claims) = decode(&token);
    assert_eq!(header["typ"], "JWT");
    let (iat, exp) = (
        claims["iat"].as_i64().unwrap(),
        claims["exp"].as_i64().unwrap(),
    );
    assert_eq!(exp - iat, 3600, "the default ttl is 1 hour");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((iat - now).abs() < 30, "iat is now");
    assert!(claims.get("nbf").is_none() && claims.get("jti").is_none());

    let token = server
        .kmsjwt(&[
            "sign",
            "--key-id",
            &key.key_id,
            "--ttl",
            "2d",
            "--nbf",
            "30s",
            "--jti",
            "--aud",
            "a",
            "--aud",
            "b",
            "--header",
            r#"{"typ":"at+jwt","x5t#S256":"abc"}"#,
        ])
        .token();
    let (header, claims) = decode(&token);
    let iat = claims["iat"].as_i64().unwrap();
    assert_eq!(claims["exp"].as_i64().unwrap() - iat, 2 * 86400);
    assert_eq!(claims["nbf"].as_i64().unwrap() - iat, 30);
    assert_eq!(claims["jti"].as_str().unwrap().len(), 22);
    assert_eq!(claims["aud"], json(r#"["a","b"]"#));
    assert_eq!(header["typ"], "at+jwt");
    assert_eq!(header["x5t#S256"], "abc");
    // An exp in the claims replaces the default lifetime.
    let token = server
        .kmsjwt(&[
            "sign",
            "--key-id",
            &key.key_id,
            "--claims",
            r#"{"exp":4102444800}"#,
        ])
        .token();
    assert_eq!(decode(&token).1["exp"], 4102444800i64);
    // Bad durations are usage errors.
    server
        .kmsjwt(&["sign", "--key-id", &key.key_id, "--ttl", "soon"])
        .assert_code(2);
    server
        .kmsjwt(&["sign", "--key-id", &key.key_id, "--ttl", "0"])
        .assert_code(2);
}

#[test]
fn missing_credentials_are_exit_3() {
    let server = Ministack::shared();
    // The test environment without its credentials.
    let output = kms_environment(&mut std::process::Command::new(KMSJWT), &server.endpoint())
        .args(["sign", "--key-id", "alias/any"])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_WEB_IDENTITY_TOKEN_FILE")
        .env_remove("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        .env_remove("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("error[ERR_KMS_CREDENTIALS]"), "{stderr}");
    assert!(stderr.contains("AWS_PROFILE"), "{stderr}");
}

#[test]
fn missing_region_is_exit_3_and_says_so() {
    let server = Ministack::shared();
    // The test environment without its region.
    let output = kms_environment(&mut std::process::Command::new(KMSJWT), &server.endpoint())
        .args(["sign", "--key-id", "alias/any"])
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no AWS region"), "{stderr}");
    assert!(stderr.contains("AWS_REGION"), "{stderr}");
}

#[test]
fn a_closed_stdout_is_an_error_not_a_panic() {
    let server = Ministack::shared();
    let key = server.create_key("ECC_NIST_P256", None);
    let mut child = kms_environment(&mut std::process::Command::new(KMSJWT), &server.endpoint())
        .args(["sign", "--key-id", &key.key_id])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
