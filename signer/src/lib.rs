//! kmsjwt: sign JWTs with AWS KMS keys and verify them anywhere with the public key.
//!
//! - [`KmsSigner`] signs tokens with a KMS key (the private key never leaves KMS) and checks
//!   every signature with the key's public key before returning the token.
//! - [`Kms`] is the KMS client (standard AWS configuration chain, retry and timeout
//!   settings), [`KmsKey`] a resolved key with its public key, JWK and PEM.
//! - [`ClaimsTemplate`] adds the registered claims (`iat`, `exp`, `nbf`, `jti`, `iss`, `sub`,
//!   `aud`) to the caller's claims.
//! - Verification is the [`kmsjwt_verify`] core, re-exported here as [`verify`].
//!
//! - [`serve`] is the HTTP signing service (`kmsjwt serve`), [`lambda`] the same service
//!   inside AWS Lambda.
//!
//! The `kmsjwt` binary's subcommands live in [`cli`].

pub mod claims;
pub mod cli;
pub mod error;
pub mod exit;
pub mod kms;
pub mod lambda;
pub mod serve;
pub mod signer;

pub use claims::ClaimsTemplate;
pub use error::{Error, ErrorKind, Result};
pub use kms::{CreateKey, CreatedKey, KidMode, Kms, KmsKey, KmsOptions};
pub use kmsjwt_verify as verify;
pub use signer::KmsSigner;
