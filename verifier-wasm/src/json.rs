//! Strict JSON for JOSE headers and claims sets: one top-level object, no duplicate member
//! names at any depth (RFC 7515 section 5.2 lets us refuse them; parsers that keep the
//! first or the last disagree, which is how claims get smuggled), bounded nesting, valid
//! UTF-8, and nothing after the value.

use core::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// How deep arrays and objects may nest (the top-level object is depth 1).
pub const MAX_DEPTH: usize = 32;

/// Why a JSON text was refused; the caller decides which JOSE error it becomes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonError {
    /// Not JSON (syntax error, invalid UTF-8, trailing data).
    Syntax(String),
    /// JSON, but the top-level value is not an object.
    NotObject,
    /// The same member name appears twice in one object.
    DuplicateMember(String),
    /// Arrays and objects nest deeper than [`MAX_DEPTH`].
    TooDeep,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::Syntax(detail) => write!(f, "is not valid JSON ({detail})"),
            JsonError::NotObject => f.write_str("is not a JSON object"),
            JsonError::DuplicateMember(name) => {
                write!(f, "has the member name {name:?} more than once")
            }
            JsonError::TooDeep => write!(f, "nests arrays or objects deeper than {MAX_DEPTH}"),
        }
    }
}

/// Parses `bytes` as one JSON object under the rules above.
pub fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, JsonError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = StrictValue {
        depth_left: MAX_DEPTH,
    }
    .deserialize(&mut deserializer)
    .map_err(classify)?;
    deserializer.end().map_err(classify)?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(JsonError::NotObject),
    }
}

// serde's error channel carries only text, so the two structural refusals travel as
// marked messages and are recovered here.
const DUPLICATE_MARK: &str = "\u{0}duplicate:";
const DEPTH_MARK: &str = "\u{0}depth";

fn classify(error: serde_json::Error) -> JsonError {
    let text = error.to_string();
    if let Some(rest) = text.strip_prefix(DUPLICATE_MARK) {
        let name = rest.rsplit_once(" at line ").map_or(rest, |(name, _)| name);
        JsonError::DuplicateMember(name.to_owned())
    } else if text.starts_with(DEPTH_MARK) || text.starts_with("recursion limit exceeded") {
        JsonError::TooDeep
    } else {
        JsonError::Syntax(text)
    }
}

struct StrictValue {
    depth_left: usize,
}

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl StrictValue {
    fn nested<E: de::Error>(&self) -> Result<StrictValue, E> {
        match self.depth_left.checked_sub(1) {
            Some(depth_left) => Ok(StrictValue { depth_left }),
            None => Err(E::custom(DEPTH_MARK)),
        }
    }
}

impl<'de> Visitor<'de> for StrictValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let inner = self.nested()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(StrictValue { ..inner })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let inner = self.nested()?;
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            let value = map.next_value_seed(StrictValue { ..inner })?;
            if members.contains_key(&name) {
                return Err(de::Error::custom(format_args!("{DUPLICATE_MARK}{name}")));
            }
            members.insert(name, value);
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_objects_and_keeps_member_order() {
        let map = parse_object(br#" {"z":1,"a":[true,null,{"b":"c"}],"n":-1.5e3} "#).unwrap();
        let names: Vec<_> = map.keys().map(String::as_str).collect();
        assert_eq!(names, ["z", "a", "n"]);
        assert_eq!(map["n"], serde_json::json!(-1500.0));
    }

    #[test]
    fn refuses_duplicates_at_any_depth() {
        assert_eq!(
            parse_object(br#"{"exp":1,"exp":2}"#),
            Err(JsonError::DuplicateMember("exp".into()))
        );
        assert_eq!(
            parse_object(br#"{"a":{"b":1,"b":1}}"#),
            Err(JsonError::DuplicateMember("b".into()))
        );
        // Escapes name the same member.
        assert_eq!(
            parse_object(br#"{"exp":1,"\u0065xp":2}"#),
            Err(JsonError::DuplicateMember("exp".into()))
        );
    }

    #[test]
    fn refuses_non_objects_bad_utf8_trailing_data_and_depth() {
        assert_eq!(parse_object(b"[1]"), Err(JsonError::NotObject));
        assert_eq!(parse_object(b"\"x\""), Err(JsonError::NotObject));
        assert!(matches!(
            parse_object(b"{\"a\":\"\xff\"}"),
            Err(JsonError::Syntax(_))
        ));
        assert!(matches!(parse_object(b"{} {}"), Err(JsonError::Syntax(_))));
        assert!(matches!(parse_object(b"{,}"), Err(JsonError::Syntax(_))));
        assert!(matches!(parse_object(b""), Err(JsonError::Syntax(_))));
        let deep = format!(
            "{{\"a\":{}1{}}}",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        assert!(parse_object(deep.as_bytes()).is_ok());
        let too_deep = format!(
            "{{\"a\":{}1{}}}",
            "[".repeat(MAX_DEPTH),
            "]".repeat(MAX_DEPTH)
        );
        assert_eq!(parse_object(too_deep.as_bytes()), Err(JsonError::TooDeep));
        let very_deep = format!("{{\"a\":{}", "[".repeat(100_000));
        assert_eq!(parse_object(very_deep.as_bytes()), Err(JsonError::TooDeep));
    }
}
