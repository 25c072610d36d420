//! A token request (`{claims, ttl?, audience?}`) and the client policy it must pass: which
//! claims, which audiences, how long. Pure functions: the request in, the token's claims
//! template out, or the refusal with its code.
//!
//! Order of checks, so that a client learns the first thing to fix: body shape (400), claims
//! the server sets (400), fixed, forbidden, not allowed claims (403), audience (400/403),
//! ttl (400/403).

use serde_json::{Map, Value};

use super::config::{ClientPolicy, SERVER_CLAIMS};
use super::error::ApiError;
use crate::claims::ClaimsTemplate;

/// In a client's `audiences`: any audience may be asked for.
pub const ANY_AUDIENCE: &str = "*";

/// A parsed token request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TokenRequest {
    /// The caller's claims (default `{}`).
    pub claims: Map<String, Value>,
    /// Seconds; default the service's `default_ttl`, capped by the client's `max_ttl`.
    pub ttl: Option<u64>,
    /// The audiences asked for (`audience`: a string or an array of strings).
    pub audience: Vec<String>,
}

impl TokenRequest {
    /// Parses a request body. The JSON is read strictly (duplicate member names are refused
    /// at any depth, as the verifier refuses them, so no claim can be smuggled past the
    /// policy by a parser that keeps the other duplicate).
    pub fn parse(body: &[u8]) -> Result<TokenRequest, ApiError> {
        let object = kmsjwt_verify::json::parse_object(body)
            .map_err(|error| ApiError::invalid(format!("the request body {error}")))?;
        TokenRequest::from_object(object)
    }

    /// Reads the members of a request object; unknown members are refused (a typo such as
    /// `"audiences"` must not silently give a token without `aud`).
    pub fn from_object(object: Map<String, Value>) -> Result<TokenRequest, ApiError> {
        let mut request = TokenRequest::default();
        for (name, value) in object {
            match name.as_str() {
                "claims" => match value {
                    Value::Object(claims) => request.claims = claims,
                    other => {
                        return Err(ApiError::invalid(format!(
                            "\"claims\" must be a JSON object, not {}",
                            kind(&other)
                        )));
                    }
                },
                "ttl" => request.ttl = Some(parse_ttl(&value)?),
                "audience" => {
                    request.audience = match value {
                        Value::String(one) => vec![one],
                        Value::Array(items) => items
                            .into_iter()
                            .map(|item| match item {
                                Value::String(text) => Ok(text),
                                other => Err(ApiError::invalid(format!(
                                    "\"audience\" must be a string or an array of strings, \
                                     not an array holding {}",
                                    kind(&other)
                                ))),
                            })
                            .collect::<Result<_, _>>()?,
                        other => {
                            return Err(ApiError::invalid(format!(
                                "\"audience\" must be a string or an array of strings, not {}",
                                kind(&other)
                            )));
                        }
                    }
                }
                other => {
                    return Err(ApiError::invalid(format!(
                        "unknown member {other:?} in the request; expected claims, ttl, \
                         audience"
                    )));
                }
            }
        }
        Ok(request)
    }
}

/// `ttl`: whole seconds (a number) or a duration text (`"15m"`).
fn parse_ttl(value: &Value) -> Result<u64, ApiError> {
    let seconds = match value {
        Value::Number(number) => number.as_u64().ok_or_else(|| {
            ApiError::invalid(format!("\"ttl\" must be whole seconds, not {number}"))
        })?,
        Value::String(text) => kmsjwt_verify::duration::parse_seconds(text)
            .map_err(|error| ApiError::invalid(format!("\"ttl\": {error}")))?,
        other => {
            return Err(ApiError::invalid(format!(
                "\"ttl\" must be seconds or a duration such as \"15m\", not {}",
                kind(other)
            )));
        }
    };
    if seconds == 0 {
        return Err(ApiError::invalid("\"ttl\" must be at least 1 second"));
    }
    Ok(seconds)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// What a request that passed its policy turns into.
#[derive(Clone, Debug, PartialEq)]
pub struct Approved {
    /// The registered claims the server sets: `iss`, `aud`, `iat`, `nbf` = `iat`, `exp`,
    /// `jti`.
    pub template: ClaimsTemplate,
    /// The caller's claims, then the client's fixed claims.
    pub claims: Map<String, Value>,
    pub ttl: u64,
}

/// Applies `policy` to `request`.
pub fn approve(
    policy: &ClientPolicy,
    request: TokenRequest,
    issuer: &str,
    default_ttl: u64,
) -> Result<Approved, ApiError> {
    for name in request.claims.keys() {
        if name == "aud" {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "ERR_CLAIM_RESERVED",
                "the claim \"aud\" is not given in claims: ask for it with the request's \
                 \"audience\" member",
            ));
        }
        if SERVER_CLAIMS.contains(&name.as_str()) {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "ERR_CLAIM_RESERVED",
                format!(
                    "the claim {name:?} is set by the server (iss, iat, exp, nbf and jti \
                     always are); leave it out"
                ),
            ));
        }
    }
    for name in request.claims.keys() {
        if policy.fixed_claims.contains_key(name) {
            return Err(ApiError::forbidden(
                "ERR_CLAIM_FIXED",
                format!("the claim {name:?} is fixed by this client's policy; leave it out"),
            ));
        }
        if policy.forbidden_claims.contains(name) {
            return Err(ApiError::forbidden(
                "ERR_CLAIM_FORBIDDEN",
                format!("this client may not set the claim {name:?}"),
            ));
        }
        if let Some(allowed) = &policy.allowed_claims
            && !allowed.contains(name)
        {
            let mut names: Vec<_> = allowed.iter().map(String::as_str).collect();
            names.sort_unstable();
            return Err(ApiError::forbidden(
                "ERR_CLAIM_NOT_ALLOWED",
                format!(
                    "this client may not set the claim {name:?}; it may set: {}",
                    if names.is_empty() {
                        "none".to_owned()
                    } else {
                        names.join(", ")
                    }
                ),
            ));
        }
    }

    let any_audience = policy
        .audiences
        .iter()
        .any(|audience| audience == ANY_AUDIENCE);
    let audience = match request.audience.as_slice() {
        // No audience asked for: the only one the client has, or none.
        [] if any_audience => Vec::new(),
        [] => match policy.audiences.as_slice() {
            [] => Vec::new(),
            [only] => vec![only.clone()],
            several => {
                return Err(ApiError::new(
                    axum::http::StatusCode::BAD_REQUEST,
                    "ERR_AUDIENCE_REQUIRED",
                    format!(
                        "this client may issue tokens for several audiences ({}); name one \
                         in \"audience\"",
                        several.join(", ")
                    ),
                ));
            }
        },
        asked => {
            for audience in asked {
                if !any_audience && !policy.audiences.contains(audience) {
                    return Err(ApiError::forbidden(
                        "ERR_AUDIENCE_NOT_ALLOWED",
                        if policy.audiences.is_empty() {
                            format!(
                                "this client may not issue tokens with an audience \
                                 (asked for {audience:?})"
                            )
                        } else {
                            format!(
                                "this client may not issue tokens for the audience \
                                 {audience:?}; allowed: {}",
                                policy.audiences.join(", ")
                            )
                        },
                    ));
                }
            }
            let mut unique = Vec::with_capacity(asked.len());
            for audience in asked {
                if !unique.contains(audience) {
                    unique.push(audience.clone());
                }
            }
            unique
        }
    };

    let ttl = match request.ttl {
        Some(ttl) if ttl > policy.max_ttl => {
            return Err(ApiError::forbidden(
                "ERR_TTL_TOO_LONG",
                format!(
                    "ttl {ttl} s is longer than this client's max_ttl of {} s",
                    policy.max_ttl
                ),
            ));
        }
        Some(ttl) => ttl,
        None => default_ttl.min(policy.max_ttl),
    };

    let mut claims = request.claims;
    for (name, value) in &policy.fixed_claims {
        claims.insert(name.clone(), value.clone());
    }
    Ok(Approved {
        template: ClaimsTemplate {
            ttl: Some(ttl),
            not_before: Some(0),
            jti: true,
            issuer: Some(issuer.to_owned()),
            subject: None,
            audience,
        },
        claims,
        ttl,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use serde_json::json;

    use super::*;
    use crate::serve::api_key::ApiKeyHash;

    fn policy() -> ClientPolicy {
        ClientPolicy {
            name: "orders".into(),
            api_key_sha256: ApiKeyHash::of("k"),
            revoked: false,
            audiences: vec!["api://orders".into(), "api://billing".into()],
            max_ttl: 600,
            allowed_claims: Some(["sub", "scope", "tenant"].map(String::from).into()),
            forbidden_claims: HashSet::from(["admin".to_owned()]),
            fixed_claims: json!({"tenant": "acme"}).as_object().unwrap().clone(),
            max_concurrency: 1,
            rate_per_second: None,
            burst: None,
        }
    }

    fn request(body: Value) -> Result<Approved, ApiError> {
        let request = TokenRequest::parse(body.to_string().as_bytes())?;
        approve(&policy(), request, "https://issuer.example", 900)
    }

    fn code(body: Value) -> &'static str {
        request(body).unwrap_err().code
    }

    #[test]
    fn an_allowed_request_gets_server_claims_and_fixed_claims() {
        let approved = request(json!({
            "claims": {"sub": "user-1", "scope": "read"},
            "ttl": "5m",
            "audience": "api://orders",
        }))
        .unwrap();
        assert_eq!(approved.ttl, 300);
        assert_eq!(approved.template.audience, ["api://orders"]);
        assert_eq!(
            approved.template.issuer.as_deref(),
            Some("https://issuer.example")
        );
        assert!(approved.template.jti);
        assert_eq!(approved.template.not_before, Some(0));
        assert_eq!(
            Value::Object(approved.claims),
            json!({"sub": "user-1", "scope": "read", "tenant": "acme"})
        );
        let claims = approved.template.apply(&Map::new(), 1_800_000_000).unwrap();
        assert_eq!(claims["nbf"], claims["iat"]);
        assert_eq!(claims["exp"], 1_800_000_300i64);
    }

    #[test]
    fn default_ttl_is_capped_by_max_ttl() {
        let approved = request(json!({"audience": ["api://orders"]})).unwrap();
        assert_eq!(approved.ttl, 600);
        let mut open = policy();
        open.max_ttl = 3600;
        let approved = approve(
            &open,
            TokenRequest {
                audience: vec!["api://orders".into()],
                ..TokenRequest::default()
            },
            "i",
            900,
        )
        .unwrap();
        assert_eq!(approved.ttl, 900);
    }

    #[test]
    fn each_rule_has_its_code() {
        let a = "api://orders";
        assert_eq!(
            code(json!({"claims": {"exp": 1}, "audience": a})),
            "ERR_CLAIM_RESERVED"
        );
        assert_eq!(
            code(json!({"claims": {"iss": "x"}, "audience": a})),
            "ERR_CLAIM_RESERVED"
        );
        assert_eq!(code(json!({"claims": {"aud": "x"}})), "ERR_CLAIM_RESERVED");
        assert_eq!(
            code(json!({"claims": {"tenant": "x"}, "audience": a})),
            "ERR_CLAIM_FIXED"
        );
        assert_eq!(
            code(json!({"claims": {"admin": true}, "audience": a})),
            "ERR_CLAIM_FORBIDDEN"
        );
        assert_eq!(
            code(json!({"claims": {"role": "x"}, "audience": a})),
            "ERR_CLAIM_NOT_ALLOWED"
        );
        assert_eq!(code(json!({})), "ERR_AUDIENCE_REQUIRED");
        assert_eq!(
            code(json!({"audience": "api://other"})),
            "ERR_AUDIENCE_NOT_ALLOWED"
        );
        assert_eq!(
            code(json!({"audience": [a, "x"]})),
            "ERR_AUDIENCE_NOT_ALLOWED"
        );
        assert_eq!(code(json!({"audience": a, "ttl": 601})), "ERR_TTL_TOO_LONG");
        assert_eq!(
            code(json!({"audience": a, "ttl": "1h"})),
            "ERR_TTL_TOO_LONG"
        );
    }

    #[test]
    fn malformed_requests_are_400() {
        for body in [
            json!({"claims": []}),
            json!({"claims": "x"}),
            json!({"ttl": 0}),
            json!({"ttl": -5}),
            json!({"ttl": 1.5}),
            json!({"ttl": "soon"}),
            json!({"ttl": true}),
            json!({"audience": 5}),
            json!({"audience": ["a", 1]}),
            json!({"audiences": "a"}),
        ] {
            let error = request(body.clone()).unwrap_err();
            assert_eq!(error.status, 400, "{body}");
            assert_eq!(error.code, "ERR_INVALID_REQUEST", "{body}");
        }
        for body in ["", "[]", "{", "{\"claims\": {\"a\": 1, \"a\": 2}}", "\u{0}"] {
            let error = TokenRequest::parse(body.as_bytes()).unwrap_err();
            assert_eq!(error.code, "ERR_INVALID_REQUEST", "{body}");
        }
    }

    #[test]
    fn a_client_without_audiences_issues_tokens_without_aud() {
        let mut no_audience = policy();
        no_audience.audiences.clear();
        let approved = approve(&no_audience, TokenRequest::default(), "i", 60).unwrap();
        assert!(approved.template.audience.is_empty());
        let error = approve(
            &no_audience,
            TokenRequest {
                audience: vec!["x".into()],
                ..TokenRequest::default()
            },
            "i",
            60,
        )
        .unwrap_err();
        assert_eq!(error.code, "ERR_AUDIENCE_NOT_ALLOWED");
    }

    #[test]
    fn a_star_allows_any_audience() {
        let mut any = policy();
        any.audiences = vec!["*".into()];
        let asked = TokenRequest {
            audience: vec!["api://x".into(), "api://y".into()],
            ..TokenRequest::default()
        };
        let approved = approve(&any, asked, "i", 60).unwrap();
        assert_eq!(approved.template.audience, ["api://x", "api://y"]);
        let approved = approve(&any, TokenRequest::default(), "i", 60).unwrap();
        assert!(approved.template.audience.is_empty());
    }
}
