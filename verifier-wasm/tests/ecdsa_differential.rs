//! The hand-written ECDSA arithmetic (src/crypto/ec) against the RustCrypto curve
//! crates, its reference: random keys on every curve, valid, corrupted and random
//! signatures, the same verdict. Each key is checked several times, so both paths run:
//! the small per-call tables of a key's first verifications and the fixed-base tables
//! after. (Wycheproof runs through it too, in wycheproof.rs.)
//! A longer run: `PROPTEST_CASES=20000 cargo test -p kmsjwt-verify --test ecdsa_differential`.

mod common;

use kmsjwt_verify::crypto::EcPublicKey;
use kmsjwt_verify::{Alg, Curve, PublicKey};
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use proptest::prelude::*;

type Sign = Box<dyn Fn(&[u8]) -> Vec<u8>>;
type ReferenceVerify = Box<dyn Fn(&[u8], &[u8]) -> bool>;

/// A random key on one curve: ours, a signer and the reference verifier.
struct Case {
    alg: Alg,
    ours: PublicKey,
    sign: Sign,
    reference: ReferenceVerify,
}

macro_rules! case {
    ($krate:ident, $alg:expr, $curve:expr, $secret:expr, $normalize:expr) => {{
        let mut secret = $secret[..$krate::FieldBytes::default().len()].to_vec();
        if secret.len() == 66 {
            // P-521 scalars have 521 bits: keep random secrets mostly below the order.
            secret[0] &= 1;
        }
        let signing = $krate::ecdsa::SigningKey::from_slice(&secret).ok()?;
        let verifying = *signing.verifying_key();
        let point = verifying.to_sec1_point(false);
        let ours = PublicKey::Ec(EcPublicKey::from_sec1($curve, point.as_bytes()).unwrap());
        Case {
            alg: $alg,
            ours,
            sign: Box::new(move |message| {
                let signature: $krate::ecdsa::Signature = signing.sign(message);
                signature.to_bytes().to_vec()
            }),
            reference: Box::new(move |message, signature| {
                $krate::ecdsa::Signature::from_slice(signature).is_ok_and(|signature| {
                    let normalize: fn(_) -> _ = $normalize;
                    verifying.verify(message, &normalize(signature)).is_ok()
                })
            }),
        }
    }};
}

fn case(curve: usize, secret: &[u8; 66]) -> Option<Case> {
    Some(match curve {
        0 => case!(p256, Alg::ES256, Curve::P256, secret, |s| s),
        1 => case!(p384, Alg::ES384, Curve::P384, secret, |s| s),
        2 => case!(p521, Alg::ES512, Curve::P521, secret, |s| s),
        // k256 refuses high s by itself; kmsjwt accepts it (plain ECDSA) on every curve.
        _ => case!(
            k256,
            Alg::ES256K,
            Curve::Secp256k1,
            secret,
            |s: k256::ecdsa::Signature| s.normalize_s()
        ),
    })
}

/// The reference's reading of a SEC1 point: its uncompressed form, or `None` if refused.
fn reference_point(curve: usize, sec1: &[u8]) -> Option<Vec<u8>> {
    macro_rules! decode {
        ($krate:ident) => {
            $krate::ecdsa::VerifyingKey::from_sec1_bytes(sec1)
                .ok()
                .map(|key| key.to_sec1_point(false).as_bytes().to_vec())
        };
    }
    match curve {
        0 => decode!(p256),
        1 => decode!(p384),
        2 => decode!(p521),
        _ => decode!(k256),
    }
}

/// Ours: the uncompressed form of an accepted point.
fn our_point(curve: usize, sec1: &[u8]) -> Option<Vec<u8>> {
    let curve = [Curve::P256, Curve::P384, Curve::P521, Curve::Secp256k1][curve];
    let key = EcPublicKey::from_sec1(curve, sec1).ok()?;
    let (x, y) = key.coordinates();
    Some([&[4u8][..], &x, &y].concat())
}

fn secret() -> impl Strategy<Value = [u8; 66]> {
    proptest::collection::vec(any::<u8>(), 66).prop_map(|bytes| bytes.try_into().unwrap())
}

/// Checks one signature four times with the same key (first the per-call tables, then
/// the key's own table) and returns the verdict, which must not change.
fn verdict(case: &Case, message: &[u8], signature: &[u8]) -> bool {
    let first = case.ours.verify(case.alg, message, signature);
    for _ in 0..3 {
        assert_eq!(case.ours.verify(case.alg, message, signature), first);
    }
    first
}

proptest! {
    #![proptest_config(common::proptest_cases(64))]

    #[test]
    fn same_verdict_as_the_curve_crates(
        curve in 0usize..4,
        secret in secret(),
        message in proptest::collection::vec(any::<u8>(), 0..200),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 0..3),
        other_message in any::<bool>(),
    ) {
        let Some(case) = case(curve, &secret) else { return Ok(()) };
        let mut signature = (case.sign)(&message);
        for (index, mask) in &flips {
            let position = index.index(signature.len());
            signature[position] ^= mask;
        }
        let checked = if other_message { b"another message".to_vec() } else { message.clone() };
        let expected = (case.reference)(&checked, &signature);
        prop_assert_eq!(verdict(&case, &checked, &signature), expected);
        if flips.is_empty() && !other_message {
            prop_assert!(expected, "an untouched signature verifies");
        }
    }

    #[test]
    fn random_signatures_agree(
        curve in 0usize..4,
        secret in secret(),
        random in proptest::collection::vec(any::<u8>(), 133),
        extra_bytes in 0usize..2,
    ) {
        let Some(case) = case(curve, &secret) else { return Ok(()) };
        // Mostly the curve's signature length, sometimes one byte more.
        let signature = &random[..(case.sign)(b"").len() + extra_bytes];
        let expected = (case.reference)(b"message", signature);
        prop_assert_eq!(verdict(&case, b"message", signature), expected);
    }
}

proptest! {
    #![proptest_config(common::proptest_cases(64))]

    /// Public points: both encodings of real keys decode to the same coordinates, and
    /// any bytes are accepted by ours exactly when the curve crate accepts them, except
    /// for the crate's extra "compact" (05) and "hybrid" (06, 07) tags, which kmsjwt
    /// refuses like SEC1's common subset (jose, browsers).
    #[test]
    fn points_decode_as_the_curve_crates_do(
        curve in 0usize..4,
        secret in secret(),
        random in proptest::collection::vec(any::<u8>(), 133),
        tag in prop::sample::select(vec![0u8, 2, 3, 4, 5, 6, 7]),
        flip in any::<prop::sample::Index>(),
    ) {
        if let Some(case) = case(curve, &secret) {
            let PublicKey::Ec(key) = &case.ours else { unreachable!() };
            let (x, y) = key.coordinates();
            let uncompressed = [&[4u8][..], &x, &y].concat();
            let compressed = [&[2 + (y[y.len() - 1] & 1)][..], &x].concat();
            prop_assert_eq!(our_point(curve, &compressed), Some(uncompressed.clone()));
            prop_assert_eq!(reference_point(curve, &compressed), Some(uncompressed.clone()));
            // One flipped bit of an encoding: the same verdict (mostly off the curve).
            for encoding in [&uncompressed, &compressed] {
                let mut changed = encoding.to_vec();
                let position = flip.index(changed.len());
                changed[position] ^= 1 << (position % 8);
                prop_assert_eq!(our_point(curve, &changed), reference_point(curve, &changed));
            }
        }
        let len = [32, 48, 66, 32][curve];
        for size in [1 + len, 1 + 2 * len] {
            let mut bytes = random[..size].to_vec();
            bytes[0] = tag;
            let expected = match tag {
                5..=7 => None,
                _ => reference_point(curve, &bytes),
            };
            prop_assert_eq!(our_point(curve, &bytes), expected);
        }
    }
}

/// Many signatures under one key: the fixed-base tables (built after the first two
/// verifications) against the reference, signatures valid and not.
#[test]
fn one_key_many_signatures() {
    for curve in 0..4 {
        let case = case(curve, &[0x5a; 66]).unwrap();
        for index in 0u32..64 {
            let message = index.to_be_bytes();
            let mut signature = (case.sign)(&message);
            if index % 3 == 1 {
                let last = signature.len() - 1;
                signature[last] ^= 1;
            }
            let expected = (case.reference)(&message, &signature);
            assert_eq!(
                case.ours.verify(case.alg, &message, &signature),
                expected,
                "{} #{index}",
                case.alg
            );
            assert_eq!(expected, index % 3 != 1);
        }
    }
}

/// `r` or `s` of zero, of `n` or above, and every byte 0xff are refused.
#[test]
fn out_of_range_scalars_are_refused() {
    for curve in 0..4 {
        let case = case(curve, &[0x33; 66]).unwrap();
        let valid = (case.sign)(b"m");
        let half = valid.len() / 2;
        let zero = vec![0u8; half];
        let all_ones = vec![0xffu8; half];
        for (r, s) in [
            (&zero[..], &valid[half..]),
            (&valid[..half], &zero[..]),
            (&all_ones[..], &valid[half..]),
            (&valid[..half], &all_ones[..]),
        ] {
            let signature = [r, s].concat();
            assert!(!verdict(&case, b"m", &signature), "{}", case.alg);
            assert!(!(case.reference)(b"m", &signature));
        }
        assert!(verdict(&case, b"m", &valid));
    }
}
