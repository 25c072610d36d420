//! Property tests: no input, however malformed, panics; every answer is deterministic.

mod common;

use common::{NOW, claims, public_keys, token};
use kmsjwt_verify::{Alg, KeySet, Verifier, VerifyOptions};
use proptest::prelude::*;

fn verifier(alg: Alg) -> Verifier {
    Verifier::new(
        public_keys(alg),
        VerifyOptions {
            current_time: Some(NOW),
            ..VerifyOptions::default()
        },
    )
}

fn outcome(verifier: &Verifier, token: &str) -> Result<String, String> {
    verifier
        .verify(token)
        .map(|verified| verified.payload_json)
        .map_err(|error| format!("{}: {}", error.code(), error.message()))
}

proptest! {
    #![proptest_config(common::proptest_cases(256))]

    #[test]
    fn random_text_never_panics(text in ".{0,400}") {
        let verifier = verifier(Alg::ES256);
        let first = outcome(&verifier, &text);
        prop_assert!(first.is_err());
        prop_assert_eq!(first, outcome(&verifier, &text));
        let _ = kmsjwt_verify::decode(&text);
        let _ = KeySet::from_text(&text);
    }

    #[test]
    fn random_segments_never_panic(a in "[A-Za-z0-9_-]{0,60}", b in "[A-Za-z0-9_-]{0,60}", c in "[A-Za-z0-9_-]{0,90}") {
        let token = format!("{a}.{b}.{c}");
        for alg in [Alg::RS256, Alg::ES256, Alg::EdDSA] {
            let verifier = verifier(alg);
            prop_assert_eq!(outcome(&verifier, &token), outcome(&verifier, &token));
        }
    }

    #[test]
    fn mutated_valid_tokens_never_panic_and_never_verify(
        alg_index in 0usize..15,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let alg = Alg::all().nth(alg_index).unwrap();
        let valid = token(alg, &claims());
        let mut bytes = valid.clone().into_bytes();
        for (index, byte) in &edits {
            let position = index.index(bytes.len());
            bytes[position] = *byte;
        }
        let verifier = verifier(alg);
        if let Ok(mutated) = String::from_utf8(bytes) {
            let first = outcome(&verifier, &mutated);
            prop_assert_eq!(&first, &outcome(&verifier, &mutated));
            if mutated != valid {
                prop_assert!(first.is_err(), "a mutated token verified: {}", mutated);
            }
        }
    }

    #[test]
    fn random_json_keys_never_panic(kty in "(RSA|EC|OKP|oct|AKP|x)", crv in "(P-256|P-384|P-521|secp256k1|Ed25519|X25519|)", x in "[A-Za-z0-9_-]{0,90}", y in "[A-Za-z0-9_-]{0,90}") {
        let jwk = serde_json::json!({"kty": kty, "crv": crv, "x": x, "y": y, "n": x, "e": y});
        let _ = KeySet::from_text(&jwk.to_string());
        let set = serde_json::json!({"keys": [jwk]});
        let _ = KeySet::from_text(&set.to_string());
    }
}
