//! The signer's errors: a kind with a stable code, and a message that names the key, the KMS
//! error code and what to do about it.

use core::fmt;

/// What went wrong while resolving a key or signing. Users match on this (or on
/// [`Error::code`]), never on messages.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The claims, header or options cannot make a token: malformed JSON, a reserved claim set
    /// twice, a header member that may not be set. Code `ERR_INVALID_INPUT`.
    InvalidInput,
    /// The `alg` does not fit the key's type. Code `ERR_JOSE_ALG_NOT_ALLOWED`, as in the
    /// verifier.
    AlgNotAllowed,
    /// The signing input is larger than KMS accepts for a RAW signature (4096 bytes).
    /// Code `ERR_MESSAGE_TOO_LARGE`.
    MessageTooLarge,
    /// The key exists but kmsjwt cannot sign with it (symmetric, HMAC, or a spec without a
    /// JOSE algorithm). Code `ERR_JOSE_NOT_SUPPORTED`.
    KeyNotSupported,
    /// KMS refused the request; `kms_code` is its error code (`NotFoundException`,
    /// `DisabledException`, `KMSInvalidStateException`, `InvalidKeyUsageException`,
    /// `ThrottlingException`, `AccessDeniedException`, ...). Code `ERR_KMS`.
    ///
    /// A key found disabled, pending deletion or not for signing by `DescribeKey` gets the
    /// code KMS would give the `Sign` call, so both paths read the same.
    Kms { kms_code: String },
    /// No usable credentials (or no region), or KMS rejected them. Code
    /// `ERR_KMS_CREDENTIALS`.
    Credentials,
    /// KMS could not be reached (connection refused, DNS, TLS, I/O). Code
    /// `ERR_KMS_UNREACHABLE`.
    Unreachable,
    /// KMS did not answer in time (`--timeout`). Code `ERR_KMS_TIMEOUT`.
    Timeout,
    /// KMS returned a signature that does not verify with the key's public key, or one that
    /// cannot be converted to JOSE form. The token is never returned.
    /// Code `ERR_SELF_CHECK_FAILED`.
    SelfCheckFailed,
}

impl ErrorKind {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "ERR_INVALID_INPUT",
            ErrorKind::AlgNotAllowed => "ERR_JOSE_ALG_NOT_ALLOWED",
            ErrorKind::MessageTooLarge => "ERR_MESSAGE_TOO_LARGE",
            ErrorKind::KeyNotSupported => "ERR_JOSE_NOT_SUPPORTED",
            ErrorKind::Kms { .. } => "ERR_KMS",
            ErrorKind::Credentials => "ERR_KMS_CREDENTIALS",
            ErrorKind::Unreachable => "ERR_KMS_UNREACHABLE",
            ErrorKind::Timeout => "ERR_KMS_TIMEOUT",
            ErrorKind::SelfCheckFailed => "ERR_SELF_CHECK_FAILED",
        }
    }

    /// Whether KMS, the credentials or the network failed (exit code 3), as opposed to the
    /// input (exit 2) or the operation (exit 1).
    pub fn is_kms(&self) -> bool {
        matches!(
            self,
            ErrorKind::Kms { .. }
                | ErrorKind::Credentials
                | ErrorKind::Unreachable
                | ErrorKind::Timeout
        )
    }
}

/// The signer's error: boxed so that `Result<T, Error>` stays one pointer wide.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<Inner>);

#[derive(Clone, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    message: String,
}

pub type Result<T, E = Error> = core::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
        }))
    }

    pub(crate) fn input(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidInput, message)
    }

    pub(crate) fn kms(kms_code: &str, message: impl Into<String>) -> Error {
        Error::new(
            ErrorKind::Kms {
                kms_code: kms_code.to_owned(),
            },
            message,
        )
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// The stable code, e.g. `ERR_KMS`.
    pub fn code(&self) -> &'static str {
        self.0.kind.code()
    }

    /// KMS's own error code (`DisabledException`, ...) for [`ErrorKind::Kms`].
    pub fn kms_code(&self) -> Option<&str> {
        match &self.0.kind {
            ErrorKind::Kms { kms_code } => Some(kms_code),
            _ => None,
        }
    }

    /// What went wrong and what to do, in words.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// `{"code", "message"}` plus `kms_code` when KMS gave one: the error object of
    /// `kmsjwt sign --batch` output lines.
    pub fn to_json(&self) -> serde_json::Value {
        let mut object = serde_json::json!({"code": self.code(), "message": self.message()});
        if let Some(kms_code) = self.kms_code() {
            object["kms_code"] = serde_json::Value::String(kms_code.to_owned());
        }
        object
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.0.message)
    }
}

impl std::error::Error for Error {}
