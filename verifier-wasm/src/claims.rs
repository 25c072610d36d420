//! The last step: the claims set checked against the options, in jose's order and with
//! jose's codes (`ERR_JWT_EXPIRED`, `ERR_JWT_CLAIM_VALIDATION_FAILED` with claim and reason).

use serde_json::{Map, Value};

use crate::error::{ClaimReason, Error, ErrorKind, Result};
use crate::header::Header;
use crate::options::VerifyOptions;

/// A JWT claims set: the payload's members, in token order.
pub type Claims = Map<String, Value>;

/// Checks `claims` (and the header's `typ`) against `options` at time `now` (Unix seconds).
pub fn validate(claims: &Claims, header: &Header, options: &VerifyOptions, now: i64) -> Result<()> {
    check_typ(header, options)?;
    check_presence(claims, options)?;
    check_types(claims)?;
    check_values(claims, options)?;
    check_times(claims, options, now)
}

fn check_typ(header: &Header, options: &VerifyOptions) -> Result<()> {
    let Some(expected) = &options.typ else {
        return Ok(());
    };
    let matches = header
        .typ
        .as_deref()
        .is_some_and(|typ| normalize_typ(typ) == normalize_typ(expected));
    if matches {
        Ok(())
    } else {
        Err(Error::claim_failed(
            "typ",
            ClaimReason::CheckFailed,
            format!("unexpected \"typ\" header value: expected {expected:?}"),
        ))
    }
}

fn normalize_typ(typ: &str) -> String {
    let lower = typ.to_ascii_lowercase();
    match lower.strip_prefix("application/") {
        Some(rest) => rest.to_owned(),
        None => lower,
    }
}

fn check_presence(claims: &Claims, options: &VerifyOptions) -> Result<()> {
    let implied = [
        (!options.issuer.is_empty()).then_some("iss"),
        (options.subject.is_some()).then_some("sub"),
        (!options.audience.is_empty()).then_some("aud"),
        (options.max_token_age.is_some()).then_some("iat"),
    ];
    let required = options
        .required_claims
        .iter()
        .map(String::as_str)
        .chain(implied.into_iter().flatten());
    for claim in required {
        if !claims.contains_key(claim) {
            return Err(Error::claim_failed(
                claim,
                ClaimReason::Missing,
                format!("the required \"{claim}\" claim is missing"),
            ));
        }
    }
    Ok(())
}

/// Registered claims must have their registered types wherever they appear, whether or
/// not an option asks about them, so that no consumer later reads a mistyped value.
fn check_types(claims: &Claims) -> Result<()> {
    for name in ["iss", "sub", "jti"] {
        if claims.get(name).is_some_and(|value| !value.is_string()) {
            return Err(invalid_type(name, "a string"));
        }
    }
    for name in ["exp", "nbf", "iat"] {
        if claims.get(name).is_some_and(|value| !value.is_number()) {
            return Err(invalid_type(name, "a number"));
        }
    }
    match claims.get("aud") {
        None | Some(Value::String(_)) => Ok(()),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => Ok(()),
        Some(_) => Err(invalid_type("aud", "a string or an array of strings")),
    }
}

fn invalid_type(claim: &str, expected: &str) -> Error {
    Error::claim_failed(
        claim,
        ClaimReason::Invalid,
        format!("the \"{claim}\" claim must be {expected}"),
    )
}

fn check_values(claims: &Claims, options: &VerifyOptions) -> Result<()> {
    if !options.issuer.is_empty() {
        let iss = claims.get("iss").and_then(Value::as_str);
        if !iss.is_some_and(|iss| options.issuer.iter().any(|allowed| allowed == iss)) {
            return Err(check_failed("iss", "unexpected \"iss\" claim value"));
        }
    }
    if let Some(subject) = &options.subject {
        if claims.get("sub").and_then(Value::as_str) != Some(subject.as_str()) {
            return Err(check_failed("sub", "unexpected \"sub\" claim value"));
        }
    }
    if !options.audience.is_empty() {
        let accepted = |aud: &str| options.audience.iter().any(|allowed| allowed == aud);
        let matches = match claims.get("aud") {
            Some(Value::String(aud)) => accepted(aud),
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).any(accepted),
            _ => false,
        };
        if !matches {
            return Err(check_failed("aud", "unexpected \"aud\" claim value"));
        }
    }
    Ok(())
}

fn check_failed(claim: &str, message: &str) -> Error {
    Error::claim_failed(claim, ClaimReason::CheckFailed, message)
}

fn check_times(claims: &Claims, options: &VerifyOptions, now: i64) -> Result<()> {
    let now = now as f64;
    let tolerance = options.clock_tolerance as f64;
    let time = |name: &str| claims.get(name).and_then(Value::as_f64);
    if let Some(nbf) = time("nbf") {
        if nbf > now + tolerance {
            return Err(check_failed(
                "nbf",
                &format!(
                    "the token is not valid yet: \"nbf\" is {} from now",
                    span(nbf - now)
                ),
            ));
        }
    }
    if let Some(exp) = time("exp") {
        if exp <= now - tolerance {
            return Err(Error::expired(
                "exp",
                format!("the token expired {} ago (\"exp\" claim)", span(now - exp)),
            ));
        }
    }
    if let (Some(max_age), Some(iat)) = (options.max_token_age, time("iat")) {
        let age = now - iat;
        if age - tolerance > max_age as f64 {
            return Err(Error::expired(
                "iat",
                format!(
                    "the token is too old: issued {} ago, more than the maximum age of {}",
                    span(age),
                    span(max_age as f64)
                ),
            ));
        }
        if age < -tolerance {
            return Err(Error::new(
                ErrorKind::ClaimValidationFailed {
                    claim: "iat".to_owned(),
                    reason: ClaimReason::CheckFailed,
                },
                format!("the \"iat\" claim is {} in the future", span(-age)),
            ));
        }
    }
    Ok(())
}

/// "3 s", "14 min", "2 h 5 min", "3 days": precise enough for a person reading an error.
pub fn span(seconds: f64) -> String {
    let seconds = seconds.max(0.0).round() as u64;
    match seconds {
        0..=119 => format!("{seconds} s"),
        120..=7199 => format!("{} min", seconds / 60),
        7200..=172_799 => format!("{} h {} min", seconds / 3600, seconds % 3600 / 60),
        _ => format!("{} days", seconds / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_764_000_000;

    fn claims(value: Value) -> Claims {
        value.as_object().unwrap().clone()
    }

    fn header(typ: Option<&str>) -> Header {
        let mut members = Map::new();
        members.insert("alg".into(), json!("ES256"));
        Header {
            alg: "ES256".into(),
            kid: None,
            typ: typ.map(str::to_owned),
            crit: Vec::new(),
            members,
        }
    }

    fn check(value: Value, options: &VerifyOptions) -> Result<()> {
        validate(&claims(value), &header(Some("JWT")), options, NOW)
    }

    fn failure(result: Result<()>) -> (String, Option<String>, Option<&'static str>) {
        let error = result.unwrap_err();
        (
            error.code().to_owned(),
            error.claim().map(str::to_owned),
            error.reason().map(ClaimReason::as_str),
        )
    }

    #[test]
    fn exp_boundary_and_tolerance() {
        let options = VerifyOptions::default();
        check(json!({"exp": NOW + 1}), &options).unwrap();
        let expired = failure(check(json!({"exp": NOW}), &options));
        assert_eq!(
            expired,
            (
                "ERR_JWT_EXPIRED".into(),
                Some("exp".into()),
                Some("check_failed")
            )
        );
        let lenient = VerifyOptions {
            clock_tolerance: 30,
            ..VerifyOptions::default()
        };
        check(json!({"exp": NOW - 29}), &lenient).unwrap();
        assert!(check(json!({"exp": NOW - 30}), &lenient).is_err());
    }

    #[test]
    fn nbf_boundary_and_tolerance() {
        let options = VerifyOptions::default();
        check(json!({"nbf": NOW}), &options).unwrap();
        let early = failure(check(json!({"nbf": NOW + 1}), &options));
        assert_eq!(early.1.as_deref(), Some("nbf"));
        assert_eq!(early.0, "ERR_JWT_CLAIM_VALIDATION_FAILED");
        let lenient = VerifyOptions {
            clock_tolerance: 5,
            ..VerifyOptions::default()
        };
        check(json!({"nbf": NOW + 5}), &lenient).unwrap();
    }

    #[test]
    fn time_claims_must_be_numbers() {
        for claim in ["exp", "nbf", "iat"] {
            let result = check(json!({ claim: "1764000000" }), &VerifyOptions::default());
            assert_eq!(
                failure(result),
                (
                    "ERR_JWT_CLAIM_VALIDATION_FAILED".into(),
                    Some(claim.into()),
                    Some("invalid")
                )
            );
        }
        check(
            json!({"exp": 1.9e9, "iat": 1.5e9}),
            &VerifyOptions::default(),
        )
        .unwrap();
    }

    #[test]
    fn issuer_subject_audience() {
        let options = VerifyOptions {
            issuer: vec!["a".into(), "b".into()],
            subject: Some("u1".into()),
            audience: vec!["api".into()],
            ..VerifyOptions::default()
        };
        check(json!({"iss": "b", "sub": "u1", "aud": "api"}), &options).unwrap();
        check(
            json!({"iss": "a", "sub": "u1", "aud": ["x", "api"]}),
            &options,
        )
        .unwrap();
        let wrong_iss = failure(check(
            json!({"iss": "c", "sub": "u1", "aud": "api"}),
            &options,
        ));
        assert_eq!(wrong_iss.1.as_deref(), Some("iss"));
        assert_eq!(wrong_iss.2, Some("check_failed"));
        let wrong_sub = failure(check(
            json!({"iss": "a", "sub": "u2", "aud": "api"}),
            &options,
        ));
        assert_eq!(wrong_sub.1.as_deref(), Some("sub"));
        let wrong_aud = failure(check(
            json!({"iss": "a", "sub": "u1", "aud": ["x"]}),
            &options,
        ));
        assert_eq!(wrong_aud.1.as_deref(), Some("aud"));
        let missing = failure(check(json!({"sub": "u1", "aud": "api"}), &options));
        assert_eq!(missing.1.as_deref(), Some("iss"));
        assert_eq!(missing.2, Some("missing"));
        let mistyped = failure(check(
            json!({"iss": ["a"], "sub": "u1", "aud": "api"}),
            &options,
        ));
        assert_eq!(mistyped.2, Some("invalid"));
        let bad_aud = failure(check(json!({"aud": [1]}), &VerifyOptions::default()));
        assert_eq!(
            (bad_aud.1.as_deref(), bad_aud.2),
            (Some("aud"), Some("invalid"))
        );
    }

    #[test]
    fn required_claims_and_max_age() {
        let options = VerifyOptions {
            required_claims: vec!["jti".into()],
            ..VerifyOptions::default()
        };
        assert_eq!(
            failure(check(json!({}), &options)).1.as_deref(),
            Some("jti")
        );
        let aged = VerifyOptions {
            max_token_age: Some(3600),
            ..VerifyOptions::default()
        };
        assert_eq!(failure(check(json!({}), &aged)).2, Some("missing"));
        check(json!({"iat": NOW - 3600}), &aged).unwrap();
        let old = failure(check(json!({"iat": NOW - 3601}), &aged));
        assert_eq!(
            (old.0.as_str(), old.1.as_deref()),
            ("ERR_JWT_EXPIRED", Some("iat"))
        );
        let future = failure(check(json!({"iat": NOW + 1}), &aged));
        assert_eq!(
            (future.0.as_str(), future.1.as_deref()),
            ("ERR_JWT_CLAIM_VALIDATION_FAILED", Some("iat"))
        );
    }

    #[test]
    fn typ_compared_like_jose() {
        let options = VerifyOptions {
            typ: Some("at+jwt".into()),
            ..VerifyOptions::default()
        };
        for typ in [
            "at+jwt",
            "AT+JWT",
            "application/at+jwt",
            "Application/At+Jwt",
        ] {
            validate(&Claims::new(), &header(Some(typ)), &options, NOW).unwrap();
        }
        for typ in [Some("JWT"), None, Some("application/jwt")] {
            let result = validate(&Claims::new(), &header(typ), &options, NOW);
            assert_eq!(failure(result).1.as_deref(), Some("typ"));
        }
    }

    #[test]
    fn spans_read_well() {
        assert_eq!(span(5.0), "5 s");
        assert_eq!(span(14.0 * 60.0), "14 min");
        assert_eq!(span(7300.0), "2 h 1 min");
        assert_eq!(span(3.0 * 86_400.0), "3 days");
    }
}
