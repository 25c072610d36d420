//! The hand-written RSA public operation against the `rsa` crate: any signature bytes,
//! any message, every RS*/PS* alg, the same verdict.
#![no_main]

use std::sync::OnceLock;

use kmsjwt_verify::{Alg, KeySet, PublicKey};
use libfuzzer_sys::fuzz_target;
use rsa::BoxedUint;
use sha2::{Sha256, Sha384, Sha512};

// RFC 7515 A.2's 2048-bit key.
const KEY: &str = r#"{"kty":"RSA","e":"AQAB","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"}"#;

fn keys() -> &'static (PublicKey, rsa::PublicKey) {
    static KEYS: OnceLock<(PublicKey, rsa::PublicKey)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let ours = KeySet::from_text(KEY).unwrap().keys().next().unwrap().key.clone();
        let PublicKey::Rsa(rsa_key) = &ours else { unreachable!() };
        let (n, e) = (rsa_key.modulus(), rsa_key.exponent());
        let reference = rsa::PublicKey::new(
            BoxedUint::from_be_slice(&n, (n.len() * 8) as u32).unwrap(),
            BoxedUint::from_be_slice(&e, (e.len() * 8) as u32).unwrap(),
        )
        .unwrap();
        (ours, reference)
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    // 256 bytes of signature (the modulus length), or whatever is there.
    let (signature, message) = rest.split_at(rest.len().min(256));
    let (ours, reference) = keys();
    let algs = [Alg::RS256, Alg::RS384, Alg::RS512, Alg::PS256, Alg::PS384, Alg::PS512];
    let alg = algs[usize::from(selector) % algs.len()];
    let expected = match alg {
        Alg::RS256 => reference.pkcs1v15_verify::<Sha256>(message, signature),
        Alg::RS384 => reference.pkcs1v15_verify::<Sha384>(message, signature),
        Alg::RS512 => reference.pkcs1v15_verify::<Sha512>(message, signature),
        Alg::PS256 => reference.pss_verify::<Sha256>(message, signature),
        Alg::PS384 => reference.pss_verify::<Sha384>(message, signature),
        _ => reference.pss_verify::<Sha512>(message, signature),
    }
    .is_ok();
    assert_eq!(ours.verify(alg, message, signature), expected, "{alg}");
});
