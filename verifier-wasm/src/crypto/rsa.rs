//! RSA keys and the RS*/PS* signature checks (RustCrypto `rsa`).

use rsa::BoxedUint;
use rsa::traits::PublicKeyParts;

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
    /// Validated by the `rsa` crate (odd modulus, exponent range) and the source of `n`, `e`.
    key: rsa::PublicKey,
    /// The same key prepared for the public operation.
    modulus: Modulus,
}

impl RsaPublicKey {
    /// Builds a key from big-endian modulus and exponent bytes (leading zeros allowed).
    pub fn from_components(modulus: &[u8], exponent: &[u8]) -> Result<RsaPublicKey> {
        let modulus = trim_leading_zeros(modulus);
        let exponent = trim_leading_zeros(exponent);
        let bits = modulus.len() * 8
            - modulus
                .first()
                .map_or(8, |top| top.leading_zeros() as usize);
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
        if exponent.is_empty() || exponent.len() > 8 {
            return Err(Error::jwk("the RSA public exponent is out of range"));
        }
        let n = BoxedUint::from_be_slice(modulus, (modulus.len() * 8) as u32)
            .map_err(|_| Error::jwk("the RSA modulus is malformed"))?;
        let e = BoxedUint::from_be_slice(exponent, (exponent.len() * 8) as u32)
            .map_err(|_| Error::jwk("the RSA public exponent is malformed"))?;
        let key = rsa::PublicKey::new_with_size_limits(n, e, MIN_MODULUS_BITS..=MAX_MODULUS_BITS)
            .map_err(|error| Error::jwk(format!("the RSA public key is invalid: {error}")))?;
        if exponent.len() == 1 && exponent[0] < 3 || exponent.last().is_some_and(|low| low & 1 == 0)
        {
            return Err(Error::jwk(
                "the RSA public exponent must be odd and at least 3",
            ));
        }
        Ok(RsaPublicKey {
            modulus: Modulus::new(modulus, exponent),
            key,
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
        self.key.n().bit_width_vartime() as usize
    }

    /// Big-endian modulus without leading zeros.
    pub fn modulus(&self) -> Vec<u8> {
        self.key.n().to_be_bytes_trimmed_vartime().into_vec()
    }

    /// Big-endian public exponent without leading zeros.
    pub fn exponent(&self) -> Vec<u8> {
        self.key.e().to_be_bytes_trimmed_vartime().into_vec()
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
