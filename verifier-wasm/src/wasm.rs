//! The WebAssembly boundary, and nothing else: JS strings in, JSON text out, errors as
//! JSON text (`{code, message, claim?, reason?}`) that the JS wrapper turns into
//! `JoseError`. Verified payloads cross as the exact signed JSON, for `JSON.parse`, which
//! measured faster than building JS objects field by field.

use serde_json::json;
use wasm_bindgen::prelude::*;

use crate::{Error, KeySet, Verifier, VerifyOptions};

// Cold, as `Error`'s constructors are: a first call that succeeds compiles none of it.
#[cold]
#[inline(never)]
fn thrown(error: Error) -> JsValue {
    let mut detail = json!({"code": error.code(), "message": error.message()});
    if let (Some(claim), Some(reason)) = (error.claim(), error.reason()) {
        detail["claim"] = json!(claim);
        detail["reason"] = json!(reason.as_str());
    }
    JsValue::from_str(&detail.to_string())
}

/// Parsed key material (PEM, JWK or JWK Set text).
#[wasm_bindgen]
pub struct Keys {
    keys: KeySet,
}

#[wasm_bindgen]
impl Keys {
    #[wasm_bindgen(constructor)]
    pub fn new(text: &str) -> Result<Keys, JsValue> {
        KeySet::from_text(text)
            .map(|keys| Keys { keys })
            .map_err(thrown)
    }
}

/// Parsed verification options (jose's names, as JSON text).
#[wasm_bindgen]
pub struct Options {
    options: VerifyOptions,
}

#[wasm_bindgen]
impl Options {
    #[wasm_bindgen(constructor)]
    pub fn new(json_text: &str) -> Result<Options, JsValue> {
        // The strict reader the tokens use: one JSON parser in the module, not two.
        let map = crate::json::parse_object(json_text.as_bytes()).map_err(|error| {
            let message = match error {
                crate::json::JsonError::NotObject => "options must be an object".to_owned(),
                error => format!("options are not usable JSON: the text {error}"),
            };
            thrown(Error::new(crate::ErrorKind::Generic, message))
        })?;
        VerifyOptions::from_jose(&map)
            .map(|options| Options { options })
            .map_err(thrown)
    }
}

/// Verifies `token`; returns `{"payload":…,"protectedHeader":…}` as JSON text. `now` (Unix
/// seconds) is used unless the options fix `currentDate`.
#[wasm_bindgen(js_name = verifyToken)]
pub fn verify_token(
    keys: &Keys,
    options: &Options,
    token: &str,
    now: f64,
) -> Result<String, JsValue> {
    let verified = verified(keys, options, token, now)?;
    Ok(result_json(&verified.payload_json, &verified.header_json))
}

/// The pipeline over the parsed keys and options, at `now` (Unix seconds) unless the
/// options fix `currentDate`.
fn verified(
    keys: &Keys,
    options: &Options,
    token: &str,
    now: f64,
) -> Result<crate::VerifiedToken, JsValue> {
    let now = options.options.current_time.unwrap_or(now.floor() as i64);
    Verifier::verify_with(&keys.keys, &options.options, token, now).map_err(thrown)
}

/// Reads a token without verifying it; same shape as `verifyToken`.
#[wasm_bindgen(js_name = decodeToken)]
pub fn decode_token(token: &str) -> Result<String, JsValue> {
    let decoded = crate::decode(token).map_err(thrown)?;
    Ok(result_json(&decoded.payload_json, &decoded.header_json))
}

fn result_json(payload: &str, header: &str) -> String {
    let mut out = String::with_capacity(payload.len() + header.len() + 32);
    out.push_str("{\"payload\":");
    out.push_str(payload);
    out.push_str(",\"protectedHeader\":");
    out.push_str(header);
    out.push('}');
    out
}

/// The alternative boundary, kept only to re-measure it: JS objects built by
/// serde-wasm-bindgen instead of JSON text (see bench/boundary.mjs).
#[cfg(feature = "boundary-experiment")]
#[wasm_bindgen(js_name = verifyTokenValue)]
pub fn verify_token_value(
    keys: &Keys,
    options: &Options,
    token: &str,
    now: f64,
) -> Result<JsValue, JsValue> {
    use serde::Serialize;
    let verified = verified(keys, options, token, now)?;
    let result = json!({"payload": verified.claims, "protectedHeader": verified.header.members});
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    result
        .serialize(&serializer)
        .map_err(|error| JsValue::from_str(&error.to_string()))
}
