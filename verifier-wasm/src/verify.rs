//! "Verify a JWT": token text -> segments -> header -> key choice -> signature check ->
//! claims check. Each step is a function of the previous step's output.

use serde_json::{Map, Value};

use crate::alg::{Alg, UnusableAlg};
use crate::claims::{self, Claims};
use crate::error::{Error, ErrorKind, Result};
use crate::header::Header;
use crate::json;
use crate::keys::{JwkKey, KeySet};
use crate::options::VerifyOptions;
use crate::token::{CompactToken, DEFAULT_MAX_TOKEN_LEN};

/// A token whose signature and claims passed.
#[derive(Clone, Debug)]
pub struct VerifiedToken {
    pub header: Header,
    pub claims: Claims,
    pub alg: Alg,
    /// The protected header exactly as signed.
    pub header_json: String,
    /// The payload exactly as signed (valid UTF-8 JSON, checked strictly): cheaper for
    /// bindings to hand over than a re-serialised `claims`.
    pub payload_json: String,
    /// The `kid` of the key that verified, when it has one.
    pub key_id: Option<String>,
}

/// A token read without any verification, for inspection.
#[derive(Clone, Debug)]
pub struct DecodedToken {
    pub header: Map<String, Value>,
    pub claims: Claims,
    pub header_json: String,
    pub payload_json: String,
    pub signature: Vec<u8>,
}

/// A key set and options, prepared once to verify many tokens: keys are parsed when the
/// verifier is built, never per token.
#[derive(Clone, Debug)]
pub struct Verifier {
    keys: KeySet,
    options: VerifyOptions,
}

impl Verifier {
    pub fn new(keys: KeySet, options: VerifyOptions) -> Verifier {
        Verifier { keys, options }
    }

    /// Reads `key` as PEM, JWK or JWK Set text (see [`KeySet::from_text`]).
    pub fn from_key_text(key: &str, options: VerifyOptions) -> Result<Verifier> {
        Ok(Verifier::new(KeySet::from_text(key)?, options))
    }

    pub fn options(&self) -> &VerifyOptions {
        &self.options
    }

    pub fn keys(&self) -> &KeySet {
        &self.keys
    }

    /// Verifies `token` at `options.current_time`, or now by the system clock.
    pub fn verify(&self, token: &str) -> Result<VerifiedToken> {
        verify(token, &self.keys, &self.options)
    }

    /// Verifies `token` at `now` (Unix seconds), ignoring `options.current_time`.
    pub fn verify_at(&self, token: &str, now: i64) -> Result<VerifiedToken> {
        Verifier::verify_with(&self.keys, &self.options, token, now)
    }

    /// The whole pipeline over borrowed keys and options, at `now` (Unix seconds).
    pub fn verify_with(
        keys: &KeySet,
        options: &VerifyOptions,
        token: &str,
        now: i64,
    ) -> Result<VerifiedToken> {
        let compact = CompactToken::split(token, options.max_token_len)?;
        let header_bytes = compact.header_bytes()?;
        let header = Header::parse(&header_bytes)?;
        header.check_crit_understood(&options.crit)?;
        let alg = allowed_alg(&header.alg, options)?;
        let candidates = keys.candidates(alg, header.kid.as_deref())?;
        let payload = compact.payload_bytes()?;
        let signature = compact.signature_bytes()?;
        let key = verifying_key(&candidates, alg, compact.signing_input, &signature)?;
        let claims = parse_claims(&payload)?;
        claims::validate(&claims, &header, options, now)?;
        Ok(VerifiedToken {
            key_id: key.kid.clone(),
            header_json: String::from_utf8(header_bytes)
                .map_err(|_| Error::jws("the protected header is not UTF-8"))?,
            header,
            claims,
            alg,
            payload_json: utf8(payload)?,
        })
    }
}

/// Verifies one token with `keys` and `options`.
pub fn verify(token: &str, keys: &KeySet, options: &VerifyOptions) -> Result<VerifiedToken> {
    let now = match options.current_time {
        Some(now) => now,
        None => system_time()?,
    };
    Verifier::verify_with(keys, options, token, now)
}

/// Reads a token's header and claims WITHOUT verifying anything. For display only.
pub fn decode(token: &str) -> Result<DecodedToken> {
    let compact = CompactToken::split(token, DEFAULT_MAX_TOKEN_LEN)?;
    let header_bytes = compact.header_bytes()?;
    let header = json::parse_object(&header_bytes)
        .map_err(|error| Error::jws(format!("the protected header {error}")))?;
    let payload = compact.payload_bytes()?;
    let claims = parse_claims(&payload)?;
    // Inspection shows unsigned (`alg: none`) tokens too, so an empty signature is fine here.
    let signature = crate::base64url::decode(compact.signature_b64).ok_or_else(|| {
        Error::jws("the signature segment is not canonical base64url without padding")
    })?;
    Ok(DecodedToken {
        header,
        claims,
        header_json: String::from_utf8(header_bytes)
            .map_err(|_| Error::jws("the protected header is not UTF-8"))?,
        payload_json: utf8(payload)?,
        signature,
    })
}

fn allowed_alg(name: &str, options: &VerifyOptions) -> Result<Alg> {
    let alg = match Alg::from_name(name) {
        Ok(alg) => alg,
        Err(UnusableAlg::Refused) => {
            return Err(Error::new(
                ErrorKind::AlgNotAllowed,
                format!("alg {name:?} is never accepted: only public-key signatures verify"),
            ));
        }
        Err(UnusableAlg::Unknown) if !options.algorithms.is_empty() => {
            return Err(not_in_list(name));
        }
        Err(UnusableAlg::Unknown) => {
            return Err(Error::new(
                ErrorKind::NotSupported,
                format!("alg {name:?} is not supported"),
            ));
        }
    };
    if !options.algorithms.is_empty() && !options.algorithms.contains(&alg) {
        return Err(not_in_list(name));
    }
    Ok(alg)
}

fn not_in_list(name: &str) -> Error {
    Error::new(
        ErrorKind::AlgNotAllowed,
        format!("alg {name:?} is not in the allowed algorithms"),
    )
}

fn verifying_key<'a>(
    candidates: &[&'a JwkKey],
    alg: Alg,
    signing_input: &[u8],
    signature: &[u8],
) -> Result<&'a JwkKey> {
    candidates
        .iter()
        .find(|candidate| candidate.key.verify(alg, signing_input, signature))
        .copied()
        .ok_or_else(Error::signature)
}

fn parse_claims(payload: &[u8]) -> Result<Claims> {
    json::parse_object(payload)
        .map_err(|error| Error::jwt(format!("the payload is not a JWT claims set: it {error}")))
}

fn utf8(bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|_| Error::jwt("the payload is not UTF-8"))
}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn system_time() -> Result<i64> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs() as i64)
        .map_err(|_| Error::new(ErrorKind::Generic, "the system clock is before 1970"))
}

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
fn system_time() -> Result<i64> {
    Err(Error::new(
        ErrorKind::Generic,
        "no system clock here: set VerifyOptions::current_time",
    ))
}
