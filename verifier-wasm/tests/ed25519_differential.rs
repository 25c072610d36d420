//! Ed25519 verification against `ed25519-dalek`'s `verify_strict`, its reference: kmsjwt
//! skips decompressing `R` and tests small-order `R` by encoding instead, and must give the
//! same verdict on valid, corrupted and random signatures, and on every small-order `R`.
//! (Wycheproof's Ed25519 vectors run through it too, in wycheproof.rs.)

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

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

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
        prop_assert_eq!(ours(&key).verify(&message, &signature), expected);
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
