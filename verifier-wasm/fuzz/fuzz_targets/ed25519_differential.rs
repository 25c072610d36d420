//! The hand-written Ed25519 verification (on the Weierstrass form of the curve) against
//! ed25519-dalek's strict checks: any signature bytes and message, the same verdict. The
//! first byte picks whether the key is fresh (its first verification: the small per-call
//! tables) or long-lived (its fixed-base table), or (bit 3) whether the rest is a key
//! encoding to parse, accepted or refused as dalek does.
#![no_main]

use std::sync::OnceLock;

use ed25519_dalek::{SigningKey, VerifyingKey};
use kmsjwt_verify::crypto::Ed25519PublicKey;
use libfuzzer_sys::fuzz_target;

fn keys() -> &'static (VerifyingKey, Ed25519PublicKey) {
    static KEYS: OnceLock<(VerifyingKey, Ed25519PublicKey)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let theirs = SigningKey::from_bytes(&[0x42; 32]).verifying_key();
        let ours = Ed25519PublicKey::from_bytes(theirs.as_bytes()).unwrap();
        (theirs, ours)
    })
}

fn dalek_accepts_key(bytes: &[u8]) -> bool {
    <&[u8; 32]>::try_from(bytes).is_ok_and(|bytes| {
        VerifyingKey::from_bytes(bytes)
            .is_ok_and(|key| key.to_edwards().compress().as_bytes() == bytes && !key.is_weak())
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    if selector & 8 != 0 {
        assert_eq!(Ed25519PublicKey::from_bytes(rest).is_ok(), dalek_accepts_key(rest));
        return;
    }
    let (theirs, ours) = keys();
    let (signature, message) = rest.split_at(rest.len().min(64));
    let expected = ed25519_dalek::Signature::from_slice(signature)
        .is_ok_and(|signature| theirs.verify_strict(message, &signature).is_ok());
    let key = if selector & 4 != 0 {
        // A fresh copy: its first verification takes the small-table path.
        Ed25519PublicKey::from_bytes(ours.as_bytes()).unwrap()
    } else {
        ours.clone()
    };
    assert_eq!(key.verify(message, signature), expected);
});
