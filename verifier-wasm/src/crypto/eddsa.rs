//! Ed25519 keys and strict pure-Ed25519 verification (RFC 8032 with canonical encodings).

use ed25519_dalek::{Signature, VerifyingKey};

use crate::error::{Error, Result};

/// An Ed25519 public key with a canonical encoding and not of small order.
#[derive(Clone, Debug)]
pub struct Ed25519PublicKey {
    key: VerifyingKey,
}

impl Ed25519PublicKey {
    pub fn from_bytes(bytes: &[u8]) -> Result<Ed25519PublicKey> {
        let bytes: &[u8; 32] = bytes
            .try_into()
            .map_err(|_| Error::jwk("an Ed25519 public key is exactly 32 bytes"))?;
        let key = VerifyingKey::from_bytes(bytes)
            .map_err(|_| Error::jwk("the Ed25519 public key is not a valid point"))?;
        // `from_bytes` accepts a y coordinate >= p; the same point has a canonical spelling.
        if key.to_edwards().compress().as_bytes() != bytes {
            return Err(Error::jwk(
                "the Ed25519 public key is not canonically encoded",
            ));
        }
        if key.is_weak() {
            return Err(Error::jwk("the Ed25519 public key has small order"));
        }
        Ok(Ed25519PublicKey { key })
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        self.key.as_bytes()
    }

    /// Strict verification: canonical `s`, canonical `R`, no small-order `R` or key.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        Signature::from_slice(signature)
            .is_ok_and(|signature| self.key.verify_strict(message, &signature).is_ok())
    }
}
