//! `kmsjwt sign --batch`: one output line per input line, in order, also when KMS fails
//! midway; exit 1 if any line failed.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use kmsjwt_verify::{KeySet, Verifier, VerifyOptions};
use serde_json::Value;

use crate::common::{KMSJWT, Ministack, block_on, json, kms_environment};

#[test]
fn lines_come_out_in_input_order_with_errors_in_place() {
    let server = Ministack::shared();
    let key = server.create_key("ECC_NIST_P256", None);
    let pem = server
        .kmsjwt(&["public-key", "--key-id", &key.key_id])
        .token();
    let verifier = Verifier::new(KeySet::from_text(&pem).unwrap(), VerifyOptions::default());
    let mut input = String::new();
    let mut bad_lines = Vec::new();
    for i in 1..=150 {
        let line = match i % 25 {
            0 => {
                bad_lines.push(i);
                "not json".to_owned()
            }
            7 => {
                bad_lines.push(i);
                r#"{"iss":"clash"}"#.to_owned()
            }
            13 => {
                bad_lines.push(i);
                String::new()
            }
            _ => format!(r#"{{"i":{i}}}"#),
        };
        input.push_str(&line);
        input.push('\n');
    }
    let run = server.kmsjwt_with_stdin(
        &[
            "sign",
            "--key-id",
            &key.key_id,
            "--batch",
            "--concurrency",
            "16",
            "--iss",
            "batch",
        ],
        &input,
    );
    run.assert_code(1)
        .assert_stderr_contains("150 lines: 132 signed, 18 failed");
    let lines: Vec<Value> = run.stdout.lines().map(json).collect();
    assert_eq!(lines.len(), 150, "one output line per input line");
    for (index, line) in lines.iter().enumerate() {
        let number = index + 1;
        if bad_lines.contains(&number) {
            assert_eq!(line["line"], number, "{line}");
            assert_eq!(line["error"]["code"], "ERR_INVALID_INPUT", "{line}");
            assert!(line["error"]["message"].is_string());
        } else {
            let token = line["token"].as_str().unwrap_or_else(|| panic!("{line}"));
            let claims = verifier.verify(token).unwrap().claims;
            assert_eq!(
                claims["i"], number,
                "output line {number} is input line {number}"
            );
            assert_eq!(claims["iss"], "batch");
        }
    }
}

#[test]
fn a_clean_batch_exits_0_and_empty_input_gives_no_lines() {
    let server = Ministack::shared();
    let key = server.create_key("ECC_NIST_EDWARDS25519", None);
    let input: String = (0..40).map(|i| format!("{{\"n\":{i}}}\r\n")).collect();
    let run = server.kmsjwt_with_stdin(&["sign", "--key-id", &key.key_id, "--batch"], &input);
    run.assert_success()
        .assert_stderr_contains("40 signed, 0 failed");
    assert_eq!(run.stdout.lines().count(), 40);
    // stderr is not a terminal here: no progress bar, only the one-line summary.
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        !run.stderr.contains('\u{1b}'),
        "no terminal escapes: {:?}",
        run.stderr
    );
    // The last line needs no newline.
    let run = server.kmsjwt_with_stdin(&["sign", "--key-id", &key.key_id, "--batch"], "{}\n{}");
    run.assert_success();
    assert_eq!(run.stdout.lines().count(), 2);
    let run = server.kmsjwt_with_stdin(&["sign", "--key-id", &key.key_id, "--batch"], "");
    run.assert_success();
    assert_eq!(run.stdout, "");
}

#[test]
fn a_key_that_cannot_be_resolved_ends_the_batch_before_reading_with_exit_3() {
    let server = Ministack::shared();
    let run = server.kmsjwt_with_stdin(
        &["sign", "--key-id", "alias/batch-missing-key", "--batch"],
        "{}\n{}\n",
    );
    run.assert_code(3)
        .assert_stderr_contains("NotFoundException");
    assert_eq!(run.stdout, "");
}

/// A batch fed line by line: `first` lines, a pause while `midway` breaks KMS, then `rest`.
fn batch_with_failure_midway(
    endpoint: &str,
    key: &str,
    extra: &[&str],
    midway: impl FnOnce(),
) -> (Vec<Value>, i32) {
    let mut child = kms_environment(&mut Command::new(KMSJWT), endpoint)
        .args(["sign", "--key-id", key, "--batch", "--concurrency", "4"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    for i in 1..=5 {
        writeln!(stdin, "{{\"i\":{i}}}").unwrap();
    }
    stdin.flush().unwrap();
    for _ in 1..=5 {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        lines.push(json(&line));
    }
    midway();
    for i in 6..=10 {
        writeln!(stdin, "{{\"i\":{i}}}").unwrap();
    }
    drop(stdin);
    for line in stdout.lines() {
        lines.push(json(&line.unwrap()));
    }
    let status = child.wait().unwrap();
    (lines, status.code().unwrap_or(-1))
}

#[test]
fn key_disabled_midway_loses_no_line_and_exits_1() {
    let server = Ministack::shared();
    let key = server.create_key("RSA_2048", None);
    let (lines, code) = batch_with_failure_midway(&server.endpoint(), &key.key_id, &[], || {
        block_on(server.admin().disable_key().key_id(&key.key_id).send()).unwrap();
    });
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 10, "{lines:#?}");
    for (index, line) in lines.iter().enumerate() {
        if index < 5 {
            assert!(line["token"].is_string(), "{line}");
        } else {
            assert_eq!(line["line"], index + 1, "{line}");
            assert_eq!(line["error"]["code"], "ERR_KMS", "{line}");
            assert_eq!(line["error"]["kms_code"], "DisabledException", "{line}");
        }
    }
}

#[test]
fn kms_gone_midway_loses_no_line_and_exits_1() {
    let server = Ministack::start();
    let key = server.create_key("ECC_SECG_P256K1", None);
    let (lines, code) = batch_with_failure_midway(
        &server.endpoint(),
        &key.key_id,
        &["--max-attempts", "2", "--timeout", "5s"],
        || server.stop(),
    );
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 10, "{lines:#?}");
    for (index, line) in lines.iter().enumerate() {
        if index < 5 {
            assert!(line["token"].is_string(), "{line}");
        } else {
            assert_eq!(line["line"], index + 1, "{line}");
            let code = line["error"]["code"].as_str().unwrap();
            assert!(
                code == "ERR_KMS_UNREACHABLE" || code == "ERR_KMS_TIMEOUT",
                "{line}"
            );
        }
    }
}

#[test]
fn a_progress_bar_is_drawn_when_stderr_is_a_terminal() {
    let server = Ministack::shared();
    let key = server.create_key("ECC_NIST_P256", None);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("claims.jsonl");
    let output = dir.path().join("tokens.jsonl");
    let lines: String = (0..300).map(|i| format!("{{\"i\":{i}}}\n")).collect();
    std::fs::write(&input, lines).unwrap();
    // `script` (util-linux) runs the command on a pseudo-terminal.
    let command = format!(
        "{KMSJWT} sign --key-id {} --batch < {} > {}",
        key.key_id,
        input.display(),
        output.display()
    );
    let run = kms_environment(&mut Command::new("script"), &server.endpoint())
        .args(["-qec", &command, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("run script (util-linux)");
    let terminal = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{terminal}");
    assert!(
        terminal.contains("lines signed in"),
        "a progress bar: {terminal:?}"
    );
    assert!(
        terminal.contains("300 lines: 300 signed, 0 failed"),
        "{terminal:?}"
    );
    let tokens = std::fs::read_to_string(&output).unwrap();
    assert_eq!(
        tokens.lines().count(),
        300,
        "the tokens went to stdout, not the terminal"
    );
}

#[test]
fn unreadable_input_gives_one_error_line_and_ends() {
    let server = Ministack::shared();
    let key = server.create_key("ECC_NIST_P256", None);
    // A directory as stdin: every read fails (EISDIR).
    let directory = tempfile::tempdir().unwrap();
    let output = kms_environment(&mut Command::new(KMSJWT), &server.endpoint())
        .args(["sign", "--key-id", &key.key_id, "--batch"])
        .stdin(std::fs::File::open(directory.path()).unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<Value> = stdout.lines().map(json).collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[0]["error"]["code"], "ERR_INVALID_INPUT");
}
