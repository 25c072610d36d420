//! ML-DSA keys (AKP) and pure ML-DSA verification with an empty context (FIPS 204
//! algorithm 3, as RFC 9964 uses it for JOSE), by RustCrypto's `ml-dsa`.

use ml_dsa::{
    EncodedSignature, EncodedVerifyingKey, MlDsa44, MlDsa65, MlDsa87, MlDsaParams, Signature,
    VerifyingKey,
};

use crate::alg::MlDsaLevel;
use crate::error::{Error, Result};

/// An ML-DSA public key, one variant per parameter set.
#[derive(Clone, Debug)]
pub enum MlDsaPublicKey {
    L44(VerifyingKey<MlDsa44>),
    L65(VerifyingKey<MlDsa65>),
    L87(VerifyingKey<MlDsa87>),
}

impl MlDsaPublicKey {
    /// Reads an encoded public key (`pkEncode`), which must have its level's exact length.
    pub fn from_bytes(level: MlDsaLevel, bytes: &[u8]) -> Result<MlDsaPublicKey> {
        if bytes.len() != level.public_key_len() {
            return Err(Error::jwk(format!(
                "an {} public key is {} bytes, not {}",
                level.alg(),
                level.public_key_len(),
                bytes.len()
            )));
        }
        Ok(match level {
            MlDsaLevel::L44 => MlDsaPublicKey::L44(decode_key(bytes)),
            MlDsaLevel::L65 => MlDsaPublicKey::L65(decode_key(bytes)),
            MlDsaLevel::L87 => MlDsaPublicKey::L87(decode_key(bytes)),
        })
    }

    pub fn level(&self) -> MlDsaLevel {
        match self {
            MlDsaPublicKey::L44(_) => MlDsaLevel::L44,
            MlDsaPublicKey::L65(_) => MlDsaLevel::L65,
            MlDsaPublicKey::L87(_) => MlDsaLevel::L87,
        }
    }

    /// The encoded public key (the AKP JWK's `pub`).
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            MlDsaPublicKey::L44(key) => key.encode().to_vec(),
            MlDsaPublicKey::L65(key) => key.encode().to_vec(),
            MlDsaPublicKey::L87(key) => key.encode().to_vec(),
        }
    }

    /// Checks a signature of the level's exact length over `message`, context empty.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            MlDsaPublicKey::L44(key) => verify_with(key, message, signature),
            MlDsaPublicKey::L65(key) => verify_with(key, message, signature),
            MlDsaPublicKey::L87(key) => verify_with(key, message, signature),
        }
    }
}

fn decode_key<P: MlDsaParams>(bytes: &[u8]) -> VerifyingKey<P> {
    // The length was checked by the caller, so the conversion cannot fail; an all-zero
    // key would only ever fail verification.
    let encoded = EncodedVerifyingKey::<P>::try_from(bytes).unwrap_or_default();
    VerifyingKey::decode(&encoded)
}

fn verify_with<P: MlDsaParams>(key: &VerifyingKey<P>, message: &[u8], signature: &[u8]) -> bool {
    let Ok(encoded) = EncodedSignature::<P>::try_from(signature) else {
        return false;
    };
    Signature::decode(&encoded)
        .is_some_and(|signature| key.verify_with_context(message, &[], &signature))
}
