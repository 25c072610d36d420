//! Step two: the protected header, parsed and checked on its own (`crit`, `b64`, `alg`
//! presence). Which algorithm is acceptable is decided later, with the key.

use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Result};
use crate::json;

/// Header names registered by RFC 7515; listing one of them in `crit` is malformed.
const REGISTERED_NAMES: &[&str] = &[
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit",
];

/// A checked JOSE header.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// The `alg` value as written; see [`crate::Alg::from_name`].
    pub alg: String,
    pub kid: Option<String>,
    pub typ: Option<String>,
    /// Extension names listed in `crit`.
    pub crit: Vec<String>,
    /// Every member, in token order.
    pub members: Map<String, Value>,
}

impl Header {
    /// Parses header JSON bytes and checks the rules that do not depend on options.
    pub fn parse(bytes: &[u8]) -> Result<Header> {
        let members = json::parse_object(bytes)
            .map_err(|error| Error::jws(format!("the protected header {error}")))?;
        let alg = match members.get("alg") {
            Some(Value::String(alg)) => alg.clone(),
            Some(_) => return Err(Error::jws("the \"alg\" header parameter is not a string")),
            None => return Err(Error::jws("the \"alg\" header parameter is missing")),
        };
        let kid = optional_string(&members, "kid")?;
        let typ = optional_string(&members, "typ")?;
        let crit = parse_crit(&members)?;
        check_b64(&members)?;
        Ok(Header {
            alg,
            kid,
            typ,
            crit,
            members,
        })
    }

    /// Refuses `crit` extensions that the caller did not declare it understands.
    pub fn check_crit_understood(&self, understood: &[String]) -> Result<()> {
        match self.crit.iter().find(|name| !understood.contains(name)) {
            Some(name) => Err(Error::new(
                ErrorKind::NotSupported,
                format!("the critical header extension {name:?} is not understood"),
            )),
            None => Ok(()),
        }
    }
}

fn optional_string(members: &Map<String, Value>, name: &str) -> Result<Option<String>> {
    match members.get(name) {
        None => Ok(None),
        Some(Value::String(value)) => Ok(Some(value.clone())),
        Some(_) => Err(Error::jws(format!(
            "the {name:?} header parameter is not a string"
        ))),
    }
}

fn parse_crit(members: &Map<String, Value>) -> Result<Vec<String>> {
    let Some(crit) = members.get("crit") else {
        return Ok(Vec::new());
    };
    let malformed = || {
        Error::jws(
            "\"crit\" must be a non-empty array of non-empty strings naming extension header parameters",
        )
    };
    let Value::Array(items) = crit else {
        return Err(malformed());
    };
    if items.is_empty() {
        return Err(malformed());
    }
    let mut names: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let Value::String(name) = item else {
            return Err(malformed());
        };
        if name.is_empty() || names.contains(name) {
            return Err(malformed());
        }
        if REGISTERED_NAMES.contains(&name.as_str()) {
            return Err(Error::jws(format!(
                "\"crit\" lists {name:?}, a registered header parameter, which it must not"
            )));
        }
        if !members.contains_key(name) {
            return Err(Error::jws(format!(
                "\"crit\" lists {name:?} but the header has no such parameter"
            )));
        }
        names.push(name.clone());
    }
    Ok(names)
}

/// RFC 7797 unencoded payloads are not supported: a signer that used them meant a
/// different signing input than the one we would check.
fn check_b64(members: &Map<String, Value>) -> Result<()> {
    match members.get("b64") {
        None | Some(Value::Bool(true)) => Ok(()),
        Some(Value::Bool(false)) => Err(Error::new(
            ErrorKind::NotSupported,
            "unencoded payloads (\"b64\": false) are not supported",
        )),
        Some(_) => Err(Error::jws("the \"b64\" header parameter is not a boolean")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Header> {
        Header::parse(json.as_bytes())
    }

    #[test]
    fn reads_alg_kid_typ() {
        let header = parse(r#"{"alg":"ES256","kid":"k1","typ":"JWT"}"#).unwrap();
        assert_eq!(header.alg, "ES256");
        assert_eq!(header.kid.as_deref(), Some("k1"));
        assert_eq!(header.typ.as_deref(), Some("JWT"));
    }

    #[test]
    fn refuses_missing_or_mistyped_members() {
        for bad in [
            r#"{}"#,
            r#"{"alg":1}"#,
            r#"{"alg":"RS256","kid":7}"#,
            r#"{"alg":"RS256","typ":null}"#,
            r#"{"alg":"RS256","b64":"no"}"#,
            r#"{"alg":"RS256","alg":"RS256"}"#,
            r#"["alg"]"#,
        ] {
            assert_eq!(parse(bad).unwrap_err().code(), "ERR_JWS_INVALID", "{bad}");
        }
    }

    #[test]
    fn crit_rules() {
        for malformed in [
            r#"{"alg":"RS256","crit":[]}"#,
            r#"{"alg":"RS256","crit":"exp"}"#,
            r#"{"alg":"RS256","crit":[""]}"#,
            r#"{"alg":"RS256","crit":[1]}"#,
            r#"{"alg":"RS256","crit":["alg"]}"#,
            r#"{"alg":"RS256","crit":["ext"]}"#,
            r#"{"alg":"RS256","ext":1,"crit":["ext","ext"]}"#,
        ] {
            assert_eq!(
                parse(malformed).unwrap_err().code(),
                "ERR_JWS_INVALID",
                "{malformed}"
            );
        }
        let header = parse(r#"{"alg":"RS256","ext":1,"crit":["ext"]}"#).unwrap();
        assert_eq!(header.crit, ["ext"]);
        let error = header.check_crit_understood(&[]).unwrap_err();
        assert_eq!(error.code(), "ERR_JOSE_NOT_SUPPORTED");
        header.check_crit_understood(&["ext".to_owned()]).unwrap();
    }

    #[test]
    fn unencoded_payload_is_not_supported() {
        let error = parse(r#"{"alg":"RS256","b64":false,"crit":["b64"]}"#).unwrap_err();
        assert_eq!(error.code(), "ERR_JOSE_NOT_SUPPORTED");
        parse(r#"{"alg":"RS256","b64":true}"#).unwrap();
    }
}
