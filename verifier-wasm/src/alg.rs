//! The one table of JWS algorithms. Nothing else in the crate enumerates algorithm names:
//! every property of an `alg` (key type, hash, KMS names) is read from [`ALGORITHMS`].

use core::fmt;

/// A JWS algorithm that kmsjwt signs and verifies. `none`, HMAC and every name not in the
/// table are not representable, so they cannot be configured by mistake.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Alg {
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    ES256K,
    /// Ed25519, under its RFC 8037 name.
    EdDSA,
    /// Ed25519, under its fully specified name (RFC 9864).
    Ed25519,
    /// ML-DSA-44 (FIPS 204, RFC 9964), pure, with an empty context.
    MlDsa44,
    MlDsa65,
    MlDsa87,
}

/// The hash a signature scheme applies to the JWS signing input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashAlg {
    Sha256,
    Sha384,
    Sha512,
}

/// An elliptic curve used with ECDSA.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Curve {
    P256,
    P384,
    P521,
    Secp256k1,
}

/// An ML-DSA parameter set (FIPS 204).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MlDsaLevel {
    L44,
    L65,
    L87,
}

impl MlDsaLevel {
    /// The JOSE name of its one algorithm, also the AKP JWK's required `alg`.
    pub fn alg(self) -> Alg {
        match self {
            MlDsaLevel::L44 => Alg::MlDsa44,
            MlDsaLevel::L65 => Alg::MlDsa65,
            MlDsaLevel::L87 => Alg::MlDsa87,
        }
    }

    /// Bytes in an encoded public key.
    pub fn public_key_len(self) -> usize {
        match self {
            MlDsaLevel::L44 => 1312,
            MlDsaLevel::L65 => 1952,
            MlDsaLevel::L87 => 2592,
        }
    }

    /// Bytes in an encoded signature.
    pub fn signature_len(self) -> usize {
        match self {
            MlDsaLevel::L44 => 2420,
            MlDsaLevel::L65 => 3309,
            MlDsaLevel::L87 => 4627,
        }
    }
}

/// What a key is, as far as algorithm choice is concerned: the key type fixes which
/// algorithms it can verify, so algorithm confusion is ruled out by this type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyType {
    Rsa,
    Ec(Curve),
    Ed25519,
    /// An AKP key of one ML-DSA parameter set.
    MlDsa(MlDsaLevel),
}

/// The signature scheme that an algorithm verifies with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    RsaPkcs1v15(HashAlg),
    /// RSASSA-PSS with MGF1 over the same hash and a salt as long as the hash.
    RsaPss(HashAlg),
    /// ECDSA with the signature as fixed-width `r || s` (IEEE P1363), never DER.
    Ecdsa(Curve, HashAlg),
    /// Pure Ed25519 (RFC 8032), no pre-hash.
    Ed25519,
    /// Pure ML-DSA (FIPS 204 algorithm 3) with an empty context; no pre-hash variant.
    MlDsa(MlDsaLevel),
}

/// How KMS is asked to sign for an algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KmsMessageType {
    /// The signer hashes the signing input and sends the digest.
    Digest,
    /// The signer sends the signing input itself (KMS limits it to 4096 bytes; ML-DSA
    /// signers send the FIPS 204 `mu` as EXTERNAL_MU above that).
    Raw,
}

/// One row of the algorithm table.
#[derive(Debug)]
pub struct AlgSpec {
    pub alg: Alg,
    /// The `alg` header value.
    pub name: &'static str,
    pub scheme: Scheme,
    /// KMS `SigningAlgorithmSpec` name.
    pub kms_signing_algorithm: &'static str,
    pub kms_message_type: KmsMessageType,
}

use Curve::*;
use HashAlg::*;

/// Every algorithm kmsjwt supports, one row each.
pub const ALGORITHMS: &[AlgSpec] = &[
    row(
        Alg::RS256,
        "RS256",
        Scheme::RsaPkcs1v15(Sha256),
        "RSASSA_PKCS1_V1_5_SHA_256",
    ),
    row(
        Alg::RS384,
        "RS384",
        Scheme::RsaPkcs1v15(Sha384),
        "RSASSA_PKCS1_V1_5_SHA_384",
    ),
    row(
        Alg::RS512,
        "RS512",
        Scheme::RsaPkcs1v15(Sha512),
        "RSASSA_PKCS1_V1_5_SHA_512",
    ),
    row(
        Alg::PS256,
        "PS256",
        Scheme::RsaPss(Sha256),
        "RSASSA_PSS_SHA_256",
    ),
    row(
        Alg::PS384,
        "PS384",
        Scheme::RsaPss(Sha384),
        "RSASSA_PSS_SHA_384",
    ),
    row(
        Alg::PS512,
        "PS512",
        Scheme::RsaPss(Sha512),
        "RSASSA_PSS_SHA_512",
    ),
    row(
        Alg::ES256,
        "ES256",
        Scheme::Ecdsa(P256, Sha256),
        "ECDSA_SHA_256",
    ),
    row(
        Alg::ES384,
        "ES384",
        Scheme::Ecdsa(P384, Sha384),
        "ECDSA_SHA_384",
    ),
    row(
        Alg::ES512,
        "ES512",
        Scheme::Ecdsa(P521, Sha512),
        "ECDSA_SHA_512",
    ),
    row(
        Alg::ES256K,
        "ES256K",
        Scheme::Ecdsa(Secp256k1, Sha256),
        "ECDSA_SHA_256",
    ),
    row(Alg::EdDSA, "EdDSA", Scheme::Ed25519, "ED25519_SHA_512"),
    row(Alg::Ed25519, "Ed25519", Scheme::Ed25519, "ED25519_SHA_512"),
    row(
        Alg::MlDsa44,
        "ML-DSA-44",
        Scheme::MlDsa(MlDsaLevel::L44),
        "ML_DSA_SHAKE_256",
    ),
    row(
        Alg::MlDsa65,
        "ML-DSA-65",
        Scheme::MlDsa(MlDsaLevel::L65),
        "ML_DSA_SHAKE_256",
    ),
    row(
        Alg::MlDsa87,
        "ML-DSA-87",
        Scheme::MlDsa(MlDsaLevel::L87),
        "ML_DSA_SHAKE_256",
    ),
];

const fn row(alg: Alg, name: &'static str, scheme: Scheme, kms: &'static str) -> AlgSpec {
    let kms_message_type = match scheme {
        Scheme::Ed25519 | Scheme::MlDsa(_) => KmsMessageType::Raw,
        _ => KmsMessageType::Digest,
    };
    AlgSpec {
        alg,
        name,
        scheme,
        kms_signing_algorithm: kms,
        kms_message_type,
    }
}

/// Names that are JOSE algorithms but are refused by policy, as opposed to unknown names.
const REFUSED_NAMES: &[&str] = &["none", "HS256", "HS384", "HS512"];

/// Why an `alg` name is not usable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnusableAlg {
    /// `none` or an HMAC algorithm: never accepted.
    Refused,
    /// Not a name kmsjwt knows.
    Unknown,
}

impl Alg {
    /// Looks up an `alg` header value. Exact, case-sensitive match, as RFC 7515 requires.
    pub fn from_name(name: &str) -> Result<Alg, UnusableAlg> {
        if let Some(spec) = ALGORITHMS.iter().find(|spec| spec.name == name) {
            return Ok(spec.alg);
        }
        if REFUSED_NAMES.contains(&name) {
            Err(UnusableAlg::Refused)
        } else {
            Err(UnusableAlg::Unknown)
        }
    }

    /// Every supported algorithm, in table order.
    pub fn all() -> impl Iterator<Item = Alg> {
        ALGORITHMS.iter().map(|spec| spec.alg)
    }

    pub fn spec(self) -> &'static AlgSpec {
        // The table has one row per variant; `table_has_every_variant` tests it.
        ALGORITHMS
            .iter()
            .find(|spec| spec.alg == self)
            .unwrap_or(&ALGORITHMS[0])
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn scheme(self) -> Scheme {
        self.spec().scheme
    }

    pub fn key_type(self) -> KeyType {
        match self.scheme() {
            Scheme::RsaPkcs1v15(_) | Scheme::RsaPss(_) => KeyType::Rsa,
            Scheme::Ecdsa(curve, _) => KeyType::Ec(curve),
            Scheme::Ed25519 => KeyType::Ed25519,
            Scheme::MlDsa(level) => KeyType::MlDsa(level),
        }
    }

    /// The hash applied to the signing input before signing, or `None` where the scheme
    /// signs the message itself (Ed25519, ML-DSA).
    pub fn hash(self) -> Option<HashAlg> {
        match self.scheme() {
            Scheme::RsaPkcs1v15(hash) | Scheme::RsaPss(hash) | Scheme::Ecdsa(_, hash) => Some(hash),
            Scheme::Ed25519 | Scheme::MlDsa(_) => None,
        }
    }

    pub fn kms_signing_algorithm(self) -> &'static str {
        self.spec().kms_signing_algorithm
    }

    pub fn kms_message_type(self) -> KmsMessageType {
        self.spec().kms_message_type
    }
}

impl KeyType {
    /// Algorithms a key of this type verifies, in table order.
    pub fn algorithms(self) -> impl Iterator<Item = Alg> {
        Alg::all().filter(move |alg| alg.key_type() == self)
    }

    /// The algorithm a signer picks when none is asked for.
    pub fn default_alg(self) -> Alg {
        match self {
            KeyType::Rsa => Alg::RS256,
            KeyType::Ec(P256) => Alg::ES256,
            KeyType::Ec(P384) => Alg::ES384,
            KeyType::Ec(P521) => Alg::ES512,
            KeyType::Ec(Secp256k1) => Alg::ES256K,
            KeyType::Ed25519 => Alg::EdDSA,
            KeyType::MlDsa(level) => level.alg(),
        }
    }

    /// Words for messages: "RSA", "EC P-256", "Ed25519".
    pub fn describe(self) -> &'static str {
        match self {
            KeyType::Rsa => "RSA",
            KeyType::Ec(curve) => curve.describe(),
            KeyType::Ed25519 => "Ed25519",
            KeyType::MlDsa(level) => level.alg().name(),
        }
    }
}

impl Curve {
    /// The JWK `crv` name.
    pub fn jwk_name(self) -> &'static str {
        match self {
            P256 => "P-256",
            P384 => "P-384",
            P521 => "P-521",
            Secp256k1 => "secp256k1",
        }
    }

    pub fn from_jwk_name(name: &str) -> Option<Curve> {
        [P256, P384, P521, Secp256k1]
            .into_iter()
            .find(|curve| curve.jwk_name() == name)
    }

    /// Bytes in one coordinate and in each of `r` and `s`.
    pub fn field_len(self) -> usize {
        match self {
            P256 | Secp256k1 => 32,
            P384 => 48,
            P521 => 66,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            P256 => "EC P-256",
            P384 => "EC P-384",
            P521 => "EC P-521",
            Secp256k1 => "EC secp256k1",
        }
    }
}

impl HashAlg {
    pub fn output_len(self) -> usize {
        match self {
            Sha256 => 32,
            Sha384 => 48,
            Sha512 => 64,
        }
    }

    /// Hashes `data` with this algorithm.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Sha256 => digest_with::<sha2::Sha256>(data),
            Sha384 => digest_with::<sha2::Sha384>(data),
            Sha512 => digest_with::<sha2::Sha512>(data),
        }
    }
}

/// One hash's code apart from the others': V8 compiles a wasm function on its first call,
/// so a token then compiles the hash it uses only (README, Performance: startup).
#[inline(never)]
fn digest_with<D: sha2::Digest>(data: &[u8]) -> Vec<u8> {
    D::digest(data).to_vec()
}

impl fmt::Display for Alg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl core::str::FromStr for Alg {
    type Err = UnusableAlg;

    fn from_str(name: &str) -> Result<Alg, UnusableAlg> {
        Alg::from_name(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_every_variant_once_and_names_round_trip() {
        for spec in ALGORITHMS {
            assert_eq!(spec.alg.spec().name, spec.name);
            assert_eq!(Alg::from_name(spec.name), Ok(spec.alg));
        }
        let mut names: Vec<_> = ALGORITHMS.iter().map(|spec| spec.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALGORITHMS.len());
        assert_eq!(ALGORITHMS.len(), 15);
    }

    #[test]
    fn refused_and_unknown_names_are_told_apart() {
        for name in ["none", "HS256", "HS384", "HS512"] {
            assert_eq!(Alg::from_name(name), Err(UnusableAlg::Refused));
        }
        for name in [
            "rs256",
            "RS1",
            "",
            "ES256 ",
            "RSASSA_PSS_SHA_256",
            "ECDSA_SHA_256",
        ] {
            assert_eq!(Alg::from_name(name), Err(UnusableAlg::Unknown), "{name}");
        }
    }

    #[test]
    fn key_types_fix_their_algorithms() {
        let rsa: Vec<_> = KeyType::Rsa.algorithms().map(Alg::name).collect();
        assert_eq!(rsa, ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]);
        let p256: Vec<_> = KeyType::Ec(P256).algorithms().collect();
        assert_eq!(p256, [Alg::ES256]);
        let k256: Vec<_> = KeyType::Ec(Secp256k1).algorithms().collect();
        assert_eq!(k256, [Alg::ES256K]);
        let ed: Vec<_> = KeyType::Ed25519.algorithms().collect();
        assert_eq!(ed, [Alg::EdDSA, Alg::Ed25519]);
        let ml: Vec<_> = KeyType::MlDsa(MlDsaLevel::L65).algorithms().collect();
        assert_eq!(ml, [Alg::MlDsa65]);
        assert_eq!(Alg::from_name("ML-DSA-87"), Ok(Alg::MlDsa87));
        assert_eq!(Alg::MlDsa44.kms_message_type(), KmsMessageType::Raw);
        for key_type in [
            KeyType::Rsa,
            KeyType::Ec(P384),
            KeyType::Ed25519,
            KeyType::MlDsa(MlDsaLevel::L87),
        ] {
            assert_eq!(key_type.default_alg().key_type(), key_type);
        }
    }

    #[test]
    fn kms_message_types_follow_the_spec() {
        assert_eq!(Alg::EdDSA.kms_message_type(), KmsMessageType::Raw);
        assert_eq!(Alg::PS384.kms_message_type(), KmsMessageType::Digest);
        assert_eq!(Alg::ES256K.kms_signing_algorithm(), "ECDSA_SHA_256");
        assert_eq!(Alg::ES512.hash(), Some(Sha512));
        assert_eq!(Alg::Ed25519.hash(), None);
    }
}
