//! The signer against a local KMS (ministack; for ML-DSA, a stand-in in front of it): every
//! key spec and alg, independent verifiers, key names, faults, batches, public keys and the
//! library API.
//! See `common.rs` for how the server is started and stopped.

mod batch;
mod common;
mod faults;
mod interop;
mod key_names;
mod keys;
mod library;
mod ml_dsa;
mod ml_dsa_kms;
mod sign_cli;
mod stub;
