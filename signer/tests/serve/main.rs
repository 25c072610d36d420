//! `kmsjwt serve` and `kmsjwt lambda` run as processes against ministack on 127.0.0.1:
//! every route, API keys, each policy rule and limit, KMS going down, SIGTERM with requests
//! in flight, tokens checked by the verifier core and by jose, and the Lambda function
//! under cargo-lambda's emulator.
//!
//! The local KMS harness is the signer tests' own (`tests/kms/common.rs`).

#[path = "../kms/common.rs"]
mod common;

mod harness;

mod auth;
mod kms_down;
mod lambda;
mod limits;
mod policy;
mod routes;
mod shutdown;
