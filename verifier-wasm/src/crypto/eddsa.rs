//! Ed25519 keys and strict pure-Ed25519 verification (RFC 8032 with canonical encodings).

use std::sync::OnceLock;

use curve25519_dalek::constants::EIGHT_TORSION;
use ed25519_dalek::{Signature, Verifier as _, VerifyingKey};

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
    ///
    /// The same verdicts as `verify_strict` (the tests compare them) without its two
    /// costly steps: decompressing `R` to test its order, and testing the key's order again
    /// (refused when the key was parsed). A small-order `R` is refused by its encoding; any
    /// other encoding of such a point, like every non-canonical `R`, differs from the
    /// canonical encoding of `[s]B - [k]A` that `verify` compares it with.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        Signature::from_slice(signature).is_ok_and(|signature| {
            !small_order_encodings().contains(signature.r_bytes())
                && self.key.verify(message, &signature).is_ok()
        })
    }
}

/// The canonical encodings of the eight points of small order.
fn small_order_encodings() -> &'static [[u8; 32]; 8] {
    static ENCODINGS: OnceLock<[[u8; 32]; 8]> = OnceLock::new();
    ENCODINGS.get_or_init(|| EIGHT_TORSION.map(|point| point.compress().to_bytes()))
}
