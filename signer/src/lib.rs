//! kmsjwt: sign JWTs with AWS KMS keys and verify them anywhere with the public key.
//!
//! The `kmsjwt` binary's subcommands live in [`cli`]; verification is the
//! [`kmsjwt_verify`] core, re-exported here as [`verify`].

pub mod cli;
pub mod exit;

pub use kmsjwt_verify as verify;
