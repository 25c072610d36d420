//! Ed25519 keys and strict pure-Ed25519 verification (RFC 8032 with canonical encodings),
//! on the arithmetic in [`super::ec`] (ed25519-dalek is its reference in the tests).

use super::ec::{Ed25519Point, KeyRejection, edwards25519};
use crate::error::{Error, Result};

/// An Ed25519 public key with a canonical encoding and not of small order.
#[derive(Clone, Debug)]
pub struct Ed25519PublicKey {
    encoding: [u8; 32],
    point: Ed25519Point,
}

impl Ed25519PublicKey {
    pub fn from_bytes(bytes: &[u8]) -> Result<Ed25519PublicKey> {
        let encoding: [u8; 32] = bytes
            .try_into()
            .map_err(|_| Error::jwk("an Ed25519 public key is exactly 32 bytes"))?;
        let point = edwards25519()
            .prepare(&encoding)
            .map_err(|rejection| match rejection {
                KeyRejection::NotAPoint => {
                    Error::jwk("the Ed25519 public key is not a valid point")
                }
                KeyRejection::NotCanonical => {
                    Error::jwk("the Ed25519 public key is not canonically encoded")
                }
                KeyRejection::SmallOrder => Error::jwk("the Ed25519 public key has small order"),
            })?;
        Ok(Ed25519PublicKey { encoding, point })
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.encoding
    }

    /// Strict verification: canonical `s`, canonical `R`, no small-order `R` or key; the
    /// same verdicts as ed25519-dalek's `verify_strict` (the tests compare them).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        edwards25519().verify(&self.point, &self.encoding, message, signature)
    }
}
