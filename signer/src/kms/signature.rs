//! KMS signatures into JWS form, and what KMS is sent for each algorithm.
//!
//! - ECDSA: KMS returns ASN.1 DER (`SEQUENCE { r INTEGER, s INTEGER }`); JWS needs the
//!   fixed-width `r || s` (32, 48 or 66 bytes each), normalised to low-`s` (some secp256k1
//!   verifiers insist on it). DER is parsed by the RustCrypto `ecdsa` crate, never by hand.
//! - RSA and Ed25519 signatures are already in JWS form.

use kmsjwt_verify::alg::Scheme;
use kmsjwt_verify::{Alg, Curve, KmsMessageType};

use crate::error::{Error, ErrorKind, Result};

/// The most KMS signs in one RAW request (bytes). KMS refuses more; local emulators do not,
/// so kmsjwt checks it before calling KMS.
pub const MAX_RAW_MESSAGE_LEN: usize = 4096;

/// What KMS is asked to sign for `alg`: the digest of the signing input (RSA, ECDSA:
/// `MessageType::DIGEST`), or the signing input itself (Ed25519: `MessageType::RAW`, at most
/// [`MAX_RAW_MESSAGE_LEN`] bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KmsMessage {
    pub message_type: KmsMessageType,
    pub bytes: Vec<u8>,
}

/// Prepares the KMS message for `alg` over the JWS signing input, refusing a RAW message that
/// KMS would refuse.
pub fn kms_message(alg: Alg, signing_input: &[u8]) -> Result<KmsMessage> {
    match (alg.kms_message_type(), alg.hash()) {
        (KmsMessageType::Digest, Some(hash)) => Ok(KmsMessage {
            message_type: KmsMessageType::Digest,
            bytes: hash.digest(signing_input),
        }),
        _ => {
            if signing_input.len() > MAX_RAW_MESSAGE_LEN {
                return Err(Error::new(
                    ErrorKind::MessageTooLarge,
                    format!(
                        "the {alg} signing input (base64url header and claims) is {} bytes; KMS \
                         signs at most {MAX_RAW_MESSAGE_LEN} bytes for {alg}; send fewer or \
                         shorter claims (or use an ECDSA or RSA key, which sign a digest)",
                        signing_input.len()
                    ),
                ));
            }
            Ok(KmsMessage {
                message_type: KmsMessageType::Raw,
                bytes: signing_input.to_vec(),
            })
        }
    }
}

/// Turns the signature KMS returned for `alg` into the JWS signature bytes.
pub fn to_jws(alg: Alg, kms_signature: &[u8]) -> Result<Vec<u8>> {
    match alg.scheme() {
        Scheme::Ecdsa(curve, _) => der_to_fixed(curve, kms_signature),
        _ => Ok(kms_signature.to_vec()),
    }
}

/// ASN.1 DER ECDSA signature -> fixed-width `r || s` with low `s`.
pub fn der_to_fixed(curve: Curve, der: &[u8]) -> Result<Vec<u8>> {
    let fixed = match curve {
        Curve::P256 => p256::ecdsa::Signature::from_der(der)
            .ok()
            .map(|signature| signature.normalize_s().to_vec()),
        Curve::P384 => p384::ecdsa::Signature::from_der(der)
            .ok()
            .map(|signature| signature.normalize_s().to_vec()),
        Curve::P521 => p521::ecdsa::Signature::from_der(der)
            .ok()
            .map(|signature| signature.normalize_s().to_vec()),
        Curve::Secp256k1 => k256::ecdsa::Signature::from_der(der)
            .ok()
            .map(|signature| signature.normalize_s().to_vec()),
    };
    fixed.ok_or_else(|| {
        Error::new(
            ErrorKind::SelfCheckFailed,
            format!(
                "KMS returned a {}-byte ECDSA signature that is not valid DER for {}",
                der.len(),
                curve.jwk_name()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use kmsjwt_verify::HashAlg;

    /// DER for `SEQUENCE { INTEGER r, INTEGER s }` from big-endian magnitudes, written out
    /// here only to make test inputs (the code under test never builds DER).
    fn der(r: &[u8], s: &[u8]) -> Vec<u8> {
        fn integer(magnitude: &[u8]) -> Vec<u8> {
            let mut value: Vec<u8> = magnitude.iter().copied().skip_while(|b| *b == 0).collect();
            if value.first().is_none_or(|b| *b & 0x80 != 0) {
                value.insert(0, 0);
            }
            let mut out = vec![0x02];
            out.extend(length(value.len()));
            out.extend(value);
            out
        }
        fn length(len: usize) -> Vec<u8> {
            if len < 0x80 {
                vec![len as u8]
            } else {
                vec![0x81, len as u8]
            }
        }
        let body = [integer(r), integer(s)].concat();
        let mut out = vec![0x30];
        out.extend(length(body.len()));
        out.extend(body);
        out
    }

    // Group orders, big-endian.
    const P256_N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
    const P521_N: &str = "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409";
    const K256_N: &str = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    /// `n - value` for big-endian numbers of the same width.
    fn sub(n: &[u8], value: &[u8]) -> Vec<u8> {
        let mut out = vec![0u8; n.len()];
        let mut borrow = 0i16;
        for i in (0..n.len()).rev() {
            let mut digit = n[i] as i16 - value[i] as i16 - borrow;
            borrow = if digit < 0 { 1 } else { 0 };
            if digit < 0 {
                digit += 256;
            }
            out[i] = digit as u8;
        }
        out
    }

    fn padded(width: usize, value: &[u8]) -> Vec<u8> {
        let mut out = vec![0u8; width - value.len()];
        out.extend_from_slice(value);
        out
    }

    #[test]
    fn p256_small_values_are_left_padded_to_32_bytes() {
        let fixed = der_to_fixed(Curve::P256, &der(&[1], &[2])).unwrap();
        assert_eq!(fixed.len(), 64);
        assert_eq!(fixed[..32], padded(32, &[1])[..]);
        assert_eq!(fixed[32..], padded(32, &[2])[..]);
    }

    #[test]
    fn leading_zeros_and_sign_bytes_are_dropped() {
        // r has its top bit set (DER adds a 0x00 sign byte); s is short (DER drops zeros).
        let r = hex("8000000000000000000000000000000000000000000000000000000000000001");
        let s = hex("00000000000000000000000000000000000000000000000000000000000000ff");
        let encoded = der(&r, &s);
        assert_eq!(encoded[3], 33, "r is encoded with a sign byte");
        let fixed = der_to_fixed(Curve::P256, &encoded).unwrap();
        assert_eq!(fixed[..32], r[..]);
        assert_eq!(fixed[32..], s[..]);
    }

    #[test]
    fn p521_gives_66_byte_scalars() {
        let n = hex(P521_N);
        assert_eq!(n.len(), 66);
        // r close to n (its 66th byte is 0x01), s small: both come out 66 bytes wide.
        let r = sub(&n, &padded(66, &[5]));
        let s = padded(66, &[0x12, 0x34]);
        let fixed = der_to_fixed(Curve::P521, &der(&r, &s)).unwrap();
        assert_eq!(fixed.len(), 132);
        assert_eq!(fixed[..66], r[..]);
        assert_eq!(fixed[66..], s[..]);
    }

    #[test]
    fn high_s_becomes_low_s() {
        for (curve, order) in [(Curve::P256, P256_N), (Curve::Secp256k1, K256_N)] {
            let n = hex(order);
            let low = padded(32, &[7]);
            let high = sub(&n, &low);
            let r = padded(32, &[9]);
            let fixed = der_to_fixed(curve, &der(&r, &high)).unwrap();
            assert_eq!(fixed[32..], low[..], "{curve:?}: s = n - 7 becomes 7");
            let already_low = der_to_fixed(curve, &der(&r, &low)).unwrap();
            assert_eq!(already_low, fixed);
        }
        let n = hex(P521_N);
        let low = padded(66, &[3]);
        let fixed = der_to_fixed(Curve::P521, &der(&padded(66, &[1]), &sub(&n, &low))).unwrap();
        assert_eq!(fixed[66..], low[..]);
    }

    #[test]
    fn invalid_der_and_out_of_range_scalars_are_refused() {
        let n = hex(P256_N);
        for bad in [
            vec![],
            vec![0x30, 0x00],
            der(&[0], &[1]),                     // r = 0
            der(&[1], &n),                       // s = n
            [der(&[1], &[2]), vec![0]].concat(), // trailing byte
            padded(64, &[1]),                    // already r || s: not DER
        ] {
            let error = der_to_fixed(Curve::P256, &bad).unwrap_err();
            assert_eq!(error.code(), "ERR_SELF_CHECK_FAILED");
        }
        // A P-384 signature is not a P-256 one.
        let mut r = padded(48, &[1]);
        r[0] = 0x80;
        assert!(der_to_fixed(Curve::P256, &der(&r, &[1])).is_err());
    }

    #[test]
    fn digest_algorithms_send_the_hash_and_ed25519_the_input() {
        let input = b"eyJhbGciOiJFUzI1NiJ9.e30";
        for (alg, hash) in [
            (Alg::RS256, HashAlg::Sha256),
            (Alg::PS384, HashAlg::Sha384),
            (Alg::RS512, HashAlg::Sha512),
            (Alg::ES256, HashAlg::Sha256),
            (Alg::ES384, HashAlg::Sha384),
            (Alg::ES512, HashAlg::Sha512),
            (Alg::ES256K, HashAlg::Sha256),
        ] {
            let message = kms_message(alg, input).unwrap();
            assert_eq!(message.message_type, KmsMessageType::Digest, "{alg}");
            assert_eq!(message.bytes, hash.digest(input), "{alg}");
            assert_eq!(message.bytes.len(), hash.output_len());
        }
        for alg in [Alg::EdDSA, Alg::Ed25519] {
            let message = kms_message(alg, input).unwrap();
            assert_eq!(message.message_type, KmsMessageType::Raw);
            assert_eq!(message.bytes, input);
        }
    }

    #[test]
    fn raw_messages_over_4096_bytes_are_refused_before_kms() {
        let limit = vec![b'a'; MAX_RAW_MESSAGE_LEN];
        assert!(kms_message(Alg::EdDSA, &limit).is_ok());
        let over = vec![b'a'; MAX_RAW_MESSAGE_LEN + 1];
        let error = kms_message(Alg::EdDSA, &over).unwrap_err();
        assert_eq!(error.code(), "ERR_MESSAGE_TOO_LARGE");
        assert!(
            error.message().contains("4097 bytes"),
            "{}",
            error.message()
        );
        // Digest algorithms have no such limit.
        assert!(kms_message(Alg::ES256, &vec![b'a'; 100_000]).is_ok());
    }
}
