//! Where an outcome becomes a process exit code (SPEC: 0 success, 1 invalid token or failed
//! operation, 2 usage error, 3 KMS, credentials or network error).

use std::process::ExitCode;

/// Why a command did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// The token (or key) was examined and refused, or an operation failed; the message was
    /// already printed.
    Refused,
    /// The command line or a file it names cannot be used.
    Usage(String),
    /// The input (claims, header, alg) cannot be used; the message was already printed.
    InvalidInput,
    /// KMS, the credentials or the network failed; the message was already printed.
    Kms,
}

impl Failure {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Refused => ExitCode::from(1),
            Failure::Usage(_) | Failure::InvalidInput => ExitCode::from(2),
            Failure::Kms => ExitCode::from(3),
        }
    }
}
