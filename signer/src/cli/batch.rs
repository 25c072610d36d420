//! `kmsjwt sign --batch`: JSON lines in, JSON lines out, in input order.
//!
//! Every input line yields exactly one output line: `{"token": "..."}`, or
//! `{"line": N, "error": {"code", "message"[, "kms_code"]}}` (N counts from 1), also when KMS
//! fails midway. Up to `--concurrency` KMS requests are in flight; results are written in
//! input order as soon as every earlier line is done. A progress bar is drawn only when
//! stderr is a terminal; a summary always goes to stderr. Exit 1 if any line failed.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::claims::{ClaimsTemplate, parse_claims};
use crate::error::{Error, Result};
use crate::exit::Failure;
use crate::signer::KmsSigner;

/// The longest a claims line may be (bytes); longer lines are answered with an error.
const MAX_LINE_LEN: usize = 1024 * 1024;

pub async fn run(
    signer: KmsSigner,
    template: ClaimsTemplate,
    concurrency: usize,
) -> Result<(), Failure> {
    let started = Instant::now();
    let progress = progress_bar();
    let input = BufReader::new(tokio::io::stdin());
    // A read error ends the input (after its own error line): it would likely repeat.
    let lines = stream::unfold(Some(input), |input| async move {
        let mut input = input?;
        let mut line = Vec::new();
        match input.read_until(b'\n', &mut line).await {
            Ok(0) => None,
            Ok(_) => Some((Ok(line), Some(input))),
            Err(error) => Some((Err(error), None)),
        }
    });
    let mut results = std::pin::pin!(
        lines
            .enumerate()
            .map(|(index, line)| {
                let signer = signer.clone();
                let template = template.clone();
                async move {
                    let result = match line {
                        Ok(bytes) => sign_line(&signer, &template, bytes).await,
                        Err(error) => Err(Error::input(format!("cannot read the line: {error}"))),
                    };
                    (index + 1, result)
                }
            })
            .buffered(concurrency.max(1))
    );

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (mut signed, mut failed) = (0u64, 0u64);
    let mut write_error = None;
    while let Some((number, result)) = results.next().await {
        let line = match result {
            Ok(token) => {
                signed += 1;
                json!({ "token": token })
            }
            Err(error) => {
                failed += 1;
                if failed == 1 {
                    // The first failure's cause, in words; the rest are in the output.
                    progress.suspend(|| {
                        eprintln!(
                            "line {number}: error[{}]: {}",
                            error.code(),
                            error.message()
                        )
                    });
                }
                error_line(number, &error)
            }
        };
        // Each line is flushed as soon as it is known, so that a pipeline downstream (or a
        // caller feeding claims as they come) gets tokens without waiting for the batch.
        if let Err(error) = writeln!(out, "{line}").and_then(|()| out.flush()) {
            write_error = Some(error);
            break;
        }
        progress.inc(1);
        if !progress.is_hidden() {
            let rate = (signed + failed) as f64 / started.elapsed().as_secs_f64().max(1e-3);
            progress.set_message(if failed > 0 {
                format!("{rate:.0}/s, {failed} failed")
            } else {
                format!("{rate:.0}/s")
            });
        }
    }
    if let Err(error) = out.flush()
        && write_error.is_none()
    {
        write_error = Some(error);
    }
    progress.finish_and_clear();
    let elapsed = started.elapsed();
    eprintln!("{}", summary(signed, failed, elapsed));
    if let Some(error) = write_error {
        eprintln!("error: cannot write the tokens to stdout: {error}");
        return Err(Failure::Refused);
    }
    if failed > 0 {
        return Err(Failure::Refused);
    }
    Ok(())
}

async fn sign_line(
    signer: &KmsSigner,
    template: &ClaimsTemplate,
    mut bytes: Vec<u8>,
) -> Result<String> {
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    if bytes.len() > MAX_LINE_LEN {
        return Err(Error::input(format!(
            "the line is {} bytes; at most {MAX_LINE_LEN} are read",
            bytes.len()
        )));
    }
    let text = String::from_utf8(bytes).map_err(|_| Error::input("the line is not valid UTF-8"))?;
    if text.trim().is_empty() {
        return Err(Error::input(
            "the line is empty; each line must be one JSON claims object",
        ));
    }
    let claims = parse_claims(&text)?;
    signer.issue(template, &claims).await
}

fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} {pos} lines signed in {elapsed} ({msg})")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn summary(signed: u64, failed: u64, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    let rate = if seconds > 0.0 {
        (signed + failed) as f64 / seconds
    } else {
        0.0
    };
    format!(
        "kmsjwt: {} lines: {signed} signed, {failed} failed in {seconds:.2} s ({rate:.0} lines/s)",
        signed + failed
    )
}

/// `{"line": N, "error": ...}` as written for a failed line (for tests and docs).
pub fn error_line(number: usize, error: &Error) -> Value {
    json!({ "line": number, "error": error.to_json() })
}
