//! KMS signatures into JWS form, and what KMS is sent for each algorithm.
//!
//! - ECDSA: KMS returns ASN.1 DER (`SEQUENCE { r INTEGER, s INTEGER }`); JWS needs the
//!   fixed-width `r || s` (32, 48 or 66 bytes each), normalised to low-`s` (some secp256k1
//!   verifiers insist on it). DER is parsed by the RustCrypto `ecdsa` crate, never by hand.
//! - RSA, Ed25519 and ML-DSA signatures are already in JWS form.
//! - ML-DSA: KMS signs at most 4096 bytes RAW; a longer signing input is sent as its FIPS 204
//!   `mu` (`MessageType::EXTERNAL_MU`), computed here from the public key. Both give the same
//!   pure ML-DSA signature (empty context) that RFC 9964 verifiers check.

use kmsjwt_verify::alg::Scheme;
use kmsjwt_verify::{Alg, Curve, KmsMessageType, PublicKey};
use shake::{ExtendableOutput, Shake256, Update, XofReader};

use crate::error::{Error, ErrorKind, Result};

/// The most KMS signs in one RAW request (bytes). KMS refuses more; local emulators do not,
/// so kmsjwt checks it before calling KMS.
pub const MAX_RAW_MESSAGE_LEN: usize = 4096;

/// The length of ML-DSA's `tr` and `mu` (FIPS 204: 64 bytes).
pub const ML_DSA_MU_LEN: usize = 64;

/// How KMS reads the message of a `Sign` request (its `MessageType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageType {
    /// The digest of the signing input (RSA, ECDSA).
    Digest,
    /// The signing input itself, at most [`MAX_RAW_MESSAGE_LEN`] bytes (Ed25519, ML-DSA).
    Raw,
    /// ML-DSA's `mu` of the signing input (FIPS 204), for inputs KMS will not take RAW.
    ExternalMu,
}

impl MessageType {
    /// The name on the wire: `DIGEST`, `RAW`, `EXTERNAL_MU`.
    pub fn kms_name(self) -> &'static str {
        match self {
            MessageType::Digest => "DIGEST",
            MessageType::Raw => "RAW",
            MessageType::ExternalMu => "EXTERNAL_MU",
        }
    }
}

/// What KMS is asked to sign for `alg`: the digest of the signing input (RSA, ECDSA:
/// `DIGEST`), the signing input itself (Ed25519, and ML-DSA up to [`MAX_RAW_MESSAGE_LEN`]
/// bytes: `RAW`), or ML-DSA's `mu` of a longer one (`EXTERNAL_MU`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KmsMessage {
    pub message_type: MessageType,
    pub bytes: Vec<u8>,
}

/// Prepares the KMS message for `alg` over the JWS signing input, refusing a RAW message that
/// KMS would refuse. `public_key` is the signing key's (ML-DSA's `mu` depends on it).
pub fn kms_message(alg: Alg, public_key: &PublicKey, signing_input: &[u8]) -> Result<KmsMessage> {
    if let (KmsMessageType::Digest, Some(hash)) = (alg.kms_message_type(), alg.hash()) {
        return Ok(KmsMessage {
            message_type: MessageType::Digest,
            bytes: hash.digest(signing_input),
        });
    }
    if signing_input.len() <= MAX_RAW_MESSAGE_LEN {
        return Ok(KmsMessage {
            message_type: MessageType::Raw,
            bytes: signing_input.to_vec(),
        });
    }
    if let (Scheme::MlDsa(_), PublicKey::MlDsa(key)) = (alg.scheme(), public_key) {
        return Ok(KmsMessage {
            message_type: MessageType::ExternalMu,
            bytes: ml_dsa_mu(&key.to_bytes(), signing_input).to_vec(),
        });
    }
    Err(Error::new(
        ErrorKind::MessageTooLarge,
        format!(
            "the {alg} signing input (base64url header and claims) is {} bytes; KMS \
             signs at most {MAX_RAW_MESSAGE_LEN} bytes for {alg}; send fewer or \
             shorter claims (or use an ECDSA, RSA or ML-DSA key, which have no such limit)",
            signing_input.len()
        ),
    ))
}

/// FIPS 204 `mu` for pure ML-DSA with an empty context (algorithm 2, then algorithm 7 line
/// 6): `tr = SHAKE256(pk, 64)`, `mu = SHAKE256(tr || 0x00 || 0x00 || M, 64)`, where `pk` is
/// the encoded public key and the two zero bytes are the pure-signing domain separator and
/// the context length.
pub fn ml_dsa_mu(public_key: &[u8], message: &[u8]) -> [u8; ML_DSA_MU_LEN] {
    let mut tr = [0u8; ML_DSA_MU_LEN];
    let mut hasher = Shake256::default();
    hasher.update(public_key);
    hasher.finalize_xof().read(&mut tr);
    let mut mu = [0u8; ML_DSA_MU_LEN];
    let mut hasher = Shake256::default();
    hasher.update(&tr);
    hasher.update(&[0x00, 0x00]);
    hasher.update(message);
    hasher.finalize_xof().read(&mut mu);
    mu
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

    /// RFC 8032 section 7.1 test 1 public key. Only ML-DSA reads the key in
    /// [`kms_message`]; the other algorithms get this one.
    fn ed25519_key() -> PublicKey {
        kmsjwt_verify::keys::parse_pem(
            "-----BEGIN PUBLIC KEY-----\n\
             MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n\
             -----END PUBLIC KEY-----\n",
        )
        .unwrap()
    }

    #[test]
    fn digest_algorithms_send_the_hash_and_ed25519_the_input() {
        let input = b"eyJhbGciOiJFUzI1NiJ9.e30";
        let key = ed25519_key();
        for (alg, hash) in [
            (Alg::RS256, HashAlg::Sha256),
            (Alg::PS384, HashAlg::Sha384),
            (Alg::RS512, HashAlg::Sha512),
            (Alg::ES256, HashAlg::Sha256),
            (Alg::ES384, HashAlg::Sha384),
            (Alg::ES512, HashAlg::Sha512),
            (Alg::ES256K, HashAlg::Sha256),
        ] {
            let message = kms_message(alg, &key, input).unwrap();
            assert_eq!(message.message_type, MessageType::Digest, "{alg}");
            assert_eq!(message.bytes, hash.digest(input), "{alg}");
            assert_eq!(message.bytes.len(), hash.output_len());
        }
        for alg in [Alg::EdDSA, Alg::Ed25519] {
            let message = kms_message(alg, &key, input).unwrap();
            assert_eq!(message.message_type, MessageType::Raw);
            assert_eq!(message.bytes, input);
        }
    }

    #[test]
    fn raw_messages_over_4096_bytes_are_refused_before_kms() {
        let key = ed25519_key();
        let limit = vec![b'a'; MAX_RAW_MESSAGE_LEN];
        assert!(kms_message(Alg::EdDSA, &key, &limit).is_ok());
        let over = vec![b'a'; MAX_RAW_MESSAGE_LEN + 1];
        let error = kms_message(Alg::EdDSA, &key, &over).unwrap_err();
        assert_eq!(error.code(), "ERR_MESSAGE_TOO_LARGE");
        assert!(
            error.message().contains("4097 bytes"),
            "{}",
            error.message()
        );
        // Digest algorithms have no such limit.
        assert!(kms_message(Alg::ES256, &key, &vec![b'a'; 100_000]).is_ok());
    }

    mod ml_dsa_messages {
        use super::*;
        use kmsjwt_verify::alg::MlDsaLevel;
        use kmsjwt_verify::crypto::MlDsaPublicKey;
        use ml_dsa::{ExpandedSigningKey, MlDsa44, MlDsa65, MlDsa87, MlDsaParams};

        /// A key from a fixed seed, its public key as the signer holds it, and `M`.
        fn key<P: MlDsaParams>(level: MlDsaLevel) -> (ExpandedSigningKey<P>, PublicKey) {
            let signing = ExpandedSigningKey::<P>::from_seed(&[level as u8 + 7; 32].into());
            let encoded = signing.verifying_key().encode();
            let public = MlDsaPublicKey::from_bytes(level, &encoded).unwrap();
            (signing, PublicKey::MlDsa(public))
        }

        /// The locally computed `mu` is the one `ml-dsa` computes inside pure signing and
        /// verification with an empty context: signing it gives the same (deterministic)
        /// signature as signing `M`, and that signature verifies over `M`.
        fn mu_matches_ml_dsa<P: MlDsaParams>(level: MlDsaLevel) {
            let (signing, public) = key::<P>(level);
            let alg = level.alg();
            let PublicKey::MlDsa(ml) = &public else {
                unreachable!()
            };
            for len in [0, 1, 4096, 4097, 20_000] {
                let message: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
                let mu = ml_dsa_mu(&ml.to_bytes(), &message);
                let expected = signing
                    .verifying_key()
                    .compute_mu(
                        |hasher| {
                            hasher.update(&message);
                            Ok(())
                        },
                        &[],
                    )
                    .unwrap();
                assert_eq!(mu[..], expected[..], "{alg}, {len} bytes");
                let from_mu = signing.sign_mu_deterministic(&mu.into()).encode();
                let from_message = signing.sign_deterministic(&message, &[]).unwrap().encode();
                assert_eq!(from_mu, from_message, "{alg}, {len} bytes");
                assert!(public.verify(alg, &message, &from_mu), "{alg}, {len} bytes");
            }
        }

        #[test]
        fn local_mu_is_the_fips_204_mu_at_every_level() {
            mu_matches_ml_dsa::<MlDsa44>(MlDsaLevel::L44);
            mu_matches_ml_dsa::<MlDsa65>(MlDsaLevel::L65);
            mu_matches_ml_dsa::<MlDsa87>(MlDsaLevel::L87);
        }

        #[test]
        fn raw_up_to_4096_bytes_then_external_mu() {
            let (_, public) = key::<MlDsa65>(MlDsaLevel::L65);
            let PublicKey::MlDsa(ml) = &public else {
                unreachable!()
            };
            let limit = vec![b'a'; MAX_RAW_MESSAGE_LEN];
            let raw = kms_message(Alg::MlDsa65, &public, &limit).unwrap();
            assert_eq!(raw.message_type, MessageType::Raw);
            assert_eq!(raw.bytes, limit);
            let over = vec![b'a'; MAX_RAW_MESSAGE_LEN + 1];
            let mu = kms_message(Alg::MlDsa65, &public, &over).unwrap();
            assert_eq!(mu.message_type, MessageType::ExternalMu);
            assert_eq!(mu.bytes, ml_dsa_mu(&ml.to_bytes(), &over));
            assert_eq!(mu.bytes.len(), 64);
            assert_eq!(MessageType::ExternalMu.kms_name(), "EXTERNAL_MU");
        }
    }
}
