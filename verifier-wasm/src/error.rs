//! Errors as data: a kind with a stable jose code, a message in words, and for claim
//! failures the claim and the reason.

use core::fmt;

/// Why a claim check failed (jose's `reason`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClaimReason {
    /// The claim is present but its value does not pass the check.
    CheckFailed,
    /// The claim is required but absent.
    Missing,
    /// The claim has the wrong JSON type (e.g. `exp` as a string).
    Invalid,
}

impl ClaimReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimReason::CheckFailed => "check_failed",
            ClaimReason::Missing => "missing",
            ClaimReason::Invalid => "invalid",
        }
    }
}

/// The kind of failure. Users match on this (or on [`Error::code`]) rather than on messages.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The token is not a well-formed compact JWS.
    JwsInvalid,
    /// The JWS is well formed, but its payload is not a JWT claims set.
    JwtInvalid,
    /// The signature does not verify with the selected key(s).
    SignatureVerificationFailed,
    /// `exp` has passed, or `iat` is older than `max_token_age`.
    JwtExpired { claim: String },
    /// A claim is missing, of the wrong type, or does not match the options.
    ClaimValidationFailed { claim: String, reason: ClaimReason },
    /// The `alg` is refused (`none`, HMAC), not in `algorithms`, or does not fit the key.
    AlgNotAllowed,
    /// An unknown `alg`, an unsupported key type, or a `crit` extension the caller does not
    /// understand.
    NotSupported,
    /// The key (JWK or PEM) is malformed, too weak, or not usable for verification.
    JwkInvalid,
    /// The key set is malformed.
    JwksInvalid,
    /// No key in the set fits the token's `kid` and `alg`.
    JwksNoMatchingKey,
    /// Several keys fit, where the caller asked for exactly one.
    JwksMultipleMatchingKeys,
    /// Fetching a remote key set took too long (JavaScript `RemoteJwks`).
    JwksTimeout,
    /// Anything else, such as an invalid option.
    Generic,
}

impl ErrorKind {
    /// The stable code, identical to jose's.
    pub fn code(&self) -> &'static str {
        match self {
            ErrorKind::JwsInvalid => "ERR_JWS_INVALID",
            ErrorKind::JwtInvalid => "ERR_JWT_INVALID",
            ErrorKind::SignatureVerificationFailed => "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
            ErrorKind::JwtExpired { .. } => "ERR_JWT_EXPIRED",
            ErrorKind::ClaimValidationFailed { .. } => "ERR_JWT_CLAIM_VALIDATION_FAILED",
            ErrorKind::AlgNotAllowed => "ERR_JOSE_ALG_NOT_ALLOWED",
            ErrorKind::NotSupported => "ERR_JOSE_NOT_SUPPORTED",
            ErrorKind::JwkInvalid => "ERR_JWK_INVALID",
            ErrorKind::JwksInvalid => "ERR_JWKS_INVALID",
            ErrorKind::JwksNoMatchingKey => "ERR_JWKS_NO_MATCHING_KEY",
            ErrorKind::JwksMultipleMatchingKeys => "ERR_JWKS_MULTIPLE_MATCHING_KEYS",
            ErrorKind::JwksTimeout => "ERR_JWKS_TIMEOUT",
            ErrorKind::Generic => "ERR_JOSE_GENERIC",
        }
    }
}

/// The verifier's error: boxed so that `Result<T, Error>` stays one pointer wide.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<Inner>);

#[derive(Clone, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    message: String,
}

pub type Result<T, E = Error> = core::result::Result<T, E>;

// The constructors are cold and never inlined: V8 compiles a wasm function on its first
// call, so building errors in place would make every successful first verification compile
// the code of the errors it did not raise (README, Performance: startup).
impl Error {
    #[cold]
    #[inline(never)]
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
        }))
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// jose's error code, e.g. `ERR_JWT_EXPIRED`.
    pub fn code(&self) -> &'static str {
        self.0.kind.code()
    }

    /// What was wrong, in words.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The claim that failed, for `ERR_JWT_EXPIRED` and `ERR_JWT_CLAIM_VALIDATION_FAILED`.
    pub fn claim(&self) -> Option<&str> {
        match &self.0.kind {
            ErrorKind::JwtExpired { claim } | ErrorKind::ClaimValidationFailed { claim, .. } => {
                Some(claim)
            }
            _ => None,
        }
    }

    /// Why the claim failed, for `ERR_JWT_EXPIRED` and `ERR_JWT_CLAIM_VALIDATION_FAILED`.
    pub fn reason(&self) -> Option<ClaimReason> {
        match &self.0.kind {
            ErrorKind::JwtExpired { .. } => Some(ClaimReason::CheckFailed),
            ErrorKind::ClaimValidationFailed { reason, .. } => Some(*reason),
            _ => None,
        }
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn jws(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::JwsInvalid, message)
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn jwt(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::JwtInvalid, message)
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn jwk(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::JwkInvalid, message)
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn jwks(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::JwksInvalid, message)
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn claim_failed(
        claim: &str,
        reason: ClaimReason,
        message: impl Into<String>,
    ) -> Error {
        Error::new(
            ErrorKind::ClaimValidationFailed {
                claim: claim.to_owned(),
                reason,
            },
            message,
        )
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn expired(claim: &str, message: impl Into<String>) -> Error {
        Error::new(
            ErrorKind::JwtExpired {
                claim: claim.to_owned(),
            },
            message,
        )
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn signature() -> Error {
        Error::new(
            ErrorKind::SignatureVerificationFailed,
            "signature verification failed",
        )
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
