//! The hand-written RSA public operation against the `rsa` crate. With the selector's top
//! bit clear: any signature bytes, any message, every RS*/PS* alg, the same verdict. Set:
//! `s^e mod n` itself on a modulus made of the input (2048 to 8160 bits), the same bytes.
#![no_main]

use std::sync::OnceLock;

use kmsjwt_verify::crypto::RsaPublicKey;
use kmsjwt_verify::{Alg, KeySet, PublicKey};
use libfuzzer_sys::fuzz_target;
use rsa::BoxedUint;
use sha2::{Sha256, Sha384, Sha512};

// RFC 7515 A.2's 2048-bit key.
const KEY: &str = r#"{"kty":"RSA","e":"AQAB","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"}"#;

fn keys() -> &'static (PublicKey, rsa::PublicKey) {
    static KEYS: OnceLock<(PublicKey, rsa::PublicKey)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let ours = KeySet::from_text(KEY)
            .unwrap()
            .keys()
            .next()
            .unwrap()
            .key
            .clone();
        let PublicKey::Rsa(rsa_key) = &ours else {
            unreachable!()
        };
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
    if selector & 0x80 == 0 {
        same_verdict(selector, rest);
    } else {
        same_public_operation(selector, rest);
    }
});

fn same_verdict(selector: u8, rest: &[u8]) {
    // 256 bytes of signature (the modulus length), or whatever is there.
    let (signature, message) = rest.split_at(rest.len().min(256));
    let (ours, reference) = keys();
    let algs = [
        Alg::RS256,
        Alg::RS384,
        Alg::RS512,
        Alg::PS256,
        Alg::PS384,
        Alg::PS512,
    ];
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
}

/// `n` is the input's bytes repeated to `256 + 3 * size` bytes, top and bottom bits set;
/// `s` the same bytes backwards, kept below `n`; `e` 3, 65537 or odd from four bytes.
fn same_public_operation(selector: u8, rest: &[u8]) {
    let Some((&size, bytes)) = rest.split_first() else {
        return;
    };
    if bytes.is_empty() {
        return;
    }
    let len = 256 + 3 * usize::from(size);
    let mut n: Vec<u8> = bytes.iter().cycle().take(len).copied().collect();
    n[0] |= 0x80;
    n[len - 1] |= 1;
    let mut s: Vec<u8> = bytes.iter().rev().cycle().take(len).copied().collect();
    s[0] = s[0].min(n[0] - 1);
    let e = match selector & 3 {
        0 => 3,
        1 => 65537,
        _ => {
            let word: [u8; 4] = core::array::from_fn(|i| bytes[i % bytes.len()]);
            (u64::from(u32::from_be_bytes(word)) << 1 | 1).max(3)
        }
    };
    let ours = RsaPublicKey::from_components(&n, &e.to_be_bytes()).expect("a valid key");
    let precision = (len * 8) as u32;
    let reference = rsa::PublicKey::new_unchecked(
        BoxedUint::from_be_slice(&n, precision).unwrap(),
        BoxedUint::from(e),
    );
    let expected = rsa::hazmat::rsa_encrypt(
        &reference,
        &BoxedUint::from_be_slice(&s, precision).unwrap(),
    )
    .unwrap()
    .to_be_bytes();
    assert_eq!(
        ours.public_operation(&s),
        Some(expected[expected.len() - len..].to_vec()),
        "{len} bytes, e = {e}"
    );
}
