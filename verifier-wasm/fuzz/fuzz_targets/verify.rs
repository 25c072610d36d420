//! Whole-token verification against a JWK Set holding one key of every type.
#![no_main]

use std::sync::OnceLock;

use kmsjwt_verify::{KeySet, Verifier, VerifyOptions};
use libfuzzer_sys::fuzz_target;

const JWKS: &str = r#"{"keys":[
 {"kty":"RSA","kid":"rsa","e":"AQAB","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"},
 {"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
 {"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
]}"#;

fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        let options = VerifyOptions {
            current_time: Some(1_300_819_300),
            crit: vec!["ext".into()],
            ..VerifyOptions::default()
        };
        Verifier::new(KeySet::from_text(JWKS).expect("fuzz JWKS"), options)
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(token) = std::str::from_utf8(data) {
        let first = verifier().verify(token).map(|verified| verified.payload_json);
        let second = verifier().verify(token).map(|verified| verified.payload_json);
        assert_eq!(first, second, "verification is deterministic");
    }
});
