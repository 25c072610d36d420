//! The hand-written ECDSA arithmetic against the RustCrypto curve crates: any signature
//! bytes, any message, every ES* alg, the same verdict. The first byte picks the curve
//! and whether the key is fresh (its first verification: the small per-call tables) or
//! long-lived (its fixed-base table), or (bit 3) whether the rest is a public point to
//! decode, compared with the crates' decoding.
#![no_main]

use std::sync::OnceLock;

use kmsjwt_verify::crypto::EcPublicKey;
use kmsjwt_verify::{Alg, Curve, PublicKey};
use libfuzzer_sys::fuzz_target;
use p256::ecdsa::signature::Verifier as _;

struct Keys {
    p256: p256::ecdsa::VerifyingKey,
    p384: p384::ecdsa::VerifyingKey,
    p521: p521::ecdsa::VerifyingKey,
    k256: k256::ecdsa::VerifyingKey,
    ours: [PublicKey; 4],
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut secret = [0x42u8; 66];
        secret[0] = 1;
        let p256 = *p256::ecdsa::SigningKey::from_slice(&secret[..32]).unwrap().verifying_key();
        let p384 = *p384::ecdsa::SigningKey::from_slice(&secret[..48]).unwrap().verifying_key();
        let p521 = *p521::ecdsa::SigningKey::from_slice(&secret).unwrap().verifying_key();
        let k256 = *k256::ecdsa::SigningKey::from_slice(&secret[..32]).unwrap().verifying_key();
        let ours = [
            ours(Curve::P256, p256.to_sec1_point(false).as_bytes()),
            ours(Curve::P384, p384.to_sec1_point(false).as_bytes()),
            ours(Curve::P521, p521.to_sec1_point(false).as_bytes()),
            ours(Curve::Secp256k1, k256.to_sec1_point(false).as_bytes()),
        ];
        Keys { p256, p384, p521, k256, ours }
    })
}

fn ours(curve: Curve, point: &[u8]) -> PublicKey {
    PublicKey::Ec(EcPublicKey::from_sec1(curve, point).unwrap())
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let keys = keys();
    let curve = usize::from(selector) % 4;
    if selector & 8 != 0 {
        let reference = match curve {
            0 => p256::ecdsa::VerifyingKey::from_sec1_bytes(rest)
                .ok()
                .map(|key| key.to_sec1_point(false).as_bytes().to_vec()),
            1 => p384::ecdsa::VerifyingKey::from_sec1_bytes(rest)
                .ok()
                .map(|key| key.to_sec1_point(false).as_bytes().to_vec()),
            2 => p521::ecdsa::VerifyingKey::from_sec1_bytes(rest)
                .ok()
                .map(|key| key.to_sec1_point(false).as_bytes().to_vec()),
            _ => k256::ecdsa::VerifyingKey::from_sec1_bytes(rest)
                .ok()
                .map(|key| key.to_sec1_point(false).as_bytes().to_vec()),
        };
        let curve_name = [Curve::P256, Curve::P384, Curve::P521, Curve::Secp256k1][curve];
        let ours = EcPublicKey::from_sec1(curve_name, rest).ok().map(|key| {
            let (x, y) = key.coordinates();
            [&[4u8][..], &x, &y].concat()
        });
        // The crates also read "compact" (05) and "hybrid" (06, 07) points; kmsjwt does not.
        let reference = reference.filter(|_| !matches!(rest.first(), Some(5..=7)));
        assert_eq!(ours, reference);
        return;
    }
    let (alg, len) = [(Alg::ES256, 64), (Alg::ES384, 96), (Alg::ES512, 132), (Alg::ES256K, 64)][curve];
    let (signature, message) = rest.split_at(rest.len().min(len));
    let expected = match curve {
        0 => p256::ecdsa::Signature::from_slice(signature)
            .is_ok_and(|s| keys.p256.verify(message, &s).is_ok()),
        1 => p384::ecdsa::Signature::from_slice(signature)
            .is_ok_and(|s| keys.p384.verify(message, &s).is_ok()),
        2 => p521::ecdsa::Signature::from_slice(signature)
            .is_ok_and(|s| keys.p521.verify(message, &s).is_ok()),
        _ => k256::ecdsa::Signature::from_slice(signature)
            .is_ok_and(|s| keys.k256.verify(message, &s.normalize_s()).is_ok()),
    };
    let key = if selector & 4 != 0 {
        // A fresh copy: its first verification takes the small-table path.
        let PublicKey::Ec(key) = &keys.ours[curve] else { unreachable!() };
        let (x, y) = key.coordinates();
        let point = [&[4u8][..], &x, &y].concat();
        ours(key.curve(), &point)
    } else {
        keys.ours[curve].clone()
    };
    assert_eq!(key.verify(alg, message, signature), expected, "{alg}");
});
