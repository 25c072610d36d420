//! EC keys on P-256, P-384, P-521 and secp256k1, and the ES* signature checks.

use p256::ecdsa::signature::Verifier as _;

use crate::alg::Curve;
use crate::error::{Error, Result};

/// An EC public key, one variant per curve, so a key can only check its own curve's alg.
#[derive(Clone, Debug)]
pub enum EcPublicKey {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    P521(p521::ecdsa::VerifyingKey),
    Secp256k1(k256::ecdsa::VerifyingKey),
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
            Curve::P256 => EcPublicKey::P256(
                p256::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(invalid)?,
            ),
            Curve::P384 => EcPublicKey::P384(
                p384::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(invalid)?,
            ),
            Curve::P521 => EcPublicKey::P521(
                p521::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(invalid)?,
            ),
            Curve::Secp256k1 => EcPublicKey::Secp256k1(
                k256::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(invalid)?,
            ),
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
        let point = match self {
            EcPublicKey::P256(key) => key.to_sec1_point(false).as_bytes().to_vec(),
            EcPublicKey::P384(key) => key.to_sec1_point(false).as_bytes().to_vec(),
            EcPublicKey::P521(key) => key.to_sec1_point(false).as_bytes().to_vec(),
            EcPublicKey::Secp256k1(key) => key.to_sec1_point(false).as_bytes().to_vec(),
        };
        let len = self.curve().field_len();
        (point[1..1 + len].to_vec(), point[1 + len..].to_vec())
    }

    /// Checks a fixed-width `r || s` signature over `message`, hashed with the curve's JOSE
    /// hash. DER signatures have the wrong length and fail; `r` and `s` must be in
    /// [1, n-1]. High-`s` signatures are valid ECDSA and are accepted on every curve.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            EcPublicKey::P256(key) => p256::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|signature| key.verify(message, &signature).is_ok()),
            EcPublicKey::P384(key) => p384::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|signature| key.verify(message, &signature).is_ok()),
            EcPublicKey::P521(key) => p521::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|signature| key.verify(message, &signature).is_ok()),
            // k256 refuses high-`s` by itself; normalising first gives plain ECDSA.
            EcPublicKey::Secp256k1(key) => k256::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|signature| key.verify(message, &signature.normalize_s()).is_ok()),
        }
    }
}
