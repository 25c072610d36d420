//! `kmsjwt verify` and `kmsjwt decode` as a user runs them: flags, stdin, stdout, stderr
//! and exit codes per SPEC. Tokens come from the committed jose/PyJWT fixtures.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/interop/fixtures");

fn fixture(alg: &str) -> (String, Value) {
    let text = std::fs::read_to_string(format!("{FIXTURES}/jose.json")).unwrap();
    let all: Vec<Value> = serde_json::from_str(&text).unwrap();
    let found = all.into_iter().find(|f| f["alg"] == alg).unwrap();
    (found["token"].as_str().unwrap().to_owned(), found)
}

fn key_file(contents: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(contents.as_bytes()).unwrap();
    file
}

fn kmsjwt(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kmsjwt"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn valid_token_prints_payload_and_exits_0() {
    let (token, fixture) = fixture("ES256");
    let key = key_file(fixture["public_key_pem"].as_str().unwrap());
    let path = key.path().to_str().unwrap();
    let out = kmsjwt(
        &[
            "verify",
            "--key",
            path,
            "--iss",
            "https://issuer.example",
            "--aud",
            "api://interop",
            &token,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let payload: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(payload, fixture["claims"]);
    assert!(out.stderr.is_empty());
}

#[test]
fn every_key_format_and_stdin() {
    let (token, fixture) = fixture("RS256");
    let jwks = std::fs::read_to_string(format!("{FIXTURES}/jwks.json")).unwrap();
    for contents in [
        fixture["public_key_pem"].as_str().unwrap().to_owned(),
        fixture["public_jwk"].to_string(),
        jwks,
    ] {
        let key = key_file(&contents);
        let out = kmsjwt(
            &["verify", "--key", key.path().to_str().unwrap(), "-"],
            Some(&format!("{token}\n")),
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
}

#[test]
fn invalid_tokens_print_the_code_and_exit_1() {
    let (token, fixture) = fixture("EdDSA");
    let key = key_file(fixture["public_key_pem"].as_str().unwrap());
    let path = key.path().to_str().unwrap();
    let mut tampered = token.clone();
    tampered.insert(token.find('.').unwrap() + 3, 'A');
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![&tampered],
            "error[ERR_JWS_SIGNATURE_VERIFICATION_FAILED]",
        ),
        (
            vec!["--iss", "https://other.example", &token],
            "error[ERR_JWT_CLAIM_VALIDATION_FAILED]",
        ),
        (
            vec!["--now", "4102444800", &token],
            "error[ERR_JWT_EXPIRED]",
        ),
        (
            vec!["--alg", "ES256", &token],
            "error[ERR_JOSE_ALG_NOT_ALLOWED]",
        ),
        (
            vec!["--require", "email", &token],
            "error[ERR_JWT_CLAIM_VALIDATION_FAILED]",
        ),
        (
            vec!["--sub", "nobody", &token],
            "error[ERR_JWT_CLAIM_VALIDATION_FAILED]",
        ),
        (
            vec!["--typ", "at+jwt", &token],
            "error[ERR_JWT_CLAIM_VALIDATION_FAILED]",
        ),
        (
            vec!["--max-age", "1h", "--now", "1764007201", &token],
            "error[ERR_JWT_EXPIRED]",
        ),
        (vec!["not-a-token"], "error[ERR_JWS_INVALID]"),
    ];
    for (extra, expected) in cases {
        let mut args = vec!["verify", "--key", path];
        args.extend(extra.iter().copied());
        let out = kmsjwt(&args, None);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            text(&out.stderr).starts_with(expected),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty());
    }
    // Tolerance and --now on the good side of the boundary.
    let ok = kmsjwt(
        &[
            "verify",
            "--key",
            path,
            "--max-age",
            "2h",
            "--clock-tolerance",
            "5m",
            "--now",
            "1764007201",
            &token,
        ],
        None,
    );
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
}

#[test]
fn json_output_for_success_and_failure() {
    let (token, fixture) = fixture("PS256");
    let key = key_file(&fixture["public_jwk"].to_string());
    let path = key.path().to_str().unwrap();
    let out = kmsjwt(&["verify", "--json", "--key", path, &token], None);
    assert_eq!(out.status.code(), Some(0));
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["valid"], true);
    assert_eq!(result["header"]["alg"], "PS256");
    assert_eq!(result["payload"], fixture["claims"]);

    let out = kmsjwt(
        &["verify", "--json", "--key", path, "--aud", "nope", &token],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["valid"], false);
    assert_eq!(result["error"]["code"], "ERR_JWT_CLAIM_VALIDATION_FAILED");
    assert_eq!(result["error"]["claim"], "aud");
    assert_eq!(result["error"]["reason"], "check_failed");
}

#[test]
fn usage_errors_exit_2() {
    let (token, fixture) = fixture("ES384");
    let key = key_file(fixture["public_key_pem"].as_str().unwrap());
    let path = key.path().to_str().unwrap();
    for args in [
        vec!["verify", &token],
        vec!["verify", "--key", "/nonexistent/key.pem", &token],
        vec!["verify", "--key", path, "--alg", "HS256", &token],
        vec!["verify", "--key", path, "--clock-tolerance", "soon", &token],
        vec!["verify", "--key", path, "--bogus", &token],
        vec!["frobnicate"],
    ] {
        let out = kmsjwt(&args, None);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn invalid_key_text_is_reported_with_its_code() {
    let (token, _) = fixture("ES256");
    let key = key_file(
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEICmBs9Fsv32l/L+75O5yCq7GD6QBL61PmTyOXQI/5SRG\n-----END PRIVATE KEY-----\n",
    );
    let out = kmsjwt(
        &["verify", "--key", key.path().to_str().unwrap(), &token],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("error[ERR_JWK_INVALID]"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn decode_shows_header_and_payload_without_verifying() {
    let (token, fixture) = fixture("ES512");
    let out = kmsjwt(&["decode", "--json", &token], None);
    assert_eq!(out.status.code(), Some(0));
    let decoded: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(decoded["header"]["alg"], "ES512");
    assert_eq!(decoded["payload"], fixture["claims"]);
    assert_eq!(decoded["verified"], false);

    let out = kmsjwt(&["decode", "-"], Some(&token));
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("\"alg\": \"ES512\"") && stdout.contains("\"sub\": \"user-123\""),
        "{stdout}"
    );
    assert!(text(&out.stderr).contains("NOT verified"));

    let out = kmsjwt(&["decode", "e30.bm90IGpzb24.AA"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("error[ERR_JWT_INVALID]"));
}
