//! What a caller asks of a token beyond a valid signature. Names and meanings follow jose's
//! `JWTVerifyOptions`.

use crate::alg::Alg;
use crate::token::DEFAULT_MAX_TOKEN_LEN;

/// Verification options. `VerifyOptions::default()` checks the signature, `exp` and `nbf`
/// (when present) against the system clock, and nothing else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Algorithms accepted, in addition to fitting the key. Default: empty, meaning every
    /// algorithm the key's type supports.
    pub algorithms: Vec<Alg>,
    /// Accepted `iss` values; the token's `iss` must equal one. Default: empty (no check).
    pub issuer: Vec<String>,
    /// Accepted audiences; the token's `aud` (string or array) must contain one.
    /// Default: empty (no check).
    pub audience: Vec<String>,
    /// Required `sub` value. Default: `None` (no check).
    pub subject: Option<String>,
    /// Required `typ` header value, compared case-insensitively with an optional
    /// `application/` prefix. Default: `None` (no check).
    pub typ: Option<String>,
    /// Seconds of leeway for `exp`, `nbf` and `iat`. Default: 0.
    pub clock_tolerance: u64,
    /// The time to check against, in seconds since the Unix epoch. Default: `None`, the
    /// system clock (WebAssembly callers must set it; the npm package does).
    pub current_time: Option<i64>,
    /// Maximum age in seconds measured from `iat`, which becomes required. Default: `None`.
    pub max_token_age: Option<u64>,
    /// Claims that must be present. Default: empty.
    pub required_claims: Vec<String>,
    /// `crit` header extensions the caller understands. Default: empty (any `crit` fails).
    pub crit: Vec<String>,
    /// Longest token accepted, in bytes, checked before any decoding. Default: 256 KiB.
    pub max_token_len: usize,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            algorithms: Vec::new(),
            issuer: Vec::new(),
            audience: Vec::new(),
            subject: None,
            typ: None,
            clock_tolerance: 0,
            current_time: None,
            max_token_age: None,
            required_claims: Vec::new(),
            crit: Vec::new(),
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
        }
    }
}

use serde_json::{Map, Value};

use crate::duration::parse_seconds;
use crate::error::{Error, ErrorKind, Result};

impl VerifyOptions {
    /// Reads options spelt as jose's `JWTVerifyOptions` (the JavaScript API and the
    /// inspector pass them as JSON): `algorithms`, `issuer` and `audience` (string or
    /// list), `subject`, `typ`, `clockTolerance` and `maxTokenAge` (seconds or "5m"),
    /// `currentDate` (Unix seconds), `requiredClaims`, `crit` (list of names, or jose's
    /// `{name: true}` object) and `maxTokenLength`. Unknown names are ignored, as jose does.
    pub fn from_jose(options: &Map<String, Value>) -> Result<VerifyOptions> {
        let mut parsed = VerifyOptions::default();
        for (name, value) in options {
            if value.is_null() {
                continue;
            }
            match name.as_str() {
                "algorithms" => {
                    parsed.algorithms = string_list(name, value)?
                        .iter()
                        .map(|alg| {
                            Alg::from_name(alg).map_err(|_| {
                                Error::new(
                                    ErrorKind::NotSupported,
                                    format!("options.algorithms: {alg:?} is not supported"),
                                )
                            })
                        })
                        .collect::<Result<_>>()?
                }
                "issuer" => parsed.issuer = string_list(name, value)?,
                "audience" => parsed.audience = string_list(name, value)?,
                "subject" => parsed.subject = Some(string(name, value)?),
                "typ" => parsed.typ = Some(string(name, value)?),
                "clockTolerance" => parsed.clock_tolerance = seconds(name, value)?,
                "maxTokenAge" => parsed.max_token_age = Some(seconds(name, value)?),
                "currentDate" => {
                    let time = value
                        .as_f64()
                        .filter(|time| time.is_finite())
                        .ok_or_else(|| invalid(name, "Unix seconds"))?;
                    parsed.current_time = Some(time.floor() as i64);
                }
                "requiredClaims" => parsed.required_claims = string_list(name, value)?,
                "crit" => parsed.crit = crit_names(value)?,
                "maxTokenLength" => {
                    parsed.max_token_len = value
                        .as_u64()
                        .and_then(|len| usize::try_from(len).ok())
                        .ok_or_else(|| invalid(name, "a whole number of bytes"))?
                }
                _ => {}
            }
        }
        Ok(parsed)
    }
}

fn invalid(name: &str, expected: &str) -> Error {
    Error::new(
        ErrorKind::Generic,
        format!("options.{name} must be {expected}"),
    )
}

fn string(name: &str, value: &Value) -> Result<String> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| invalid(name, "a string"))
}

fn string_list(name: &str, value: &Value) -> Result<Vec<String>> {
    match value {
        Value::String(single) => Ok(vec![single.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| invalid(name, "a string or a list of strings"))
            })
            .collect(),
        _ => Err(invalid(name, "a string or a list of strings")),
    }
}

fn seconds(name: &str, value: &Value) -> Result<u64> {
    match value {
        Value::Number(number) => number
            .as_f64()
            .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
            .map(|seconds| seconds.floor() as u64)
            .ok_or_else(|| invalid(name, "a non-negative number of seconds")),
        Value::String(text) => parse_seconds(text)
            .map_err(|error| Error::new(ErrorKind::Generic, format!("options.{name}: {error}"))),
        _ => Err(invalid(name, "seconds or a duration such as \"5m\"")),
    }
}

fn crit_names(value: &Value) -> Result<Vec<String>> {
    match value {
        Value::Object(flags) => Ok(flags
            .iter()
            .filter(|(_, understood)| understood.as_bool() == Some(true))
            .map(|(name, _)| name.clone())
            .collect()),
        other => string_list("crit", other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(value: Value) -> Result<VerifyOptions> {
        VerifyOptions::from_jose(value.as_object().unwrap())
    }

    #[test]
    fn reads_jose_names() {
        let options = parse(json!({
            "algorithms": ["ES256", "EdDSA"], "issuer": "a", "audience": ["b", "c"],
            "subject": "s", "typ": "JWT", "clockTolerance": "5m", "maxTokenAge": 3600,
            "currentDate": 1764000000.9, "requiredClaims": ["jti"], "crit": {"x": true, "y": false},
            "maxTokenLength": 1000, "somethingElse": 1
        }))
        .unwrap();
        assert_eq!(options.algorithms, [Alg::ES256, Alg::EdDSA]);
        assert_eq!(options.issuer, ["a"]);
        assert_eq!(options.audience, ["b", "c"]);
        assert_eq!(options.clock_tolerance, 300);
        assert_eq!(options.max_token_age, Some(3600));
        assert_eq!(options.current_time, Some(1_764_000_000));
        assert_eq!(options.crit, ["x"]);
        assert_eq!(options.max_token_len, 1000);
        assert_eq!(parse(json!({"crit": ["x"]})).unwrap().crit, ["x"]);
        assert_eq!(
            parse(json!({"issuer": null})).unwrap(),
            VerifyOptions::default()
        );
    }

    #[test]
    fn refuses_malformed_options() {
        for bad in [
            json!({"algorithms": "HS256"}),
            json!({"algorithms": ["none"]}),
            json!({"issuer": 5}),
            json!({"clockTolerance": "soon"}),
            json!({"clockTolerance": -1}),
            json!({"currentDate": "today"}),
            json!({"requiredClaims": [1]}),
            json!({"maxTokenLength": -5}),
        ] {
            assert!(parse(bad.clone()).is_err(), "{bad}");
        }
        assert_eq!(
            parse(json!({"algorithms": ["HS256"]})).unwrap_err().code(),
            "ERR_JOSE_NOT_SUPPORTED"
        );
        assert_eq!(
            parse(json!({"issuer": 5})).unwrap_err().code(),
            "ERR_JOSE_GENERIC"
        );
    }
}
