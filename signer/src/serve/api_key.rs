//! API keys: clients send them as `Authorization: Bearer KEY`; the configuration holds only
//! their SHA-256, so a leaked config file grants nothing.
//!
//! Lookup hashes the presented key and finds the hash in a map. Comparing hashes leaks no
//! useful timing: learning a prefix of SHA-256(KEY) does not help anyone find KEY.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

/// SHA-256 of an API key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ApiKeyHash([u8; 32]);

impl ApiKeyHash {
    pub fn of(api_key: &str) -> ApiKeyHash {
        ApiKeyHash(Sha256::digest(api_key.as_bytes()).into())
    }

    /// Reads 64 hex digits (either case).
    pub fn from_hex(text: &str) -> Option<ApiKeyHash> {
        let text = text.trim().as_bytes();
        if text.len() != 64 {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (byte, pair) in bytes.iter_mut().zip(text.chunks_exact(2)) {
            let high = (pair[0] as char).to_digit(16)?;
            let low = (pair[1] as char).to_digit(16)?;
            *byte = (high * 16 + low) as u8;
        }
        Some(ApiKeyHash(bytes))
    }

    pub fn to_hex(self) -> String {
        self.0.iter().map(|byte| format!("{byte:02x}")).collect()
    }
}

/// A new random API key: `kmsjwt_` and 32 random bytes, base64url.
pub fn generate() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(format!(
        "kmsjwt_{}",
        kmsjwt_verify::base64url::encode(&bytes)
    ))
}

/// Why a request's credentials were refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthFailure {
    /// No `Authorization: Bearer ...` header.
    Missing,
    /// A Bearer key that no client has.
    Unknown,
    /// The key of a client marked `revoked = true`.
    Revoked,
}

/// Finds the client (an index into the configured clients) of a presented key.
#[derive(Clone, Debug, Default)]
pub struct ApiKeys {
    by_hash: HashMap<ApiKeyHash, (usize, bool)>,
}

impl ApiKeys {
    /// `clients`: each client's key hash and whether it is revoked, in configuration order.
    pub fn new(clients: impl IntoIterator<Item = (ApiKeyHash, bool)>) -> ApiKeys {
        ApiKeys {
            by_hash: clients
                .into_iter()
                .enumerate()
                .map(|(index, (hash, revoked))| (hash, (index, revoked)))
                .collect(),
        }
    }

    /// The client of an `Authorization` header value.
    pub fn authenticate(&self, authorization: Option<&str>) -> Result<usize, AuthFailure> {
        let api_key = authorization
            .and_then(bearer_token)
            .ok_or(AuthFailure::Missing)?;
        match self.by_hash.get(&ApiKeyHash::of(api_key)) {
            Some((_, true)) => Err(AuthFailure::Revoked),
            Some((index, false)) => Ok(*index),
            None => Err(AuthFailure::Unknown),
        }
    }
}

/// The token of `Bearer TOKEN` (the scheme is case-insensitive, RFC 7235 section 2.1).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_round_trip_through_hex() {
        // SHA-256("test"), a well-known value.
        let hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assert_eq!(ApiKeyHash::of("test").to_hex(), hex);
        assert_eq!(
            ApiKeyHash::from_hex(&hex.to_uppercase()),
            Some(ApiKeyHash::of("test"))
        );
        for bad in ["", "9f86", &hex.replace('9', "g"), &format!("{hex}00")] {
            assert_eq!(ApiKeyHash::from_hex(bad), None, "{bad}");
        }
    }

    #[test]
    fn bearer_keys_find_their_client() {
        let keys = ApiKeys::new([
            (ApiKeyHash::of("alpha"), false),
            (ApiKeyHash::of("beta"), true),
        ]);
        assert_eq!(keys.authenticate(Some("Bearer alpha")), Ok(0));
        assert_eq!(keys.authenticate(Some("bearer  alpha ")), Ok(0));
        assert_eq!(
            keys.authenticate(Some("Bearer beta")),
            Err(AuthFailure::Revoked)
        );
        assert_eq!(
            keys.authenticate(Some("Bearer gamma")),
            Err(AuthFailure::Unknown)
        );
        for missing in [
            None,
            Some(""),
            Some("Bearer"),
            Some("Basic alpha"),
            Some("alpha"),
        ] {
            assert_eq!(
                keys.authenticate(missing),
                Err(AuthFailure::Missing),
                "{missing:?}"
            );
        }
    }

    #[test]
    fn generated_keys_differ() {
        let (a, b) = (generate().unwrap(), generate().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), "kmsjwt_".len() + 43);
    }
}
