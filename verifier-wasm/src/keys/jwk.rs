//! JWK input and output (RFC 7517, 7518, 8037), and RFC 7638 thumbprints.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::alg::Alg;
#[cfg(feature = "ecdsa")]
use crate::alg::Curve;
use crate::base64url;
#[cfg(feature = "ecdsa")]
use crate::crypto::EcPublicKey;
#[cfg(feature = "eddsa")]
use crate::crypto::Ed25519PublicKey;
use crate::crypto::PublicKey;
#[cfg(feature = "rsa")]
use crate::crypto::RsaPublicKey;
use crate::error::{Error, ErrorKind, Result};
#[cfg(feature = "mldsa")]
use crate::{alg::KeyType, crypto::MlDsaPublicKey};

/// Members that only private or symmetric keys have.
const SECRET_MEMBERS: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "oth", "k", "priv"];

/// A JWK that was read successfully: the key plus the members that restrict its use.
#[derive(Clone, Debug)]
pub struct JwkKey {
    pub key: PublicKey,
    pub kid: Option<String>,
    /// The JWK's `alg`, when it names one of ours; the key verifies only that alg.
    pub alg: Option<Alg>,
}

/// Reads one JWK object. Refuses secret key material, keys whose `use` is not `sig` or
/// whose `key_ops` lacks `verify`, and an `alg` that is not a signature alg of this key.
pub fn parse_jwk(members: &Map<String, Value>) -> Result<JwkKey> {
    if let Some(secret) = secret_member(members) {
        return Err(Error::jwk(format!(
            "the JWK holds private or secret key material (\"{secret}\"); pass the public key only"
        )));
    }
    let kid = optional_string(members, "kid")?;
    check_use(members)?;
    let key = match string_member(members, "kty")? {
        #[cfg(feature = "rsa")]
        "RSA" => PublicKey::Rsa(RsaPublicKey::from_components(
            &binary_member(members, "n")?,
            &binary_member(members, "e")?,
        )?),
        #[cfg(feature = "ecdsa")]
        "EC" => {
            let crv = string_member(members, "crv")?;
            let curve = Curve::from_jwk_name(crv).ok_or_else(|| {
                Error::new(
                    ErrorKind::NotSupported,
                    format!("the EC curve {crv:?} is not supported"),
                )
            })?;
            PublicKey::Ec(EcPublicKey::from_coordinates(
                curve,
                &binary_member(members, "x")?,
                &binary_member(members, "y")?,
            )?)
        }
        #[cfg(feature = "eddsa")]
        "OKP" => match string_member(members, "crv")? {
            "Ed25519" => {
                PublicKey::Ed25519(Ed25519PublicKey::from_bytes(&binary_member(members, "x")?)?)
            }
            crv => {
                return Err(Error::new(
                    ErrorKind::NotSupported,
                    format!("the OKP curve {crv:?} is not supported for signatures"),
                ));
            }
        },
        #[cfg(feature = "mldsa")]
        "AKP" => {
            // RFC 9964: an AKP key names its one algorithm, which fixes the parameter set.
            let name = string_member(members, "alg")?;
            let level = match Alg::from_name(name).map(Alg::key_type) {
                Ok(KeyType::MlDsa(level)) => level,
                _ => {
                    return Err(Error::new(
                        ErrorKind::NotSupported,
                        format!(
                            "the AKP key's \"alg\": {name:?} is not an ML-DSA algorithm kmsjwt verifies"
                        ),
                    ));
                }
            };
            PublicKey::MlDsa(MlDsaPublicKey::from_bytes(
                level,
                &binary_member(members, "pub")?,
            )?)
        }
        "oct" => return Err(Error::jwk("symmetric (\"oct\") keys are never accepted")),
        kty => {
            return Err(Error::new(
                ErrorKind::NotSupported,
                format!("the JWK key type {kty:?} is not supported by this build"),
            ));
        }
    };
    let alg = match optional_string(members, "alg")? {
        None => None,
        Some(name) => match Alg::from_name(&name) {
            Ok(alg) if key.fits(alg) => Some(alg),
            Ok(alg) => {
                return Err(Error::jwk(format!(
                    "the JWK says \"alg\": {alg}, which does not fit its {} key",
                    key.key_type().describe()
                )));
            }
            Err(_) => {
                return Err(Error::jwk(format!(
                    "the JWK says \"alg\": {name:?}, which is not a signature algorithm kmsjwt verifies"
                )));
            }
        },
    };
    Ok(JwkKey { key, kid, alg })
}

/// The first member that only private or symmetric keys have, if any.
pub fn secret_member(members: &Map<String, Value>) -> Option<&'static str> {
    SECRET_MEMBERS
        .iter()
        .copied()
        .find(|name| members.contains_key(*name))
}

fn check_use(members: &Map<String, Value>) -> Result<()> {
    if let Some(key_use) = optional_string(members, "use")? {
        if key_use != "sig" {
            return Err(Error::jwk(format!(
                "the JWK's \"use\" is {key_use:?}; only \"sig\" keys verify signatures"
            )));
        }
    }
    match members.get("key_ops") {
        None => Ok(()),
        Some(Value::Array(ops)) if ops.iter().all(Value::is_string) => {
            if ops.iter().any(|op| op == "verify") {
                Ok(())
            } else {
                Err(Error::jwk(
                    "the JWK's \"key_ops\" does not include \"verify\"",
                ))
            }
        }
        Some(_) => Err(Error::jwk(
            "the JWK's \"key_ops\" must be an array of strings",
        )),
    }
}

fn string_member<'a>(members: &'a Map<String, Value>, name: &str) -> Result<&'a str> {
    match members.get(name) {
        Some(Value::String(value)) => Ok(value),
        Some(_) => Err(Error::jwk(format!(
            "the JWK member \"{name}\" must be a string"
        ))),
        None => Err(Error::jwk(format!("the JWK member \"{name}\" is missing"))),
    }
}

fn optional_string(members: &Map<String, Value>, name: &str) -> Result<Option<String>> {
    match members.get(name) {
        None => Ok(None),
        Some(Value::String(value)) => Ok(Some(value.clone())),
        Some(_) => Err(Error::jwk(format!(
            "the JWK member \"{name}\" must be a string"
        ))),
    }
}

fn binary_member(members: &Map<String, Value>, name: &str) -> Result<Vec<u8>> {
    base64url::decode(string_member(members, name)?.as_bytes()).ok_or_else(|| {
        Error::jwk(format!(
            "the JWK member \"{name}\" is not canonical base64url"
        ))
    })
}

/// The key's public JWK members required by RFC 7638 (RFC 9964 for AKP: `alg`, `kty`,
/// `pub`), in lexicographic order, which is also the order the thumbprint hashes.
pub fn public_jwk(key: &PublicKey) -> Map<String, Value> {
    let mut jwk = Map::new();
    let mut put = |name: &str, value: String| {
        jwk.insert(name.to_owned(), Value::String(value));
    };
    match key {
        #[cfg(feature = "rsa")]
        PublicKey::Rsa(rsa) => {
            put("e", base64url::encode(&rsa.exponent()));
            put("kty", "RSA".to_owned());
            put("n", base64url::encode(&rsa.modulus()));
        }
        #[cfg(feature = "ecdsa")]
        PublicKey::Ec(ec) => {
            let (x, y) = ec.coordinates();
            put("crv", ec.curve().jwk_name().to_owned());
            put("kty", "EC".to_owned());
            put("x", base64url::encode(&x));
            put("y", base64url::encode(&y));
        }
        #[cfg(feature = "eddsa")]
        PublicKey::Ed25519(ed) => {
            put("crv", "Ed25519".to_owned());
            put("kty", "OKP".to_owned());
            put("x", base64url::encode(ed.as_bytes()));
        }
        #[cfg(feature = "mldsa")]
        PublicKey::MlDsa(ml) => {
            put("alg", ml.level().alg().name().to_owned());
            put("kty", "AKP".to_owned());
            put("pub", base64url::encode(&ml.to_bytes()));
        }
    }
    jwk
}

/// The RFC 7638 JWK thumbprint (SHA-256, base64url).
pub fn thumbprint(key: &PublicKey) -> String {
    let canonical = Value::Object(public_jwk(key)).to_string();
    base64url::encode(&Sha256::digest(canonical.as_bytes()))
}
