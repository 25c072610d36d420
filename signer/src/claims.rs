//! Claims assembly: the registered claims the signer adds (`iat`, `exp`, `nbf`, `jti`,
//! `iss`, `sub`, `aud`) around the caller's own claims.
//!
//! The rule for reserved claims: an explicit value beats a default, and two explicit values
//! are an error, never a silent overwrite.
//! - `iss`, `sub`, `aud`, and `nbf`/`jti`/`exp` from their options: given both as an option and
//!   in the caller's claims -> `ERR_INVALID_INPUT`.
//! - `iat` defaults to now and `exp` to now + 1 hour: a caller's own `iat` or `exp` (a
//!   number) is kept when no option sets it.
//! - `iat`, `exp`, `nbf` must be JSON numbers; `iss`, `sub`, `jti` strings; `aud` a string
//!   or an array of strings (so that verifiers do not refuse the token later).

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// Lifetime used when neither [`ClaimsTemplate::ttl`] nor an `exp` claim is given: 1 hour.
pub const DEFAULT_TTL_SECONDS: u64 = 3600;

/// The claims the signer adds to every token. `Default` adds `iat` = now and
/// `exp` = now + 1 hour, nothing else.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClaimsTemplate {
    /// `exp` = now + `ttl` seconds. Default: 1 hour, unless the caller's claims have `exp`.
    pub ttl: Option<u64>,
    /// `nbf` = now + this many seconds. Default: no `nbf` (unless the caller's claims have it).
    pub not_before: Option<u64>,
    /// Add `jti`: 128 random bits, base64url. Default: false.
    pub jti: bool,
    /// `iss`. Default: none.
    pub issuer: Option<String>,
    /// `sub`. Default: none.
    pub subject: Option<String>,
    /// `aud`: one value becomes a string, several an array. Default: none.
    pub audience: Vec<String>,
}

impl ClaimsTemplate {
    /// The claims of one token issued at `now` (Unix seconds): the registered claims first
    /// (`iss`, `sub`, `aud`, `iat`, `nbf`, `exp`, `jti`), then the caller's claims in their
    /// order.
    pub fn apply(&self, custom: &Map<String, Value>, now: i64) -> Result<Map<String, Value>> {
        check_types(custom)?;
        let mut claims = Map::new();
        if let Some(issuer) = &self.issuer {
            set_once(
                &mut claims,
                custom,
                "iss",
                "--iss",
                Value::from(issuer.as_str()),
            )?;
        }
        if let Some(subject) = &self.subject {
            set_once(
                &mut claims,
                custom,
                "sub",
                "--sub",
                Value::from(subject.as_str()),
            )?;
        }
        match self.audience.as_slice() {
            [] => {}
            [one] => set_once(
                &mut claims,
                custom,
                "aud",
                "--aud",
                Value::from(one.as_str()),
            )?,
            several => set_once(
                &mut claims,
                custom,
                "aud",
                "--aud",
                Value::from(several.to_vec()),
            )?,
        }
        if !custom.contains_key("iat") {
            claims.insert("iat".to_owned(), Value::from(now));
        }
        if let Some(offset) = self.not_before {
            set_once(
                &mut claims,
                custom,
                "nbf",
                "--nbf",
                Value::from(add(now, offset)?),
            )?;
        }
        match self.ttl {
            Some(0) => return Err(Error::input("the ttl must be at least 1 second")),
            Some(ttl) => set_once(
                &mut claims,
                custom,
                "exp",
                "--ttl",
                Value::from(add(now, ttl)?),
            )?,
            None if !custom.contains_key("exp") => {
                claims.insert(
                    "exp".to_owned(),
                    Value::from(add(now, DEFAULT_TTL_SECONDS)?),
                );
            }
            None => {}
        }
        if self.jti {
            set_once(
                &mut claims,
                custom,
                "jti",
                "--jti",
                Value::from(random_jti()?),
            )?;
        }
        for (name, value) in custom {
            claims.insert(name.clone(), value.clone());
        }
        Ok(claims)
    }
}

fn set_once(
    claims: &mut Map<String, Value>,
    custom: &Map<String, Value>,
    name: &str,
    option: &str,
    value: Value,
) -> Result<()> {
    if custom.contains_key(name) {
        return Err(Error::input(format!(
            "the claim \"{name}\" is given both in the claims and by {option}; give it once"
        )));
    }
    claims.insert(name.to_owned(), value);
    Ok(())
}

fn add(now: i64, seconds: u64) -> Result<i64> {
    i64::try_from(seconds)
        .ok()
        .and_then(|seconds| now.checked_add(seconds))
        .ok_or_else(|| Error::input("the duration is too long"))
}

fn check_types(custom: &Map<String, Value>) -> Result<()> {
    for name in ["iat", "exp", "nbf"] {
        if let Some(value) = custom.get(name)
            && !value.is_number()
        {
            return Err(Error::input(format!(
                "the claim \"{name}\" must be a number (seconds since 1970), not {value}"
            )));
        }
    }
    for name in ["iss", "sub", "jti"] {
        if let Some(value) = custom.get(name)
            && !value.is_string()
        {
            return Err(Error::input(format!(
                "the claim \"{name}\" must be a string, not {value}"
            )));
        }
    }
    if let Some(aud) = custom.get("aud") {
        let valid = match aud {
            Value::String(_) => true,
            Value::Array(items) => items.iter().all(Value::is_string),
            _ => false,
        };
        if !valid {
            return Err(Error::input(format!(
                "the claim \"aud\" must be a string or an array of strings, not {aud}"
            )));
        }
    }
    Ok(())
}

/// 128 random bits, base64url (22 characters).
pub fn random_jti() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|error| Error::input(format!("no randomness for jti: {error}")))?;
    Ok(kmsjwt_verify::base64url::encode(&bytes))
}

/// Parses caller claims: a JSON object (duplicate member names, which JSON parsers resolve
/// differently, are refused as the verifier refuses them).
pub fn parse_claims(text: &str) -> Result<Map<String, Value>> {
    kmsjwt_verify::json::parse_object(text.trim().as_bytes())
        .map_err(|error| Error::input(format!("the claims JSON {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_800_000_000;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn defaults_are_iat_now_and_exp_in_one_hour() {
        let claims = ClaimsTemplate::default()
            .apply(&object(json!({"scope": "read"})), NOW)
            .unwrap();
        assert_eq!(
            Value::Object(claims.clone()),
            json!({"iat": NOW, "exp": NOW + 3600, "scope": "read"})
        );
        let keys: Vec<_> = claims.keys().map(String::as_str).collect();
        assert_eq!(keys, ["iat", "exp", "scope"]);
    }

    #[test]
    fn options_fill_registered_claims_in_order() {
        let template = ClaimsTemplate {
            ttl: Some(900),
            not_before: Some(0),
            jti: true,
            issuer: Some("https://issuer.example".into()),
            subject: Some("user-1".into()),
            audience: vec!["api".into()],
        };
        let claims = template.apply(&object(json!({"n": 1})), NOW).unwrap();
        let keys: Vec<_> = claims.keys().map(String::as_str).collect();
        assert_eq!(keys, ["iss", "sub", "aud", "iat", "nbf", "exp", "jti", "n"]);
        assert_eq!(claims["aud"], "api");
        assert_eq!(claims["nbf"], NOW);
        assert_eq!(claims["exp"], NOW + 900);
        let jti = claims["jti"].as_str().unwrap();
        assert_eq!(jti.len(), 22);
        assert_eq!(
            kmsjwt_verify::base64url::decode(jti.as_bytes())
                .unwrap()
                .len(),
            16
        );
        let several = ClaimsTemplate {
            audience: vec!["a".into(), "b".into()],
            ..ClaimsTemplate::default()
        };
        assert_eq!(
            several.apply(&Map::new(), NOW).unwrap()["aud"],
            json!(["a", "b"])
        );
    }

    #[test]
    fn jtis_differ() {
        assert_ne!(random_jti().unwrap(), random_jti().unwrap());
    }

    #[test]
    fn a_claim_given_twice_is_an_error_not_an_overwrite() {
        let cases = [
            (
                ClaimsTemplate {
                    issuer: Some("a".into()),
                    ..Default::default()
                },
                json!({"iss": "b"}),
                "--iss",
            ),
            (
                ClaimsTemplate {
                    subject: Some("a".into()),
                    ..Default::default()
                },
                json!({"sub": "b"}),
                "--sub",
            ),
            (
                ClaimsTemplate {
                    audience: vec!["a".into()],
                    ..Default::default()
                },
                json!({"aud": "b"}),
                "--aud",
            ),
            (
                ClaimsTemplate {
                    ttl: Some(60),
                    ..Default::default()
                },
                json!({"exp": 1}),
                "--ttl",
            ),
            (
                ClaimsTemplate {
                    not_before: Some(0),
                    ..Default::default()
                },
                json!({"nbf": 1}),
                "--nbf",
            ),
            (
                ClaimsTemplate {
                    jti: true,
                    ..Default::default()
                },
                json!({"jti": "x"}),
                "--jti",
            ),
        ];
        for (template, custom, option) in cases {
            let error = template.apply(&object(custom), NOW).unwrap_err();
            assert_eq!(error.code(), "ERR_INVALID_INPUT");
            assert!(error.message().contains(option), "{}", error.message());
        }
    }

    #[test]
    fn callers_own_iat_and_exp_beat_the_defaults() {
        let claims = ClaimsTemplate::default()
            .apply(&object(json!({"iat": 5, "exp": 10})), NOW)
            .unwrap();
        assert_eq!(claims["iat"], 5);
        assert_eq!(claims["exp"], 10);
        assert_eq!(claims.len(), 2);
    }

    #[test]
    fn registered_claims_of_the_wrong_type_are_refused() {
        for custom in [
            json!({"exp": "tomorrow"}),
            json!({"iat": null}),
            json!({"nbf": true}),
            json!({"iss": 1}),
            json!({"sub": ["a"]}),
            json!({"jti": 7}),
            json!({"aud": 1}),
            json!({"aud": ["a", 2]}),
        ] {
            let error = ClaimsTemplate::default()
                .apply(&object(custom.clone()), NOW)
                .unwrap_err();
            assert_eq!(error.code(), "ERR_INVALID_INPUT", "{custom}");
        }
        assert!(
            ClaimsTemplate::default()
                .apply(&object(json!({"aud": ["a", "b"], "exp": 1.5e9})), NOW)
                .is_ok()
        );
    }

    #[test]
    fn zero_or_huge_ttl_is_refused() {
        let zero = ClaimsTemplate {
            ttl: Some(0),
            ..Default::default()
        };
        assert!(zero.apply(&Map::new(), NOW).is_err());
        let huge = ClaimsTemplate {
            ttl: Some(u64::MAX),
            ..Default::default()
        };
        assert!(huge.apply(&Map::new(), NOW).is_err());
    }

    #[test]
    fn claims_json_must_be_one_object_without_duplicates() {
        assert_eq!(parse_claims(" {\"a\": 1}\n").unwrap()["a"], 1);
        for bad in ["", "[]", "1", "{\"a\":1,\"a\":2}", "{\"a\":", "{} {}"] {
            assert_eq!(
                parse_claims(bad).unwrap_err().code(),
                "ERR_INVALID_INPUT",
                "{bad}"
            );
        }
    }
}
