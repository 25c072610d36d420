//! RSA keys and the RS*/PS* signature checks. The arithmetic is in `rsa_public_op`; the
//! `rsa` crate is its reference in the tests, not part of the library (it would add its
//! general big-integer code to every .wasm for a few range checks).

use super::rsa_public_op::{self, Modulus};
use crate::alg::HashAlg;
use crate::error::{Error, Result};

/// Moduli under this many bits are refused (RFC 7518 section 3.3 and 3.5).
pub const MIN_MODULUS_BITS: usize = 2048;
/// The largest modulus accepted; bounds the cost of one verification.
pub const MAX_MODULUS_BITS: usize = 8192;

/// An RSA public key of at least 2048 bits.
#[derive(Clone, Debug)]
pub struct RsaPublicKey {
    /// Big-endian, without leading zeros.
    n: Vec<u8>,
    e: Vec<u8>,
    bits: usize,
    /// The same key prepared for the public operation.
    modulus: Modulus,
}

impl RsaPublicKey {
    /// Builds a key from big-endian modulus and exponent bytes (leading zeros allowed).
    pub fn from_components(modulus: &[u8], exponent: &[u8]) -> Result<RsaPublicKey> {
        let modulus = trim_leading_zeros(modulus);
        let exponent = trim_leading_zeros(exponent);
        // An all-zero modulus trims to nothing: zero bits, refused just below.
        let bits = modulus
            .first()
            .map_or(0, |top| modulus.len() * 8 - top.leading_zeros() as usize);
        if bits < MIN_MODULUS_BITS {
            return Err(Error::jwk(format!(
                "the RSA modulus has {bits} bits; at least {MIN_MODULUS_BITS} are required"
            )));
        }
        if bits > MAX_MODULUS_BITS {
            return Err(Error::jwk(format!(
                "the RSA modulus has {bits} bits; at most {MAX_MODULUS_BITS} are supported"
            )));
        }
        if modulus.last().is_some_and(|low| low & 1 == 0) {
            return Err(Error::jwk(
                "the RSA public key is invalid: the modulus is even",
            ));
        }
        // The `rsa` crate's bounds, kept when it stopped being a dependency: 3 <= e < 2^33.
        let exponent_value = exponent.iter().try_fold(0u64, |value, byte| {
            value.checked_mul(256).map(|v| v | u64::from(*byte))
        });
        if !exponent_value.is_some_and(|e| (3..1 << 33).contains(&e)) {
            return Err(Error::jwk("the RSA public exponent is out of range"));
        }
        if exponent.last().is_some_and(|low| low & 1 == 0) {
            return Err(Error::jwk(
                "the RSA public exponent must be odd and at least 3",
            ));
        }
        Ok(RsaPublicKey {
            modulus: Modulus::new(modulus, exponent),
            n: modulus.to_vec(),
            e: exponent.to_vec(),
            bits,
        })
    }

    /// Parses a PKCS#1 `RSAPublicKey` structure.
    pub fn from_pkcs1_der(der: &[u8]) -> Result<RsaPublicKey> {
        use der::Decode;
        let parsed = pkcs1::RsaPublicKey::<der::asn1::UintRef<'_>>::from_der(der)
            .map_err(|error| Error::jwk(format!("the RSA public key is not valid DER: {error}")))?;
        RsaPublicKey::from_components(parsed.modulus.as_bytes(), parsed.public_exponent.as_bytes())
    }

    pub fn modulus_bits(&self) -> usize {
        self.bits
    }

    /// Big-endian modulus without leading zeros.
    pub fn modulus(&self) -> Vec<u8> {
        self.n.clone()
    }

    /// Big-endian public exponent without leading zeros.
    pub fn exponent(&self) -> Vec<u8> {
        self.e.clone()
    }

    /// RSAVP1: `s^e mod n` as `k` bytes, or `None` for a signature that is not `k` bytes
    /// below `n`. The arithmetic under both checks below, public only for the differential
    /// tests and fuzz target that hold it against the `rsa` crate on any odd modulus.
    #[doc(hidden)]
    pub fn public_operation(&self, signature: &[u8]) -> Option<Vec<u8>> {
        self.modulus.public_op(signature)
    }

    /// RSASSA-PKCS1-v1_5: the whole encoded message is rebuilt and compared, never parsed,
    /// and the signature must be exactly as long as the modulus.
    pub fn verify_pkcs1v15(&self, hash: HashAlg, message: &[u8], signature: &[u8]) -> bool {
        rsa_public_op::verify_pkcs1v15(&self.modulus, hash, message, signature)
    }

    /// RSASSA-PSS with MGF1 over `hash` and a salt exactly as long as the hash.
    pub fn verify_pss(&self, hash: HashAlg, message: &[u8], signature: &[u8]) -> bool {
        rsa_public_op::verify_pss(&self.modulus, hash, message, signature)
    }
}

fn trim_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|byte| *byte != 0)
        .unwrap_or(bytes.len());
    &bytes[start..]
}
