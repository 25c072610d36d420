//! EC keys on P-256, P-384, P-521 and secp256k1, and the ES* signature checks, on the
//! variable-time arithmetic in [`super::ec`] (the RustCrypto curve crates are
//! its reference in the tests).

use super::ec::{self, PreparedKey};
use crate::alg::{Curve, HashAlg};
use crate::error::{Error, Result};

/// An EC public key, one variant per curve, so a key can only check its own curve's alg.
#[derive(Clone, Debug)]
pub enum EcPublicKey {
    P256(PreparedKey<8>),
    P384(PreparedKey<14>),
    P521(PreparedKey<18>),
    Secp256k1(PreparedKey<8>),
}

impl EcPublicKey {
    /// Parses a SEC1 point (uncompressed or compressed); the point must be on the curve and
    /// not the identity.
    pub fn from_sec1(curve: Curve, point: &[u8]) -> Result<EcPublicKey> {
        let invalid = || {
            Error::jwk(format!(
                "the {} public point is not on the curve or malformed",
                curve.jwk_name()
            ))
        };
        Ok(match curve {
            Curve::P256 => EcPublicKey::P256(ec::p256().prepare(point).ok_or_else(invalid)?),
            Curve::P384 => EcPublicKey::P384(ec::p384().prepare(point).ok_or_else(invalid)?),
            Curve::P521 => EcPublicKey::P521(ec::p521().prepare(point).ok_or_else(invalid)?),
            Curve::Secp256k1 => {
                EcPublicKey::Secp256k1(ec::secp256k1().prepare(point).ok_or_else(invalid)?)
            }
        })
    }

    /// Builds a key from JWK coordinates, each exactly the curve's field length.
    pub fn from_coordinates(curve: Curve, x: &[u8], y: &[u8]) -> Result<EcPublicKey> {
        let len = curve.field_len();
        if x.len() != len || y.len() != len {
            return Err(Error::jwk(format!(
                "{} coordinates must be {len} bytes each",
                curve.jwk_name()
            )));
        }
        let mut point = Vec::with_capacity(1 + 2 * len);
        point.push(0x04);
        point.extend_from_slice(x);
        point.extend_from_slice(y);
        EcPublicKey::from_sec1(curve, &point)
    }

    pub fn curve(&self) -> Curve {
        match self {
            EcPublicKey::P256(_) => Curve::P256,
            EcPublicKey::P384(_) => Curve::P384,
            EcPublicKey::P521(_) => Curve::P521,
            EcPublicKey::Secp256k1(_) => Curve::Secp256k1,
        }
    }

    /// The affine coordinates `(x, y)`, each the curve's field length.
    pub fn coordinates(&self) -> (Vec<u8>, Vec<u8>) {
        match self {
            EcPublicKey::P256(key) => key.coordinates(ec::p256()),
            EcPublicKey::P384(key) => key.coordinates(ec::p384()),
            EcPublicKey::P521(key) => key.coordinates(ec::p521()),
            EcPublicKey::Secp256k1(key) => key.coordinates(ec::secp256k1()),
        }
    }

    /// Checks a fixed-width `r || s` signature over `message`, hashed with `hash` (the
    /// alg's). DER signatures have the wrong length and fail; `r` and `s` must be in
    /// [1, n-1]. High-`s` signatures are valid ECDSA and are accepted on every curve.
    pub fn verify(&self, hash: HashAlg, message: &[u8], signature: &[u8]) -> bool {
        let digest = hash.digest(message);
        match self {
            EcPublicKey::P256(key) => ec::p256().verify(key, &digest, signature),
            EcPublicKey::P384(key) => ec::p384().verify(key, &digest, signature),
            EcPublicKey::P521(key) => ec::p521().verify(key, &digest, signature),
            EcPublicKey::Secp256k1(key) => ec::secp256k1().verify(key, &digest, signature),
        }
    }
}
