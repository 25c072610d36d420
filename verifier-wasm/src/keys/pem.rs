//! PEM and DER key input: SPKI `PUBLIC KEY`, PKCS#1 `RSA PUBLIC KEY` and X.509
//! `CERTIFICATE` (its subject public key). ASN.1 is parsed by `der` and `spki`.

use der::asn1::ObjectIdentifier;
use der::{Decode, Reader, SliceReader, Tag, TagNumber};
use spki::SubjectPublicKeyInfoRef;

#[cfg(feature = "ecdsa")]
use crate::alg::Curve;
#[cfg(feature = "ecdsa")]
use crate::crypto::EcPublicKey;
#[cfg(feature = "eddsa")]
use crate::crypto::Ed25519PublicKey;
use crate::crypto::PublicKey;
#[cfg(feature = "rsa")]
use crate::crypto::RsaPublicKey;
use crate::error::{Error, ErrorKind, Result};
#[cfg(feature = "mldsa")]
use crate::{alg::MlDsaLevel, crypto::MlDsaPublicKey};

#[cfg(feature = "rsa")]
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
#[cfg(feature = "ecdsa")]
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
#[cfg(feature = "eddsa")]
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
#[cfg(feature = "mldsa")]
const ML_DSA: &[(ObjectIdentifier, MlDsaLevel)] = &[
    (
        ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.17"),
        MlDsaLevel::L44,
    ),
    (
        ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.18"),
        MlDsaLevel::L65,
    ),
    (
        ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.19"),
        MlDsaLevel::L87,
    ),
];
#[cfg(feature = "ecdsa")]
const CURVES: &[(ObjectIdentifier, Curve)] = &[
    (
        ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7"),
        Curve::P256,
    ),
    (ObjectIdentifier::new_unwrap("1.3.132.0.34"), Curve::P384),
    (ObjectIdentifier::new_unwrap("1.3.132.0.35"), Curve::P521),
    (
        ObjectIdentifier::new_unwrap("1.3.132.0.10"),
        Curve::Secp256k1,
    ),
];

const BEGIN: &[u8] = b"-----BEGIN ";

/// Parses one PEM block holding a public key or a certificate.
pub fn parse_pem(text: &str) -> Result<PublicKey> {
    // Windows rather than `str::matches`, whose two-way searcher is 2 KB of wasm that V8
    // would compile for every first key.
    let blocks = text
        .as_bytes()
        .windows(BEGIN.len())
        .filter(|window| *window == BEGIN)
        .count();
    if blocks != 1 {
        return Err(Error::jwk(format!(
            "expected exactly one PEM block, found {blocks}; pass one public key or certificate"
        )));
    }
    let (label, der) = der::pem::decode_vec(text.trim().as_bytes())
        .map_err(|error| Error::jwk(format!("the PEM text is malformed: {error}")))?;
    match label {
        "PUBLIC KEY" => from_spki_der(&der),
        #[cfg(feature = "rsa")]
        "RSA PUBLIC KEY" => RsaPublicKey::from_pkcs1_der(&der).map(PublicKey::Rsa),
        "CERTIFICATE" => from_certificate_der(&der),
        label if label.contains("PRIVATE KEY") => Err(Error::jwk(format!(
            "this is a private key ({label}); verification needs only the public key"
        ))),
        label => Err(Error::jwk(format!(
            "unsupported PEM label {label:?}; use PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE"
        ))),
    }
}

/// Parses a DER `SubjectPublicKeyInfo`, the form KMS `GetPublicKey` returns.
pub fn from_spki_der(der: &[u8]) -> Result<PublicKey> {
    let spki = SubjectPublicKeyInfoRef::from_der(der)
        .map_err(|error| Error::jwk(format!("the public key is not valid SPKI DER: {error}")))?;
    let key_bytes = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| Error::jwk("the SPKI public key bit string has unused bits"))?;
    match spki.algorithm.oid {
        #[cfg(feature = "rsa")]
        RSA_ENCRYPTION => RsaPublicKey::from_pkcs1_der(key_bytes).map(PublicKey::Rsa),
        #[cfg(feature = "ecdsa")]
        EC_PUBLIC_KEY => {
            let curve_oid = spki
                .algorithm
                .parameters_oid()
                .map_err(|_| Error::jwk("the EC public key does not name its curve"))?;
            let curve = CURVES
                .iter()
                .find(|(oid, _)| *oid == curve_oid)
                .map(|(_, curve)| *curve)
                .ok_or_else(|| {
                    Error::new(
                        ErrorKind::NotSupported,
                        format!("the EC curve {curve_oid} is not supported"),
                    )
                })?;
            EcPublicKey::from_sec1(curve, key_bytes).map(PublicKey::Ec)
        }
        #[cfg(feature = "eddsa")]
        ED25519 => {
            if spki.algorithm.parameters.is_some() {
                return Err(Error::jwk("an Ed25519 key's algorithm has no parameters"));
            }
            Ed25519PublicKey::from_bytes(key_bytes).map(PublicKey::Ed25519)
        }
        oid => from_other_spki(oid, spki.algorithm.parameters.is_some(), key_bytes),
    }
}

#[cfg(feature = "mldsa")]
fn from_other_spki(
    oid: ObjectIdentifier,
    has_parameters: bool,
    key_bytes: &[u8],
) -> Result<PublicKey> {
    match ML_DSA.iter().find(|(known, _)| *known == oid) {
        Some(_) if has_parameters => Err(Error::jwk("an ML-DSA key's algorithm has no parameters")),
        Some((_, level)) => MlDsaPublicKey::from_bytes(*level, key_bytes).map(PublicKey::MlDsa),
        None => Err(unsupported_algorithm(oid)),
    }
}

#[cfg(not(feature = "mldsa"))]
fn from_other_spki(oid: ObjectIdentifier, _: bool, _: &[u8]) -> Result<PublicKey> {
    Err(unsupported_algorithm(oid))
}

fn unsupported_algorithm(oid: ObjectIdentifier) -> Error {
    Error::new(
        ErrorKind::NotSupported,
        format!("the public key algorithm {oid} is not supported by this build"),
    )
}

// Not inlined into `parse_pem`: V8 compiles a wasm function on its first call, so the
// certificate reader is compiled only when a certificate comes.
#[inline(never)]
fn from_certificate_der(der: &[u8]) -> Result<PublicKey> {
    let spki = certificate_spki(der)
        .map_err(|error| Error::jwk(format!("the certificate is not valid DER: {error}")))?;
    from_spki_der(spki)
}

/// The DER `SubjectPublicKeyInfo` inside an X.509 certificate.
///
/// The certificate's frame is checked (a certificate sequence holding the TBS sequence, a
/// signature algorithm and a signature bit string, nothing after it) and each TBS field up
/// to the key must be one DER element with its field's tag; the fields themselves (names,
/// validity, extensions) are not decoded. That is how jose reads a certificate outside
/// Node: nothing in it is trusted, only its key is used. Decoding every field with
/// `x509-cert` cost 20 KB of the `.wasm` gzip.
fn certificate_spki(der: &[u8]) -> der::Result<&[u8]> {
    // [0] EXPLICIT Version, absent in version 1 certificates.
    let version = Tag::ContextSpecific {
        constructed: true,
        number: TagNumber(0),
    };
    // serialNumber, signature, issuer, validity, subject.
    let before_key = [
        Tag::Integer,
        Tag::Sequence,
        Tag::Sequence,
        Tag::Sequence,
        Tag::Sequence,
    ];
    let mut reader = SliceReader::new(der)?;
    let spki = reader.sequence(|certificate| {
        let spki = certificate.sequence(|tbs| {
            if Tag::peek(tbs)? == version {
                tbs.tlv_bytes()?;
            }
            for tag in before_key {
                element(tbs, tag)?;
            }
            let spki = element(tbs, Tag::Sequence)?;
            // issuerUniqueID, subjectUniqueID and extensions, when present.
            while !tbs.is_finished() {
                tbs.tlv_bytes()?;
            }
            Ok::<_, der::Error>(spki)
        })?;
        element(certificate, Tag::Sequence)?;
        element(certificate, Tag::BitString)?;
        Ok::<_, der::Error>(spki)
    })?;
    reader.finish()?;
    Ok(spki)
}

/// The next DER element, header included, which must carry `tag`.
fn element<'a>(reader: &mut SliceReader<'a>, tag: Tag) -> der::Result<&'a [u8]> {
    Tag::peek(reader)?.assert_eq(tag)?;
    reader.tlv_bytes()
}

/// Encodes DER `SubjectPublicKeyInfo` as a `PUBLIC KEY` PEM block.
pub fn spki_der_to_pem(der: &[u8]) -> String {
    der::pem::encode_string("PUBLIC KEY", der::pem::LineEnding::LF, der).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PEM file of `tests/keys`.
    fn pem_of(file: &str) -> String {
        let path = format!("{}/tests/keys/{file}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path).unwrap()
    }

    /// The DER inside a PEM file of `tests/keys`.
    fn der_of(file: &str) -> Vec<u8> {
        der::pem::decode_vec(pem_of(file).as_bytes()).unwrap().1
    }

    #[test]
    fn a_certificate_yields_its_subject_public_key() {
        for (certificate, key) in [
            ("p256.cert.pem", "p256.pub.pem"),
            ("ed25519.cert.pem", "ed25519.pub.pem"),
            // Version 1: no version field and no extensions.
            ("rsa2048.v1.cert.pem", "rsa2048.pub.pem"),
        ] {
            let der = der_of(certificate);
            assert_eq!(
                certificate_spki(&der).unwrap(),
                der_of(key),
                "{certificate}"
            );
        }
    }

    #[test]
    fn a_broken_certificate_frame_is_refused() {
        let der = der_of("p256.cert.pem");
        let refused = |bytes: &[u8]| {
            let error = from_certificate_der(bytes).unwrap_err();
            assert_eq!(error.code(), "ERR_JWK_INVALID");
            assert!(
                error.message().contains("certificate"),
                "{}",
                error.message()
            );
        };
        refused(&der[..der.len() - 1]);
        refused(&[der.as_slice(), &[0]].concat());
        refused(&[]);
        // A changed tag: the certificate's, the TBS's, the version's, the serial number's
        // and the signature algorithm's.
        for offset in [0, 4, 8, 13, 35] {
            let mut changed = der.clone();
            changed[offset] ^= 0x01;
            refused(&changed);
        }
        // Only the TBS certificate, without the signature after it.
        let tbs_len = 4 + usize::from(u16::from_be_bytes([der[6], der[7]]));
        let mut unsigned = vec![0x30, 0x82];
        unsigned.extend_from_slice(&(tbs_len as u16).to_be_bytes());
        unsigned.extend_from_slice(&der[4..4 + tbs_len]);
        refused(&unsigned);
    }

    #[test]
    fn exactly_one_pem_block_is_read() {
        let pem = pem_of("p256.pub.pem");
        assert!(parse_pem(&pem).is_ok());
        for (text, found) in [
            (format!("{pem}{pem}"), 2),
            (pem.replace("-----BEGIN ", "-----BEGIN-"), 0),
        ] {
            let error = parse_pem(&text).unwrap_err();
            assert_eq!(error.code(), "ERR_JWK_INVALID");
            assert!(
                error.message().contains(&format!("found {found};")),
                "{}",
                error.message()
            );
        }
    }
}
