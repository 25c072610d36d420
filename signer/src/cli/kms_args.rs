//! What every subcommand that talks to KMS shares: retry and timeout flags, the async
//! runtime, and how a signer error is printed and becomes an exit code.

use std::time::Duration;

use clap::Args;

use super::args::parse_duration;
use crate::error::{Error, ErrorKind};
use crate::exit::Failure;
use crate::kms::{Kms, KmsOptions};

#[derive(Debug, Args)]
pub struct KmsArgs {
    /// Attempts per KMS call, the first included; throttling, KMS 5xx and connection errors
    /// are retried with exponential backoff. 1 turns retries off.
    #[arg(long, value_name = "N", env = "KMSJWT_MAX_ATTEMPTS", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=20))]
    max_attempts: u32,
    /// Longest time one KMS call may take, retries included: seconds or 30s, 2m.
    #[arg(long, value_name = "DURATION", env = "KMSJWT_TIMEOUT", default_value = "30s",
          value_parser = parse_duration)]
    timeout: u64,
}

impl KmsArgs {
    pub fn options(&self) -> Result<KmsOptions, Failure> {
        if self.timeout == 0 {
            return Err(Failure::Usage(
                "--timeout must be at least 1 second".to_owned(),
            ));
        }
        Ok(KmsOptions {
            max_attempts: self.max_attempts,
            timeout: Duration::from_secs(self.timeout),
            ..KmsOptions::default()
        })
    }

    /// Builds the runtime, then runs `body` with a client configured by the standard AWS
    /// chain and these flags.
    pub fn run<T, F>(&self, body: impl FnOnce(Kms) -> F) -> Result<T, Failure>
    where
        F: Future<Output = Result<T, Failure>>,
    {
        let options = self.options()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|error| Failure::Usage(format!("cannot start the async runtime: {error}")))?;
        runtime.block_on(async move {
            let kms = Kms::from_env(options).await;
            body(kms).await
        })
    }
}

/// Prints `error[CODE]: message` on stderr; the failure gives the exit code: 3 for KMS,
/// credentials and network errors, 2 for unusable input, 1 for a failed operation.
pub fn report(error: &Error) -> Failure {
    eprintln!("error[{}]: {}", error.code(), error.message());
    failure_of(error)
}

pub fn failure_of(error: &Error) -> Failure {
    match error.kind() {
        kind if kind.is_kms() => Failure::Kms,
        ErrorKind::InvalidInput | ErrorKind::AlgNotAllowed => Failure::InvalidInput,
        _ => Failure::Refused,
    }
}

/// Writes `text` and a newline to stdout; a closed or failing stdout is an error (exit 1),
/// not a panic.
pub fn print_line(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}")
        .and_then(|()| stdout.flush())
        .map_err(|error| {
            eprintln!("error: cannot write to stdout: {error}");
            Failure::Refused
        })
}

/// Reads `JSON`, `@FILE` or `-` (standard input) for `--claims` and `--header`.
pub fn read_json_argument(flag: &str, argument: &str) -> Result<String, Failure> {
    if argument == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|error| Failure::Usage(format!("cannot read {flag} from stdin: {error}")))?;
        return Ok(text);
    }
    if let Some(path) = argument.strip_prefix('@') {
        return std::fs::read_to_string(path)
            .map_err(|error| Failure::Usage(format!("cannot read {flag} file {path}: {error}")));
    }
    Ok(argument.to_owned())
}
