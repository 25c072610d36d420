//! Strict JWS/JWT verification for tokens signed by AWS KMS keys (or anyone else), with
//! only the public key. Pure Rust: the same core runs natively and in WebAssembly.
//!
//! ```
//! use kmsjwt_verify::{KeySet, Verifier, VerifyOptions};
//!
//! // RFC 7515 appendix A.3: an ES256 JWT and its P-256 key.
//! let key = r#"{"kty":"EC","crv":"P-256",
//!   "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
//!   "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#;
//! let token = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
//! let options = VerifyOptions {
//!     issuer: vec!["joe".into()],
//!     current_time: Some(1_300_819_300),
//!     ..VerifyOptions::default()
//! };
//! let verifier = Verifier::new(KeySet::from_text(key)?, options);
//! let verified = verifier.verify(token)?;
//! assert_eq!(verified.claims["iss"], "joe");
//!
//! let expired = verifier.verify_at(token, 1_300_819_380).unwrap_err();
//! assert_eq!(expired.code(), "ERR_JWT_EXPIRED");
//! # Ok::<(), kmsjwt_verify::Error>(())
//! ```

pub mod alg;
pub mod base64url;
pub mod claims;
pub mod crypto;
pub mod duration;
pub mod error;
pub mod header;
pub mod json;
pub mod keys;
pub mod options;
pub mod token;
mod verify;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use alg::{Alg, Curve, HashAlg, KeyType, KmsMessageType};
pub use claims::Claims;
pub use crypto::PublicKey;
pub use error::{ClaimReason, Error, ErrorKind, Result};
pub use header::Header;
pub use keys::KeySet;
pub use options::VerifyOptions;
pub use verify::{DecodedToken, VerifiedToken, Verifier, decode, verify};
