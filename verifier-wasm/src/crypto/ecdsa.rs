//! EC keys on P-256, P-384, P-521 and secp256k1, and the ES* signature checks.
//!
//! The RustCrypto curve crates parse and validate each key (on the curve, not the
//! identity, compressed points); the signature check itself runs on the variable-time
//! arithmetic in [`super::weierstrass`], with those crates as its reference in the tests.

use super::weierstrass::{self, PreparedKey};
use crate::alg::{Curve, HashAlg};
use crate::error::{Error, Result};

/// An EC public key, one variant per curve, so a key can only check its own curve's alg.
#[derive(Clone, Debug)]
pub enum EcPublicKey {
    P256(p256::ecdsa::VerifyingKey, PreparedKey<8>),
    P384(p384::ecdsa::VerifyingKey, PreparedKey<12>),
    P521(p521::ecdsa::VerifyingKey, PreparedKey<17>),
    Secp256k1(k256::ecdsa::VerifyingKey, PreparedKey<8>),
}

impl EcPublicKey {
    /// Parses a SEC1 point (uncompressed or compressed); the point must be on the curve and
    /// not the identity.
    pub fn from_sec1(curve: Curve, point: &[u8]) -> Result<EcPublicKey> {
        let invalid = |_| {
            Error::jwk(format!(
                "the {} public point is not on the curve or malformed",
                curve.jwk_name()
            ))
        };
        Ok(match curve {
            Curve::P256 => {
                let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(invalid)?;
                let prepared = prepare(weierstrass::p256(), key.to_sec1_point(false).as_bytes())?;
                EcPublicKey::P256(key, prepared)
            }
            Curve::P384 => {
                let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(invalid)?;
                let prepared = prepare(weierstrass::p384(), key.to_sec1_point(false).as_bytes())?;
                EcPublicKey::P384(key, prepared)
            }
            Curve::P521 => {
                let key = p521::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(invalid)?;
                let prepared = prepare(weierstrass::p521(), key.to_sec1_point(false).as_bytes())?;
                EcPublicKey::P521(key, prepared)
            }
            Curve::Secp256k1 => {
                let key = k256::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(invalid)?;
                let prepared = prepare(
                    weierstrass::secp256k1(),
                    key.to_sec1_point(false).as_bytes(),
                )?;
                EcPublicKey::Secp256k1(key, prepared)
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
            EcPublicKey::P256(..) => Curve::P256,
            EcPublicKey::P384(..) => Curve::P384,
            EcPublicKey::P521(..) => Curve::P521,
            EcPublicKey::Secp256k1(..) => Curve::Secp256k1,
        }
    }

    /// The affine coordinates `(x, y)`, each the curve's field length.
    pub fn coordinates(&self) -> (Vec<u8>, Vec<u8>) {
        let point = match self {
            EcPublicKey::P256(key, _) => key.to_sec1_point(false).as_bytes().to_vec(),
            EcPublicKey::P384(key, _) => key.to_sec1_point(false).as_bytes().to_vec(),
            EcPublicKey::P521(key, _) => key.to_sec1_point(false).as_bytes().to_vec(),
            EcPublicKey::Secp256k1(key, _) => key.to_sec1_point(false).as_bytes().to_vec(),
        };
        let len = self.curve().field_len();
        (point[1..1 + len].to_vec(), point[1 + len..].to_vec())
    }

    /// Checks a fixed-width `r || s` signature over `message`, hashed with `hash` (the
    /// alg's). DER signatures have the wrong length and fail; `r` and `s` must be in
    /// [1, n-1]. High-`s` signatures are valid ECDSA and are accepted on every curve.
    pub fn verify(&self, hash: HashAlg, message: &[u8], signature: &[u8]) -> bool {
        let digest = hash.digest(message);
        match self {
            EcPublicKey::P256(_, key) => weierstrass::p256().verify(key, &digest, signature),
            EcPublicKey::P384(_, key) => weierstrass::p384().verify(key, &digest, signature),
            EcPublicKey::P521(_, key) => weierstrass::p521().verify(key, &digest, signature),
            EcPublicKey::Secp256k1(_, key) => {
                weierstrass::secp256k1().verify(key, &digest, signature)
            }
        }
    }
}

/// The key's point for the verification arithmetic, from its uncompressed SEC1 form.
fn prepare<const N: usize>(
    curve: &weierstrass::Curve<N>,
    uncompressed: &[u8],
) -> Result<PreparedKey<N>> {
    let (x, y) = uncompressed[1..].split_at((uncompressed.len() - 1) / 2);
    curve
        .prepare(x, y)
        .ok_or_else(|| Error::jwk("the EC public point is malformed"))
}
