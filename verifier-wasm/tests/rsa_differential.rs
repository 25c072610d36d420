//! The hand-written RSA public operation against the `rsa` crate, its reference: both
//! must give the same verdict on valid signatures, corrupted ones and random bytes, for
//! PKCS#1 v1.5 and PSS with every hash. (Wycheproof runs through it in wycheproof.rs.)

mod common;

use kmsjwt_verify::{Alg, HashAlg, PublicKey};
use proptest::prelude::*;
use rsa::BoxedUint;

struct Pair {
    ours: PublicKey,
    reference: rsa::PublicKey,
}

fn pair() -> Pair {
    let keys = common::public_keys(Alg::RS256);
    let ours = keys.keys().next().unwrap().key.clone();
    let PublicKey::Rsa(rsa_key) = &ours else {
        panic!("RSA key")
    };
    let (n, e) = (rsa_key.modulus(), rsa_key.exponent());
    let reference = rsa::PublicKey::new(
        BoxedUint::from_be_slice(&n, (n.len() * 8) as u32).unwrap(),
        BoxedUint::from_be_slice(&e, (e.len() * 8) as u32).unwrap(),
    )
    .unwrap();
    Pair { ours, reference }
}

fn reference_verdict(key: &rsa::PublicKey, alg: Alg, message: &[u8], signature: &[u8]) -> bool {
    use sha2::{Sha256, Sha384, Sha512};
    match (alg.name().starts_with("PS"), alg.hash().unwrap()) {
        (false, HashAlg::Sha256) => key.pkcs1v15_verify::<Sha256>(message, signature),
        (false, HashAlg::Sha384) => key.pkcs1v15_verify::<Sha384>(message, signature),
        (false, HashAlg::Sha512) => key.pkcs1v15_verify::<Sha512>(message, signature),
        (true, HashAlg::Sha256) => key.pss_verify::<Sha256>(message, signature),
        (true, HashAlg::Sha384) => key.pss_verify::<Sha384>(message, signature),
        (true, HashAlg::Sha512) => key.pss_verify::<Sha512>(message, signature),
    }
    .is_ok()
}

const ALGS: [Alg; 6] = [
    Alg::RS256,
    Alg::RS384,
    Alg::RS512,
    Alg::PS256,
    Alg::PS384,
    Alg::PS512,
];

proptest! {
    #![proptest_config(common::proptest_cases(96))]

    #[test]
    fn same_verdict_as_the_rsa_crate(
        alg_index in 0usize..6,
        message in proptest::collection::vec(any::<u8>(), 0..300),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 0..3),
        swap_message in any::<bool>(),
    ) {
        let Pair { ours, reference } = pair();
        let alg = ALGS[alg_index];
        let mut signature = common::sign(alg, &message);
        for (index, mask) in &flips {
            let position = index.index(signature.len());
            signature[position] ^= mask;
        }
        let checked = if swap_message { b"another message".to_vec() } else { message.clone() };
        let expected = reference_verdict(&reference, alg, &checked, &signature);
        prop_assert_eq!(ours.verify(alg, &checked, &signature), expected);
        if flips.is_empty() && !swap_message {
            prop_assert!(expected, "an untouched signature verifies");
        }
    }

    #[test]
    fn random_signatures_agree(alg_index in 0usize..6, signature in proptest::collection::vec(any::<u8>(), 250..260)) {
        let Pair { ours, reference } = pair();
        let alg = ALGS[alg_index];
        prop_assert_eq!(
            ours.verify(alg, b"message", &signature),
            reference_verdict(&reference, alg, b"message", &signature)
        );
    }
}

/// An odd modulus of exactly `bits` bits: the top bit, then `random`'s bits, all ones or
/// all zeros below it: `n` just under `2^bits` or just over `2^(bits-1)` are the
/// extremes of `R^2 mod n`'s quotient estimate, and all ones makes every limb of `n - 1`
/// as large as it can be in the column sums.
fn odd_modulus(bits: usize, shape: u8, random: &[u8]) -> Vec<u8> {
    let len = bits.div_ceil(8);
    let mut n: Vec<u8> = match shape {
        0 => random.iter().cycle().take(len).copied().collect(),
        1 => vec![0xff; len],
        _ => vec![0; len],
    };
    n[0] &= 0xff >> (8 * len - bits);
    n[0] |= 0x80 >> (8 * len - bits);
    n[len - 1] |= 1;
    n
}

/// `s^e mod n` by the `rsa` crate, as `n.len()` big-endian bytes.
fn reference_public_operation(n: &[u8], e: u64, s: &[u8]) -> Vec<u8> {
    let precision = (n.len() * 8) as u32;
    let key = rsa::PublicKey::new_unchecked(
        BoxedUint::from_be_slice(n, precision).unwrap(),
        BoxedUint::from(e),
    );
    let m = rsa::hazmat::rsa_encrypt(&key, &BoxedUint::from_be_slice(s, precision).unwrap())
        .unwrap()
        .to_be_bytes();
    m[m.len() - n.len()..].to_vec()
}

proptest! {
    #![proptest_config(common::proptest_cases(32))]

    /// The public operation itself, on moduli no key file has: every size from 2048 to
    /// 8192 bits (each limb layout and the sizes between them), exponents 3, 65537 and
    /// any other, and signatures at the edges (`n - 1`, 2) or anywhere below `n`.
    #[test]
    fn public_operation_matches_the_rsa_crate_on_any_odd_modulus(
        bits in 2048usize..=8192,
        shape in 0u8..3,
        random in proptest::collection::vec(any::<u8>(), 64),
        exponent in prop_oneof![Just(3u64), Just(65537u64), (1u64..1 << 32).prop_map(|e| 2 * e + 1)],
        signature_shape in 0u8..3,
        signature_random in proptest::collection::vec(any::<u8>(), 1024),
    ) {
        let n = odd_modulus(bits, shape, &random);
        let key = kmsjwt_verify::crypto::RsaPublicKey::from_components(&n, &exponent.to_be_bytes())
            .expect("a valid public key");
        let signature = match signature_shape {
            0 => {
                let mut n_minus_1 = n.clone();
                *n_minus_1.last_mut().unwrap() -= 1;
                n_minus_1
            }
            1 => {
                let mut two = vec![0; n.len()];
                two[n.len() - 1] = 2;
                two
            }
            _ => {
                // Below n: a top byte under n's, the rest anything.
                let mut below = signature_random[..n.len()].to_vec();
                below[0] = n[0] - 1;
                below
            }
        };
        prop_assert_eq!(
            key.public_operation(&signature),
            Some(reference_public_operation(&n, exponent, &signature)),
            "{} bits, shape {}, e = {}", bits, shape, exponent
        );
    }
}

#[test]
fn signatures_at_and_above_the_modulus_are_refused() {
    let Pair { ours, reference } = pair();
    let PublicKey::Rsa(rsa_key) = &ours else {
        panic!("RSA key")
    };
    let n = rsa_key.modulus();
    let mut above = n.clone();
    *above.last_mut().unwrap() = above.last().unwrap().wrapping_add(1);
    for signature in [n.clone(), above, vec![0xff; n.len()], vec![0; n.len()]] {
        for alg in ALGS {
            assert!(!ours.verify(alg, b"m", &signature));
            assert!(!reference_verdict(&reference, alg, b"m", &signature));
        }
    }
}

/// Moduli between the compiled sizes (2304 bits, padded to 3072; 5120 bits, padded to
/// 6144): valid and corrupted signatures, same verdict as the `rsa` crate.
#[test]
fn moduli_between_the_compiled_sizes() {
    use pkcs8::DecodePrivateKey;
    use sha2::{Sha256, Sha512};
    for name in ["rsa2304", "rsa5120"] {
        let private = rsa::PrivateKey::from_pkcs8_pem(&common::read_key(&format!("{name}.pem")))
            .expect("test key");
        let public_pem = common::read_key(&format!("{name}.pub.pem"));
        let ours = kmsjwt_verify::KeySet::from_text(&public_pem)
            .expect("public key parses")
            .keys()
            .next()
            .unwrap()
            .key
            .clone();
        let reference = private.to_public_key();
        for (index, message) in [&b"first"[..], b"second", b""].into_iter().enumerate() {
            let signatures = [
                (
                    Alg::RS256,
                    private.pkcs1v15_sign::<Sha256>(message).unwrap(),
                ),
                (
                    Alg::RS512,
                    private.pkcs1v15_sign::<Sha512>(message).unwrap(),
                ),
                (Alg::PS256, private.pss_sign::<Sha256>(message).unwrap()),
            ];
            for (alg, mut signature) in signatures {
                assert!(ours.verify(alg, message, &signature), "{name} {alg}");
                let position = index * 7 % signature.len();
                signature[position] ^= 0x40;
                assert!(
                    !ours.verify(alg, message, &signature),
                    "{name} {alg} corrupted"
                );
                assert!(!reference_verdict(&reference, alg, message, &signature));
            }
        }
    }
}
