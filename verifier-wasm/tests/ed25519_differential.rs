//! Ed25519 verification against `ed25519-dalek`'s `verify_strict`, its reference: kmsjwt
//! computes on the Weierstrass form of the curve, skips decompressing `R` and tests
//! small-order `R` by encoding instead, and must give the same verdict on valid, corrupted
//! and random signatures, on every small-order `R`, on keys with a small-order component,
//! and on both of its paths (a key's first verifications, then its fixed-base table). Key
//! parsing must accept and refuse what dalek does. (Wycheproof's Ed25519 vectors run
//! through it too, in wycheproof.rs.) A longer run: `PROPTEST_CASES=3000 cargo test -p
//! kmsjwt-verify --test ed25519_differential`.

mod common;

use curve25519_dalek::constants::EIGHT_TORSION;
use ed25519_dalek::{Signer as _, SigningKey};
use kmsjwt_verify::crypto::Ed25519PublicKey;
use proptest::prelude::*;

fn reference(key: &SigningKey, message: &[u8], signature: &[u8]) -> bool {
    ed25519_dalek::Signature::from_slice(signature).is_ok_and(|signature| {
        key.verifying_key()
            .verify_strict(message, &signature)
            .is_ok()
    })
}

fn ours(key: &SigningKey) -> Ed25519PublicKey {
    Ed25519PublicKey::from_bytes(key.verifying_key().as_bytes()).expect("a real key")
}

/// A key verifies through small per-call tables first and its own table from the third
/// verification on: each must give `expected`.
const VERIFICATIONS_PER_KEY: usize = 4;

/// dalek's strict key checks: a point, canonically encoded, not of small order.
fn reference_accepts_key(bytes: &[u8; 32]) -> bool {
    ed25519_dalek::VerifyingKey::from_bytes(bytes)
        .is_ok_and(|key| key.to_edwards().compress().as_bytes() == bytes && !key.is_weak())
}

proptest! {
    #![proptest_config(common::proptest_cases(128))]

    #[test]
    fn same_verdict_as_verify_strict(
        secret in any::<[u8; 32]>(),
        message in proptest::collection::vec(any::<u8>(), 0..200),
        flips in proptest::collection::vec((0usize..64, 1u8..=255), 0..3),
        small_order_r in proptest::option::of(0usize..8),
    ) {
        let key = SigningKey::from_bytes(&secret);
        let mut signature = key.sign(&message).to_bytes();
        for (position, mask) in &flips {
            signature[*position] ^= mask;
        }
        if let Some(index) = small_order_r {
            signature[..32].copy_from_slice(EIGHT_TORSION[index].compress().as_bytes());
        }
        let expected = reference(&key, &message, &signature);
        let ours = ours(&key);
        for _ in 0..VERIFICATIONS_PER_KEY {
            prop_assert_eq!(ours.verify(&message, &signature), expected);
        }
        if flips.is_empty() && small_order_r.is_none() {
            prop_assert!(expected, "an untouched signature verifies");
        }
    }

    #[test]
    fn random_signatures_agree(secret in any::<[u8; 32]>(), signature in any::<[u8; 64]>()) {
        let key = SigningKey::from_bytes(&secret);
        prop_assert_eq!(
            ours(&key).verify(b"message", &signature),
            reference(&key, b"message", &signature)
        );
    }
}

proptest! {
    #![proptest_config(common::proptest_cases(64))]

    /// Keys `aB + T` with `T` of small order, which verify_strict accepts (they are not
    /// themselves of small order): a signature made with `a` holds exactly when `[k]T`
    /// vanishes. The tables of such a key hold points outside the prime-order subgroup.
    #[test]
    fn keys_with_a_small_order_component_agree(
        secret in any::<[u8; 32]>(),
        nonce in any::<[u8; 32]>(),
        torsion in 0usize..8,
        message in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
        use curve25519_dalek::Scalar;
        use sha2::{Digest, Sha512};
        let a = Scalar::from_bytes_mod_order(secret);
        let r = Scalar::from_bytes_mod_order(nonce);
        let key_point = ED25519_BASEPOINT_POINT * a + EIGHT_TORSION[torsion];
        let key_bytes = key_point.compress().to_bytes();
        let r_bytes = (ED25519_BASEPOINT_POINT * r).compress().to_bytes();
        let hash: [u8; 64] = Sha512::new()
            .chain_update(r_bytes)
            .chain_update(key_bytes)
            .chain_update(&message)
            .finalize()
            .into();
        let s = r + Scalar::from_bytes_mod_order_wide(&hash) * a;
        let signature = [r_bytes, s.to_bytes()].concat();
        let theirs = ed25519_dalek::VerifyingKey::from_bytes(&key_bytes).unwrap();
        let expected = theirs
            .verify_strict(&message, &ed25519_dalek::Signature::from_slice(&signature).unwrap())
            .is_ok();
        let accepted = Ed25519PublicKey::from_bytes(&key_bytes).is_ok();
        prop_assert_eq!(accepted, reference_accepts_key(&key_bytes));
        if let Ok(ours) = Ed25519PublicKey::from_bytes(&key_bytes) {
            for _ in 0..VERIFICATIONS_PER_KEY {
                prop_assert_eq!(ours.verify(&message, &signature), expected);
            }
        }
        if torsion == 0 && a != Scalar::ZERO {
            prop_assert!(expected, "a key in the prime-order subgroup verifies its signature");
        }
    }

    /// Any 32 bytes: a key for both or for neither.
    #[test]
    fn key_encodings_are_accepted_alike(bytes in any::<[u8; 32]>(), high in 0u8..4) {
        let mut bytes = bytes;
        // Encodings at and above p, and with y's top bits set, as well as random ones.
        if high == 0 {
            bytes[1..31].fill(0xff);
        }
        let accepted = Ed25519PublicKey::from_bytes(&bytes).is_ok();
        prop_assert_eq!(accepted, reference_accepts_key(&bytes));
    }
}

/// Every small-order `R` with `s = 0` is refused by both.
#[test]
fn small_order_r_with_zero_s_is_refused() {
    let key = SigningKey::from_bytes(&[7; 32]);
    for point in EIGHT_TORSION {
        let mut signature = [0u8; 64];
        signature[..32].copy_from_slice(point.compress().as_bytes());
        for message in [&b""[..], b"a", b"message"] {
            assert!(!ours(&key).verify(message, &signature));
            assert!(!reference(&key, message, &signature));
        }
    }
}

/// The case the encoding check exists for: the key's owner can make `R` the identity
/// (order 1) with `s = k * a`, a signature the lenient check accepts. `verify_strict` and
/// kmsjwt refuse it.
#[test]
fn identity_r_made_by_the_key_owner_is_refused() {
    use curve25519_dalek::Scalar;
    use sha2::{Digest, Sha512};
    let key = SigningKey::from_bytes(&[9; 32]);
    let identity = curve25519_dalek::EdwardsPoint::default().compress();
    let message = b"a signature with a small-order R";
    let hash: [u8; 64] = Sha512::new()
        .chain_update(identity.as_bytes())
        .chain_update(key.verifying_key().as_bytes())
        .chain_update(message)
        .finalize()
        .into();
    let s = Scalar::from_bytes_mod_order_wide(&hash) * key.to_scalar();
    let signature = [identity.to_bytes(), s.to_bytes()].concat();
    let lenient = ed25519_dalek::Signature::from_slice(&signature).unwrap();
    use ed25519_dalek::Verifier as _;
    assert!(
        key.verifying_key().verify(message, &lenient).is_ok(),
        "lenient check accepts"
    );
    assert!(!reference(&key, message, &signature));
    assert!(!ours(&key).verify(message, &signature));
}
