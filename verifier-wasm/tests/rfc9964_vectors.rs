//! RFC 9964 (ML-DSA for JOSE and COSE) appendix A.1: the JOSE examples for ML-DSA-44,
//! ML-DSA-65 and ML-DSA-87 (figures 3, 4 and 5).
//!
//! Transcribed from draft-ietf-cose-dilithium-11 (15 November 2025), appendix A.1: the
//! draft RFC 9964 was published from (the RFC Editor's rfc9964-rfcdiff compares the RFC
//! with -11); repository cose-wg/draft-ietf-cose-dilithium, file
//! draft-ietf-cose-dilithium-11/draft-ietf-cose-dilithium.txt (its
//! examples/jose/examples/ML_DSA_44.jose.json holds the same ML-DSA-44 example). The data is in
//! tests/vectors/rfc9964/ml_dsa_{44,65,87}.jose.json: the members "priv" (the seed, hex),
//! "jwk" and "jws" exactly as printed; the members "raw_to_be_signed", "raw_signature"
//! and "raw_public_key" (hex copies of the same bytes) are left out. Appendix A.2 (COSE)
//! is not used: this crate verifies JOSE only.
//!
//! Each example is one private AKP JWK (seed all zeros, `kid` its RFC 7638 / RFC 9964
//! thumbprint) and a compact JWS signed with it whose payload is prose, "It’s a dangerous
//! business, Frodo, going out your door.", so a JWT verifier checks the signature and then
//! refuses the payload as a claims set.

mod common;

use kmsjwt_verify::alg::MlDsaLevel;
use kmsjwt_verify::keys::{public_jwk, thumbprint};
use kmsjwt_verify::{KeySet, KeyType, PublicKey, Verifier, VerifyOptions, base64url};
use serde_json::{Map, Value, json};

const LEVELS: [MlDsaLevel; 3] = [MlDsaLevel::L44, MlDsaLevel::L65, MlDsaLevel::L87];

/// The examples carry no time claims; any fixed clock will do.
const NOW: i64 = 1_764_000_000;

const PAYLOAD: &str = "It’s a dangerous business, Frodo, going out your door.";

struct Example {
    /// The private JWK as printed, `priv` included.
    jwk: Map<String, Value>,
    jws: String,
    /// The top-level `priv`: the seed in hex.
    seed_hex: String,
}

fn example(level: MlDsaLevel) -> Example {
    let text = match level {
        MlDsaLevel::L44 => include_str!("vectors/rfc9964/ml_dsa_44.jose.json"),
        MlDsaLevel::L65 => include_str!("vectors/rfc9964/ml_dsa_65.jose.json"),
        MlDsaLevel::L87 => include_str!("vectors/rfc9964/ml_dsa_87.jose.json"),
    };
    let Value::Object(mut members) = serde_json::from_str(text).unwrap() else {
        panic!("an example is a JSON object");
    };
    let Some(Value::Object(jwk)) = members.remove("jwk") else {
        panic!("an example has a \"jwk\" object");
    };
    let string = |name: &str| members[name].as_str().unwrap().to_owned();
    Example {
        jwk,
        jws: string("jws"),
        seed_hex: string("priv"),
    }
}

impl Example {
    /// The JWK without `priv`: what a verifier is given.
    fn public_jwk(&self) -> Map<String, Value> {
        let mut jwk = self.jwk.clone();
        jwk.remove("priv");
        jwk
    }

    fn public_jwk_text(&self) -> String {
        Value::Object(self.public_jwk()).to_string()
    }

    fn member(&self, name: &str) -> &str {
        self.jwk[name].as_str().unwrap()
    }

    fn verifier(&self) -> Verifier {
        verifier(&self.public_jwk_text())
    }
}

fn verifier(key_text: &str) -> Verifier {
    let options = VerifyOptions {
        current_time: Some(NOW),
        ..VerifyOptions::default()
    };
    Verifier::new(KeySet::from_text(key_text).unwrap(), options)
}

fn decode(segment: &str) -> Vec<u8> {
    base64url::decode(segment.as_bytes()).expect("canonical base64url")
}

fn code(token: &str, verifier: &Verifier) -> &'static str {
    verifier.verify(token).unwrap_err().code()
}

#[test]
fn rfc9964_a1_private_jwks_are_refused_and_public_ones_parse() {
    for level in LEVELS {
        let example = example(level);
        let alg = level.alg();
        assert_eq!(example.member("alg"), alg.name());
        assert_eq!(example.member("kty"), "AKP");

        // The JWK as printed holds the seed: a verifier takes public keys only.
        let private = Value::Object(example.jwk.clone()).to_string();
        let error = KeySet::from_text(&private).unwrap_err();
        assert_eq!(error.code(), "ERR_JWK_INVALID", "{alg}: {error:?}");

        let keys = KeySet::from_text(&example.public_jwk_text()).unwrap();
        let key = keys.keys().next().unwrap();
        assert_eq!(key.key.key_type(), KeyType::MlDsa(level));
        assert_eq!(key.alg, Some(alg));
        assert_eq!(key.kid.as_deref(), Some(example.member("kid")));
        let PublicKey::MlDsa(ml) = &key.key else {
            panic!("{alg}: an AKP key is an ML-DSA key");
        };
        let public = decode(example.member("pub"));
        assert_eq!(public.len(), level.public_key_len());
        assert_eq!(ml.to_bytes(), public, "{alg}: pkDecode/pkEncode round trip");
    }
}

#[test]
fn rfc9964_a1_thumbprints_are_the_kids() {
    for level in LEVELS {
        let example = example(level);
        let keys = KeySet::from_text(&example.public_jwk_text()).unwrap();
        let key = keys.keys().next().unwrap();
        assert_eq!(
            thumbprint(&key.key),
            example.member("kid"),
            "{}",
            level.alg()
        );
        // RFC 9964 section 6: the required members are alg, kty and pub, in that order.
        let required = Value::Object(public_jwk(&key.key));
        let expected = json!({
            "alg": example.member("alg"),
            "kty": "AKP",
            "pub": example.member("pub"),
        });
        assert_eq!(required.to_string(), expected.to_string());
    }
}

#[test]
fn rfc9964_a1_seeds_derive_the_public_keys() {
    for level in LEVELS {
        let example = example(level);
        let seed = hex::decode(&example.seed_hex).unwrap();
        assert_eq!(seed, [0u8; 32]);
        assert_eq!(decode(example.member("priv")), seed, "JWK priv is the seed");
        let seed: [u8; 32] = seed.try_into().unwrap();
        let derived = common::ml_dsa_public_key_from_seed(level, &seed);
        assert_eq!(derived, decode(example.member("pub")), "{}", level.alg());
    }
}

/// The example JWS verifies: the signature directly, and through the public API, where
/// the signature passes and the prose payload is then refused as a claims set. Tampered
/// copies fail on the signature, and keys of the other levels never get that far.
fn assert_example_jws_verifies(level: MlDsaLevel) {
    let example = example(level);
    let alg = level.alg();
    let segments: Vec<&str> = example.jws.split('.').collect();
    let [header_b64, payload_b64, signature_b64] = segments[..] else {
        panic!("{alg}: a compact JWS has three segments");
    };
    let header: Value = serde_json::from_slice(&decode(header_b64)).unwrap();
    assert_eq!(
        header,
        json!({"alg": alg.name(), "kid": example.member("kid")})
    );
    assert_eq!(decode(payload_b64), PAYLOAD.as_bytes());
    let signature = decode(signature_b64);
    assert_eq!(signature.len(), level.signature_len());

    // FIPS 204 ML-DSA.Verify, empty context, over the JWS signing input.
    let keys = KeySet::from_text(&example.public_jwk_text()).unwrap();
    let key = &keys.keys().next().unwrap().key;
    let signing_input = format!("{header_b64}.{payload_b64}");
    assert!(
        key.verify(alg, signing_input.as_bytes(), &signature),
        "{alg}: the RFC 9964 example signature does not verify"
    );

    // Through the verifier: the signature passes, the payload is no claims set.
    let error = example.verifier().verify(&example.jws).unwrap_err();
    assert_eq!(error.code(), "ERR_JWT_INVALID", "{alg}: {error:?}");

    // The same in a JWK Set of all three example keys, chosen by the header's kid.
    let set = json!({"keys": LEVELS.map(example_public)}).to_string();
    assert_eq!(code(&example.jws, &verifier(&set)), "ERR_JWT_INVALID");

    // Tampered copies fail on the signature, before the payload is read.
    let mut flipped = signature.clone();
    flipped[signature.len() / 2] ^= 0x01;
    let tampered_signature = format!("{signing_input}.{}", base64url::encode(&flipped));
    let payload = base64url::encode(b"It's a dangerous business, Frodo, going out your door.");
    let tampered_payload = format!("{header_b64}.{payload}.{signature_b64}");
    let truncated = format!(
        "{signing_input}.{}",
        base64url::encode(&signature[..signature.len() - 1])
    );
    for token in [&tampered_signature, &tampered_payload, &truncated] {
        assert_eq!(
            code(token, &example.verifier()),
            "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
            "{alg}"
        );
    }

    // The other levels' keys do not fit this token's alg.
    for other in LEVELS.into_iter().filter(|other| *other != level) {
        let other_key = Value::Object(example_public(other)).to_string();
        assert_eq!(
            code(&example.jws, &verifier(&other_key)),
            "ERR_JOSE_ALG_NOT_ALLOWED",
            "{alg} token, {} key",
            other.alg()
        );
    }
}

fn example_public(level: MlDsaLevel) -> Map<String, Value> {
    example(level).public_jwk()
}

#[test]
fn rfc9964_a1_ml_dsa_44_jws_verifies_but_is_not_a_jwt() {
    assert_example_jws_verifies(MlDsaLevel::L44);
}

#[test]
fn rfc9964_a1_ml_dsa_65_jws_verifies_but_is_not_a_jwt() {
    assert_example_jws_verifies(MlDsaLevel::L65);
}

#[test]
fn rfc9964_a1_ml_dsa_87_jws_verifies_but_is_not_a_jwt() {
    assert_example_jws_verifies(MlDsaLevel::L87);
}

#[test]
fn rfc9964_a1_example_keys_verify_jwts() {
    // Not an RFC vector: a JWT signed here (deterministically) with each example's seed,
    // to show the example public JWK verifies a whole JWT through the public API.
    for level in LEVELS {
        let example = example(level);
        let alg = level.alg();
        let header = json!({"alg": alg.name(), "kid": example.member("kid")}).to_string();
        let claims = json!({"iss": "rfc9964", "exp": NOW + 60}).to_string();
        let signing_input = format!(
            "{}.{}",
            base64url::encode(header.as_bytes()),
            base64url::encode(claims.as_bytes())
        );
        let signature = common::ml_dsa_sign_with_seed(level, &[0; 32], signing_input.as_bytes());
        let token = format!("{signing_input}.{}", base64url::encode(&signature));
        let verified = example.verifier().verify(&token).unwrap();
        assert_eq!(verified.alg, alg);
        assert_eq!(verified.claims["iss"], "rfc9964");
        assert_eq!(verified.key_id.as_deref(), Some(example.member("kid")));
        let expired = example.verifier().verify_at(&token, NOW + 60).unwrap_err();
        assert_eq!(expired.code(), "ERR_JWT_EXPIRED", "{alg}");
    }
}
