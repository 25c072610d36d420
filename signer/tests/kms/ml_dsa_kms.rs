//! A KMS stand-in for ML-DSA keys. No local KMS emulator implements ML-DSA (ministack, moto
//! and LocalStack lack it), so this one, small and test-only, holds ML-DSA keys made by
//! RustCrypto's `ml-dsa` and speaks the KMS JSON protocol over HTTP on 127.0.0.1 (through
//! [`StubKms`]): `CreateKey`, `CreateAlias`, `DescribeKey`, `GetPublicKey` and `Sign`.
//! Requests about other keys are forwarded to the shared ministack, so that one endpoint
//! serves ML-DSA and EC keys alike.
//!
//! Like KMS, it signs only with `ML_DSA_SHAKE_256`, `RAW` messages of at most 4096 bytes
//! (pure ML-DSA, empty context) and 64-byte `EXTERNAL_MU` messages, and refuses anything
//! else with `ValidationException` or `InvalidKeyUsageException`. Its signatures are
//! deterministic (FIPS 204 with a zero `rnd`; KMS hedges), so RAW and EXTERNAL_MU over the
//! same input give the same bytes. It records every `Sign` it answers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use kmsjwt_verify::alg::MlDsaLevel;
use ml_dsa::{ExpandedSigningKey, MlDsa44, MlDsa65, MlDsa87, MlDsaParams};
use serde_json::{Value, json};

use crate::common::{Ministack, Run, StubAnswer, StubKms, run_kmsjwt, sdk_client};

const ACCOUNT: &str = "arn:aws:kms:us-east-1:000000000000";
const SIGNING_ALGORITHM: &str = "ML_DSA_SHAKE_256";
const MAX_RAW_MESSAGE_LEN: usize = 4096;

/// Every level, with its KMS key spec.
pub const LEVELS: [(MlDsaLevel, &str); 3] = [
    (MlDsaLevel::L44, "ML_DSA_44"),
    (MlDsaLevel::L65, "ML_DSA_65"),
    (MlDsaLevel::L87, "ML_DSA_87"),
];

/// One `Sign` request the stand-in answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignRequest {
    pub key_id: String,
    /// As sent (`RAW` when absent, as KMS assumes).
    pub message_type: String,
    pub message_len: usize,
}

struct Key {
    level: MlDsaLevel,
    seed: [u8; 32],
}

#[derive(Default)]
struct State {
    keys: HashMap<String, Key>,
    aliases: HashMap<String, String>,
    signed: Vec<SignRequest>,
    created: u8,
}

impl State {
    /// The key id of an ML-DSA key named by id, key ARN, alias name or alias ARN.
    fn find(&self, name: &str) -> Option<String> {
        let name = name.strip_prefix(ACCOUNT).map_or(name, |rest| &rest[1..]);
        let id = match name.strip_prefix("key/") {
            Some(id) => id,
            None if name.starts_with("alias/") => self.aliases.get(name)?,
            None => name,
        };
        self.keys.contains_key(id).then(|| id.to_owned())
    }
}

/// The stand-in: ML-DSA keys here, everything else forwarded to the shared ministack.
pub struct MlDsaKms {
    stub: StubKms,
    state: Arc<Mutex<State>>,
}

impl MlDsaKms {
    pub fn start() -> MlDsaKms {
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        let stub = StubKms::start_forwarding(Some(Ministack::shared().port), move |op, request| {
            answer(&mut shared.lock().unwrap(), op, request)
        });
        MlDsaKms { stub, state }
    }

    pub fn endpoint(&self) -> String {
        self.stub.endpoint()
    }

    /// Adds a key of `level` made from `seed`; returns its key id.
    pub fn add_key(&self, level: MlDsaLevel, seed: [u8; 32]) -> String {
        let mut state = self.state.lock().unwrap();
        let key_id = format!("mldsa-{}-{}", level.alg(), seed[0]);
        state.keys.insert(key_id.clone(), Key { level, seed });
        key_id
    }

    /// The `Sign` requests answered so far, in order.
    pub fn signed(&self) -> Vec<SignRequest> {
        self.state.lock().unwrap().signed.clone()
    }

    /// `kmsjwt ARGS` against the stand-in.
    pub fn kmsjwt(&self, args: &[&str]) -> Run {
        run_kmsjwt(&self.endpoint(), args, None)
    }

    /// An SDK client for the stand-in.
    pub fn client(&self) -> aws_sdk_kms::Client {
        sdk_client(&self.endpoint())
    }
}

/// The answer for an ML-DSA request, or `None` to forward it.
fn answer(state: &mut State, operation: &str, request: &Value) -> Option<StubAnswer> {
    let text = |name: &str| request[name].as_str().unwrap_or_default().to_owned();
    match operation {
        "CreateKey" => {
            let level = level_of(&text("KeySpec"))?;
            if text("KeyUsage") != "SIGN_VERIFY" {
                return Some(error(
                    "ValidationException",
                    "ML-DSA keys have KeyUsage SIGN_VERIFY",
                ));
            }
            state.created += 1;
            let seed = [state.created; 32];
            let key_id = format!("created-{}-{}", level.alg(), state.created);
            state.keys.insert(key_id.clone(), Key { level, seed });
            Some((200, json!({ "KeyMetadata": metadata(&key_id, level) })))
        }
        "CreateAlias" => {
            let key_id = state.find(&text("TargetKeyId"))?;
            let alias = text("AliasName");
            if state.aliases.contains_key(&alias) {
                return Some(error("AlreadyExistsException", "the alias exists"));
            }
            state.aliases.insert(alias, key_id);
            Some((200, json!({})))
        }
        "DescribeKey" => {
            let key_id = state.find(&text("KeyId"))?;
            let level = state.keys[&key_id].level;
            Some((200, json!({ "KeyMetadata": metadata(&key_id, level) })))
        }
        "GetPublicKey" => {
            let key_id = state.find(&text("KeyId"))?;
            let key = &state.keys[&key_id];
            Some((
                200,
                json!({
                    "KeyId": arn(&key_id),
                    "PublicKey": STANDARD.encode(spki_der(key.level, &public_key(key))),
                    "KeySpec": spec_of(key.level),
                    "KeyUsage": "SIGN_VERIFY",
                    "SigningAlgorithms": [SIGNING_ALGORITHM],
                }),
            ))
        }
        "Sign" => {
            let key_id = state.find(&text("KeyId"))?;
            Some(sign(state, &key_id, request))
        }
        _ => None,
    }
}

fn sign(state: &mut State, key_id: &str, request: &Value) -> StubAnswer {
    let Ok(message) = STANDARD.decode(request["Message"].as_str().unwrap_or_default()) else {
        return error("ValidationException", "Message is not base64");
    };
    let algorithm = request["SigningAlgorithm"].as_str().unwrap_or_default();
    if algorithm != SIGNING_ALGORITHM {
        return error(
            "InvalidKeyUsageException",
            &format!("{algorithm} is not supported for an ML-DSA key"),
        );
    }
    let message_type = request["MessageType"].as_str().unwrap_or("RAW").to_owned();
    state.signed.push(SignRequest {
        key_id: key_id.to_owned(),
        message_type: message_type.clone(),
        message_len: message.len(),
    });
    let key = &state.keys[key_id];
    let signature = match message_type.as_str() {
        "RAW" if message.len() <= MAX_RAW_MESSAGE_LEN => sign_message(key, &message, false),
        "RAW" => {
            return error(
                "ValidationException",
                "1 validation error detected: Value at 'message' failed to satisfy \
                 constraint: Member must have length less than or equal to 4096",
            );
        }
        "EXTERNAL_MU" if message.len() == 64 => sign_message(key, &message, true),
        "EXTERNAL_MU" => {
            return error(
                "ValidationException",
                "an EXTERNAL_MU message must be 64 bytes",
            );
        }
        other => {
            return error(
                "ValidationException",
                &format!("MessageType {other} is not valid for ML_DSA_SHAKE_256"),
            );
        }
    };
    (
        200,
        json!({
            "KeyId": arn(key_id),
            "Signature": STANDARD.encode(signature),
            "SigningAlgorithm": SIGNING_ALGORITHM,
        }),
    )
}

fn error(code: &str, message: &str) -> StubAnswer {
    (400, json!({ "__type": code, "message": message }))
}

fn arn(key_id: &str) -> String {
    format!("{ACCOUNT}:key/{key_id}")
}

fn level_of(spec: &str) -> Option<MlDsaLevel> {
    LEVELS
        .iter()
        .find(|(_, name)| *name == spec)
        .map(|(level, _)| *level)
}

fn spec_of(level: MlDsaLevel) -> &'static str {
    LEVELS.iter().find(|(l, _)| *l == level).unwrap().1
}

fn metadata(key_id: &str, level: MlDsaLevel) -> Value {
    json!({
        "KeyId": key_id, "Arn": arn(key_id), "Enabled": true, "KeyUsage": "SIGN_VERIFY",
        "KeyState": "Enabled", "KeySpec": spec_of(level), "CreationDate": 1.7e9,
        "KeyManager": "CUSTOMER", "Origin": "AWS_KMS", "SigningAlgorithms": [SIGNING_ALGORITHM],
    })
}

fn public_key(key: &Key) -> Vec<u8> {
    fn encoded<P: MlDsaParams>(seed: &[u8; 32]) -> Vec<u8> {
        let key = ExpandedSigningKey::<P>::from_seed(&(*seed).into());
        key.verifying_key().encode().to_vec()
    }
    match key.level {
        MlDsaLevel::L44 => encoded::<MlDsa44>(&key.seed),
        MlDsaLevel::L65 => encoded::<MlDsa65>(&key.seed),
        MlDsaLevel::L87 => encoded::<MlDsa87>(&key.seed),
    }
}

/// Pure ML-DSA over `message` with an empty context, or over `message` as `mu`.
fn sign_message(key: &Key, message: &[u8], external_mu: bool) -> Vec<u8> {
    fn signed<P: MlDsaParams>(seed: &[u8; 32], message: &[u8], external_mu: bool) -> Vec<u8> {
        let key = ExpandedSigningKey::<P>::from_seed(&(*seed).into());
        let signature = if external_mu {
            let mu: [u8; 64] = message.try_into().unwrap();
            key.sign_mu_deterministic(&mu.into())
        } else {
            key.sign_deterministic(message, &[]).unwrap()
        };
        signature.encode().to_vec()
    }
    match key.level {
        MlDsaLevel::L44 => signed::<MlDsa44>(&key.seed, message, external_mu),
        MlDsaLevel::L65 => signed::<MlDsa65>(&key.seed, message, external_mu),
        MlDsaLevel::L87 => signed::<MlDsa87>(&key.seed, message, external_mu),
    }
}

/// `SubjectPublicKeyInfo { AlgorithmIdentifier { id-ml-dsa-NN }, BIT STRING pk }` (RFC 9881:
/// no parameters), written out by hand: the OIDs are 2.16.840.1.101.3.4.3.17/18/19.
fn spki_der(level: MlDsaLevel, public_key: &[u8]) -> Vec<u8> {
    let last = match level {
        MlDsaLevel::L44 => 0x11,
        MlDsaLevel::L65 => 0x12,
        MlDsaLevel::L87 => 0x13,
    };
    let oid = [
        0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, last,
    ];
    let algorithm = der(0x30, &oid);
    let bits = der(0x03, &[&[0u8][..], public_key].concat());
    der(0x30, &[algorithm, bits].concat())
}

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = vec![tag];
    match len {
        0..0x80 => out.push(len as u8),
        0x80..0x100 => out.extend([0x81, len as u8]),
        _ => out.extend([0x82, (len >> 8) as u8, len as u8]),
    }
    out.extend_from_slice(content);
    out
}
