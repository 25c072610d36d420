//! What a caller asks of a token beyond a valid signature. Names and meanings follow jose's
//! `JWTVerifyOptions`.

use crate::alg::Alg;
use crate::token::DEFAULT_MAX_TOKEN_LEN;

/// Verification options. `VerifyOptions::default()` checks the signature, `exp` and `nbf`
/// (when present) against the system clock, and nothing else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Algorithms accepted, in addition to fitting the key. Default: empty, meaning every
    /// algorithm the key's type supports.
    pub algorithms: Vec<Alg>,
    /// Accepted `iss` values; the token's `iss` must equal one. Default: empty (no check).
    pub issuer: Vec<String>,
    /// Accepted audiences; the token's `aud` (string or array) must contain one.
    /// Default: empty (no check).
    pub audience: Vec<String>,
    /// Required `sub` value. Default: `None` (no check).
    pub subject: Option<String>,
    /// Required `typ` header value, compared case-insensitively with an optional
    /// `application/` prefix. Default: `None` (no check).
    pub typ: Option<String>,
    /// Seconds of leeway for `exp`, `nbf` and `iat`. Default: 0.
    pub clock_tolerance: u64,
    /// The time to check against, in seconds since the Unix epoch. Default: `None`, the
    /// system clock (WebAssembly callers must set it; the npm package does).
    pub current_time: Option<i64>,
    /// Maximum age in seconds measured from `iat`, which becomes required. Default: `None`.
    pub max_token_age: Option<u64>,
    /// Claims that must be present. Default: empty.
    pub required_claims: Vec<String>,
    /// `crit` header extensions the caller understands. Default: empty (any `crit` fails).
    pub crit: Vec<String>,
    /// Longest token accepted, in bytes, checked before any decoding. Default: 256 KiB.
    pub max_token_len: usize,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            algorithms: Vec::new(),
            issuer: Vec::new(),
            audience: Vec::new(),
            subject: None,
            typ: None,
            clock_tolerance: 0,
            current_time: None,
            max_token_age: None,
            required_claims: Vec::new(),
            crit: Vec::new(),
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
        }
    }
}
