//! Parsed public keys, one module per algorithm family. A key's type fixes which
//! algorithms it verifies; [`PublicKey::verify`] refuses every other pairing.

#[cfg(feature = "ecdsa")]
mod ecdsa;
#[cfg(feature = "eddsa")]
mod eddsa;
#[cfg(feature = "mldsa")]
mod mldsa;
// Mostly the EC arithmetic; an RSA-only build uses a few of its limb helpers.
#[cfg(any(feature = "ecdsa", feature = "eddsa"))]
mod ec;
#[cfg(any(feature = "rsa", feature = "ecdsa", feature = "eddsa"))]
#[cfg_attr(not(any(feature = "ecdsa", feature = "eddsa")), allow(dead_code))]
mod montgomery;
#[cfg(feature = "rsa")]
mod rsa;
#[cfg(feature = "rsa")]
mod rsa_montgomery;
#[cfg(feature = "rsa")]
mod rsa_public_op;
#[cfg(all(
    target_feature = "simd128",
    any(feature = "rsa", feature = "ecdsa", feature = "eddsa")
))]
mod simd;

#[cfg(feature = "ecdsa")]
pub use self::ecdsa::EcPublicKey;
#[cfg(feature = "eddsa")]
pub use self::eddsa::Ed25519PublicKey;
#[cfg(feature = "mldsa")]
pub use self::mldsa::MlDsaPublicKey;
#[cfg(feature = "rsa")]
pub use self::rsa::{MAX_MODULUS_BITS, MIN_MODULUS_BITS, RsaPublicKey};

use crate::alg::{Alg, KeyType, Scheme};

/// A public key that kmsjwt can verify with.
#[derive(Clone, Debug)]
pub enum PublicKey {
    #[cfg(feature = "rsa")]
    Rsa(RsaPublicKey),
    #[cfg(feature = "ecdsa")]
    Ec(EcPublicKey),
    #[cfg(feature = "eddsa")]
    Ed25519(Ed25519PublicKey),
    #[cfg(feature = "mldsa")]
    MlDsa(MlDsaPublicKey),
}

impl PublicKey {
    pub fn key_type(&self) -> KeyType {
        match self {
            #[cfg(feature = "rsa")]
            PublicKey::Rsa(_) => KeyType::Rsa,
            #[cfg(feature = "ecdsa")]
            PublicKey::Ec(key) => KeyType::Ec(key.curve()),
            #[cfg(feature = "eddsa")]
            PublicKey::Ed25519(_) => KeyType::Ed25519,
            #[cfg(feature = "mldsa")]
            PublicKey::MlDsa(key) => KeyType::MlDsa(key.level()),
        }
    }

    /// Whether `alg` is one this key's type verifies.
    pub fn fits(&self, alg: Alg) -> bool {
        alg.key_type() == self.key_type()
    }

    /// Checks `signature` over `signing_input` with `alg`. False for a bad signature and
    /// for an `alg` that does not fit the key.
    pub fn verify(&self, alg: Alg, signing_input: &[u8], signature: &[u8]) -> bool {
        if !self.fits(alg) {
            return false;
        }
        match (self, alg.scheme()) {
            #[cfg(feature = "rsa")]
            (PublicKey::Rsa(key), Scheme::RsaPkcs1v15(hash)) => {
                key.verify_pkcs1v15(hash, signing_input, signature)
            }
            #[cfg(feature = "rsa")]
            (PublicKey::Rsa(key), Scheme::RsaPss(hash)) => {
                key.verify_pss(hash, signing_input, signature)
            }
            #[cfg(feature = "ecdsa")]
            (PublicKey::Ec(key), Scheme::Ecdsa(_, hash)) => {
                key.verify(hash, signing_input, signature)
            }
            #[cfg(feature = "eddsa")]
            (PublicKey::Ed25519(key), Scheme::Ed25519) => key.verify(signing_input, signature),
            #[cfg(feature = "mldsa")]
            (PublicKey::MlDsa(key), Scheme::MlDsa(_)) => key.verify(signing_input, signature),
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }
}
