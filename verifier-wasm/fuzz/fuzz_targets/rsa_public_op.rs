//! The hand-written RSA public operation, `s^e mod n`, against the `rsa` crate on a
//! modulus made of the input (2048 to 4088 bits): the same bytes. (`rsa_differential`
//! holds the verdicts against it on a fixed key; `tests/rsa_differential.rs` takes every
//! modulus size to 8192 bits.)
#![no_main]

use kmsjwt_verify::crypto::RsaPublicKey;
use libfuzzer_sys::fuzz_target;
use rsa::BoxedUint;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    same_public_operation(selector, rest);
});

/// `n` is the input's bytes repeated to `256 + size` bytes, top and bottom bits set;
/// `s` the same bytes backwards, kept below `n`; `e` 3, 65537 or odd from four bytes.
fn same_public_operation(selector: u8, rest: &[u8]) {
    let Some((&size, bytes)) = rest.split_first() else {
        return;
    };
    if bytes.is_empty() {
        return;
    }
    let len = 256 + usize::from(size);
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
