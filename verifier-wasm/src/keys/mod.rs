//! Key input (PEM, JWK, JWKS) and the key set a verifier chooses from. Keys come only from
//! the caller, never from the token (`jwk`, `jku`, `x5u`, `x5c` headers are ignored).

mod jwk;
mod pem;

pub use jwk::{JwkKey, parse_jwk, public_jwk, secret_member, thumbprint};
pub use pem::{from_spki_der, parse_pem, spki_der_to_pem};

use serde_json::{Map, Value};

use crate::alg::Alg;
use crate::crypto::PublicKey;
use crate::error::{Error, ErrorKind, Result};
use crate::json;

/// One key of a set, or why it cannot be used (a JWKS may hold keys we cannot use; they
/// are skipped, and named in the error when a token asks for them).
#[derive(Clone, Debug)]
struct SetEntry {
    kid: Option<String>,
    key: Result<JwkKey>,
}

/// The keys a [`crate::Verifier`] may use: one key (PEM or JWK) or a JWK Set.
#[derive(Clone, Debug)]
pub struct KeySet {
    entries: Vec<SetEntry>,
    /// A single key is used whatever the token's `kid`, as jose does with a key object.
    single: bool,
}

/// The keys that may verify one token, in set order.
pub(crate) type Candidates<'a> = Vec<&'a JwkKey>;

impl KeySet {
    /// Reads key text: a PEM block (public key, RSA public key or certificate), a JWK, or a
    /// JWK Set (`{"keys": [...]}`).
    pub fn from_text(text: &str) -> Result<KeySet> {
        let trimmed = text.trim();
        if trimmed.starts_with("-----BEGIN") {
            return parse_pem(trimmed).map(KeySet::from_key);
        }
        if trimmed.starts_with('{') {
            let members = json::parse_object(trimmed.as_bytes())
                .map_err(|error| Error::jwk(format!("the key JSON {error}")))?;
            return if members.contains_key("keys") {
                KeySet::from_jwks(&members)
            } else {
                KeySet::from_jwk(&members)
            };
        }
        Err(Error::jwk(
            "the key is neither PEM (-----BEGIN ...) nor a JWK or JWK Set (JSON object)",
        ))
    }

    /// A set holding one key.
    pub fn from_key(key: PublicKey) -> KeySet {
        KeySet {
            entries: vec![SetEntry {
                kid: None,
                key: Ok(JwkKey {
                    key,
                    kid: None,
                    alg: None,
                }),
            }],
            single: true,
        }
    }

    /// A set holding one JWK; its `alg`, `use` and `key_ops` restrict it.
    pub fn from_jwk(members: &Map<String, Value>) -> Result<KeySet> {
        if members.contains_key("keys") {
            return Err(Error::jwk("this is a JWK Set, not a JWK"));
        }
        let key = parse_jwk(members)?;
        Ok(KeySet {
            entries: vec![SetEntry {
                kid: key.kid.clone(),
                key: Ok(key),
            }],
            single: true,
        })
    }

    /// A JWK Set. Keys we cannot use (other key types, `use: enc`, weak keys) are kept
    /// aside and never chosen; a set holding private key material is refused outright.
    pub fn from_jwks(members: &Map<String, Value>) -> Result<KeySet> {
        let Some(Value::Array(keys)) = members.get("keys") else {
            return Err(Error::jwks("a JWK Set must have a \"keys\" array"));
        };
        let mut entries = Vec::with_capacity(keys.len());
        for (index, key) in keys.iter().enumerate() {
            let Value::Object(jwk) = key else {
                return Err(Error::jwks(format!(
                    "key {index} of the JWK Set is not an object"
                )));
            };
            let kid = match jwk.get("kid") {
                None => None,
                Some(Value::String(kid)) => Some(kid.clone()),
                Some(_) => {
                    return Err(Error::jwks(format!(
                        "key {index} of the JWK Set has a non-string \"kid\""
                    )));
                }
            };
            if let Some(secret) = secret_member(jwk) {
                return Err(Error::jwks(format!(
                    "key {index} of the JWK Set holds private or secret key material (\"{secret}\"); publish public keys only"
                )));
            }
            entries.push(SetEntry {
                kid,
                key: parse_jwk(jwk),
            });
        }
        Ok(KeySet {
            entries,
            single: false,
        })
    }

    /// Whether this set is one key given directly (PEM or JWK) rather than a JWK Set.
    pub fn is_single(&self) -> bool {
        self.single
    }

    /// The usable keys, in set order.
    pub fn keys(&self) -> impl Iterator<Item = &JwkKey> {
        self.entries
            .iter()
            .filter_map(|entry| entry.key.as_ref().ok())
    }

    /// The keys that may verify a token with this `alg` and `kid`; an error when none may.
    pub(crate) fn candidates(&self, alg: Alg, kid: Option<&str>) -> Result<Candidates<'_>> {
        if self.single {
            return self.single_candidate(alg);
        }
        let candidates: Candidates<'_> = self
            .entries_for(kid)
            .filter_map(|entry| entry.key.as_ref().ok())
            .filter(|key| key.key.fits(alg) && key.alg.is_none_or(|only| only == alg))
            .collect();
        if candidates.is_empty() {
            return Err(self.no_matching_key(alg, kid));
        }
        Ok(candidates)
    }

    /// The entries a token's `kid` (if any) names.
    fn entries_for<'set, 'kid>(
        &'set self,
        kid: Option<&'kid str>,
    ) -> impl Iterator<Item = &'set SetEntry> + 'kid
    where
        'set: 'kid,
    {
        self.entries
            .iter()
            .filter(move |entry| kid.is_none() || entry.kid.as_deref() == kid)
    }

    /// Why no key fits, naming the entries skipped as unusable. Apart from
    /// [`KeySet::candidates`] so that a verification that finds its key never compiles it
    /// (README, Performance: startup).
    #[cold]
    #[inline(never)]
    fn no_matching_key(&self, alg: Alg, kid: Option<&str>) -> Error {
        let wanted = match kid {
            Some(kid) => format!("kid {kid:?} and alg {alg}"),
            None => format!("alg {alg}"),
        };
        let mut message = format!("no key in the JWK Set fits the token's {wanted}");
        let unusable: Vec<&str> = self
            .entries_for(kid)
            .filter_map(|entry| entry.key.as_ref().err())
            .map(Error::message)
            .collect();
        if !unusable.is_empty() {
            message.push_str(&format!(" (keys skipped: {})", unusable.join("; ")));
        }
        Error::new(ErrorKind::JwksNoMatchingKey, message)
    }

    fn single_candidate(&self, alg: Alg) -> Result<Candidates<'_>> {
        let key = self.keys().next().ok_or_else(|| Error::jwk("no key"))?;
        if !key.key.fits(alg) {
            return Err(Error::new(
                ErrorKind::AlgNotAllowed,
                format!(
                    "the token's alg {alg} does not fit the {} key",
                    key.key.key_type().describe()
                ),
            ));
        }
        if let Some(only) = key.alg.filter(|only| *only != alg) {
            return Err(Error::new(
                ErrorKind::AlgNotAllowed,
                format!("the token's alg {alg} differs from the key's \"alg\": {only}"),
            ));
        }
        Ok(vec![key])
    }

    /// The one key that fits `alg` and `kid`, like jose's `createLocalJWKSet` lookup:
    /// `ERR_JWKS_MULTIPLE_MATCHING_KEYS` when several do.
    pub fn select(&self, alg: Alg, kid: Option<&str>) -> Result<&JwkKey> {
        let candidates = self.candidates(alg, kid)?;
        match candidates.as_slice() {
            [key] => Ok(key),
            _ => Err(Error::new(
                ErrorKind::JwksMultipleMatchingKeys,
                format!(
                    "{} keys in the JWK Set fit the token's alg {alg}; give the token a \"kid\"",
                    candidates.len()
                ),
            )),
        }
    }
}
