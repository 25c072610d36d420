//! The JWK and JWK Set readers, and key selection over whatever they accept.
#![no_main]

use kmsjwt_verify::{Alg, KeySet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(keys) = KeySet::from_text(text) {
        for alg in Alg::all() {
            let _ = keys.select(alg, None);
            let _ = keys.select(alg, Some("k"));
        }
        for key in keys.keys() {
            let _ = kmsjwt_verify::keys::thumbprint(&key.key);
        }
    }
});
