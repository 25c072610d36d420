//! KMS key specs and the JOSE key types they hold (the "KMS KeySpec" column of the SPEC's
//! algorithm table).

use kmsjwt_verify::alg::MlDsaLevel;
use kmsjwt_verify::{Curve, KeyType};

/// Every KMS key spec kmsjwt signs with, and its JOSE key type.
pub const SIGNING_KEY_SPECS: &[(&str, KeyType)] = &[
    ("RSA_2048", KeyType::Rsa),
    ("RSA_3072", KeyType::Rsa),
    ("RSA_4096", KeyType::Rsa),
    ("ECC_NIST_P256", KeyType::Ec(Curve::P256)),
    ("ECC_NIST_P384", KeyType::Ec(Curve::P384)),
    ("ECC_NIST_P521", KeyType::Ec(Curve::P521)),
    ("ECC_SECG_P256K1", KeyType::Ec(Curve::Secp256k1)),
    ("ECC_NIST_EDWARDS25519", KeyType::Ed25519),
    ("ML_DSA_44", KeyType::MlDsa(MlDsaLevel::L44)),
    ("ML_DSA_65", KeyType::MlDsa(MlDsaLevel::L65)),
    ("ML_DSA_87", KeyType::MlDsa(MlDsaLevel::L87)),
];

/// The JOSE key type of a KMS key spec, or `None` for specs kmsjwt cannot sign with
/// (symmetric, HMAC, SM2).
pub fn key_type(spec: &str) -> Option<KeyType> {
    SIGNING_KEY_SPECS
        .iter()
        .find(|(name, _)| *name == spec)
        .map(|(_, key_type)| *key_type)
}

/// The spec names, for help and error messages.
pub fn names() -> impl Iterator<Item = &'static str> {
    SIGNING_KEY_SPECS.iter().map(|(name, _)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kmsjwt_verify::Alg;

    #[test]
    fn every_spec_has_a_default_alg_that_fits() {
        for (spec, expected) in SIGNING_KEY_SPECS {
            assert_eq!(key_type(spec), Some(*expected));
            assert_eq!(expected.default_alg().key_type(), *expected, "{spec}");
        }
        assert_eq!(key_type("ML_DSA_65").unwrap().default_alg(), Alg::MlDsa65);
        for unsupported in ["SYMMETRIC_DEFAULT", "HMAC_256", "SM2", "ML_DSA_128", ""] {
            assert_eq!(key_type(unsupported), None);
        }
    }
}
