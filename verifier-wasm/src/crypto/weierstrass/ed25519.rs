//! Ed25519 verification (RFC 8032 section 5.1.7) computed on Wei25519, the short
//! Weierstrass form of the same curve.
//!
//! Why: curve25519-dalek's verification always runs 253 doublings, and was most of an
//! EdDSA verification's time in WebAssembly. On the Weierstrass form, `[s]B - [k]A` is the
//! ECDSA code's `u1*G + u2*Q`: fixed-base tables for `B` and, once a key is in use, for
//! `A`, so only mixed additions. Edwards points come in and go out through the birational
//! maps `u = (1 + y) / (1 - y)`, `v = c u / x` (RFC 7748 section 4.1, with `c^2 = -(A + 2)`
//! making the Montgomery curve's `B` one) and `X = u + A/3`, `Y = v`. They are group
//! isomorphisms, so the point computed on either form is the same; the one point they
//! leave out, the Edwards `(0, -1)` of order 2, is the Weierstrass point with `Y = 0`.
//!
//! The verdicts are those of `ed25519-dalek`'s `verify_strict`, its reference in the
//! tests: canonical `s` and key encoding, no small-order key or `R`, and the cofactorless
//! equation, checked as `encode([s]B - [k]A) == R`. That comparison also refuses every
//! non-canonical `R` without decompressing it.

use std::sync::OnceLock;

use sha2::{Digest as _, Sha512};

use super::curves::{hex_bytes, wei25519};
use super::field::{Element, is_zero};
use super::point::{Affine, Jacobian};
use super::{Curve, PreparedKey, montgomery};

/// The canonical encodings of the eight points of small order (a test checks them
/// against curve25519-dalek's `EIGHT_TORSION`).
const SMALL_ORDER_ENCODINGS: [[u8; 32]; 8] = {
    let mut encodings = [[0u8; 32]; 8];
    // The identity (0, 1) and the point of order 2, (0, -1).
    encodings[0][0] = 1;
    encodings[1] = [0xff; 32];
    encodings[1][0] = 0xec;
    encodings[1][31] = 0x7f;
    // The two points of order 4, (±sqrt(-1), 0).
    encodings[3][31] = 0x80;
    // The four of order 8, with y and p - y.
    encodings[4] = ORDER_EIGHT_Y;
    encodings[5] = ORDER_EIGHT_Y;
    encodings[5][31] |= 0x80;
    let mut index = 0;
    let mut borrow = 0u16;
    while index < 32 {
        // p - y, byte by byte; p = 2^255 - 19 is ed ff .. ff 7f little-endian.
        let p_byte: u16 = match index {
            0 => 0xed,
            31 => 0x7f,
            _ => 0xff,
        };
        let difference = p_byte.wrapping_sub(ORDER_EIGHT_Y[index] as u16 + borrow);
        encodings[6][index] = difference as u8;
        borrow = (difference >> 8) & 1;
        index += 1;
    }
    encodings[7] = encodings[6];
    encodings[7][31] |= 0x80;
    encodings
};

/// `y` of the points of order 8 (either sign of x), little-endian.
const ORDER_EIGHT_Y: [u8; 32] = [
    0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
    0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05,
];

/// Why a key encoding is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRejection {
    /// No point of the curve has this `y` (or this `y` and sign).
    NotAPoint,
    /// A point, but spelled with `y >= p` or with the sign bit set on `x = 0`.
    NotCanonical,
    /// One of the eight points of small order.
    SmallOrder,
}

/// Curve25519's constants for the maps, in Montgomery form in the field of `p = 2^255-19`.
#[derive(Debug)]
pub struct Edwards25519 {
    curve: &'static Curve<8>,
    /// Edwards `d = -121665 / 121666`.
    d: Element<8>,
    /// `A/3` for the Montgomery `A = 486662`: `X = u + A/3`.
    a_third: Element<8>,
    /// `c = sqrt(-486664)`, the root chosen even: `Y = v = c u / x`.
    c: Element<8>,
    sqrt_minus_one: Element<8>,
    /// `(p + 3) / 8`: `w^((p+3)/8)` is a square root of `w` or of `-w` (`p = 5 mod 8`).
    root_exponent: [u32; 8],
}

pub fn edwards25519() -> &'static Edwards25519 {
    static CONSTANTS: OnceLock<Edwards25519> = OnceLock::new();
    CONSTANTS.get_or_init(|| {
        let curve = wei25519();
        let element = |hex: &str| {
            curve
                .arithmetic
                .field
                .element(&hex_bytes(hex))
                .expect("the constants are below p")
        };
        let mut root_exponent = [0u32; 8];
        montgomery::limbs_from_be(
            &hex_bytes("0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"),
            &mut root_exponent,
        );
        Edwards25519 {
            curve,
            d: element("52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3"),
            a_third: element("2aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaad2451"),
            c: element("0f26edf460a006bbd27b08dc03fc4f7ec5a1d3d14b7d1a82cc6e04aaff457e06"),
            sqrt_minus_one: element(
                "2b8324804fc1df0b2b4d00993dfbd7a72f431806ad2fe478c4ee1b274a0ea0b0",
            ),
            root_exponent,
        }
    })
}

impl Edwards25519 {
    /// A public key from its 32-byte encoding: canonical, and not of small order.
    pub fn prepare(&self, encoding: &[u8; 32]) -> Result<PreparedKey<8>, KeyRejection> {
        let (point, canonical) = self.decode(encoding).ok_or(KeyRejection::NotAPoint)?;
        if !canonical {
            return Err(KeyRejection::NotCanonical);
        }
        // Canonical, so its encoding is the small-order point's own one if it is one.
        if SMALL_ORDER_ENCODINGS.contains(encoding) {
            return Err(KeyRejection::SmallOrder);
        }
        // -A, not A: the equation needs `[s]B - [k]A`, and `[L - k]A` is not `-[k]A` when
        // A has a small-order component (L is 5 mod 8), so the minus goes on the point.
        let point = self.curve.arithmetic.negate(&self.to_weierstrass(&point));
        Ok(PreparedKey {
            point,
            usage: Default::default(),
        })
    }

    /// Strict verification of a 64-byte `R || s` signature by the key `key` (from
    /// [`Self::prepare`]), whose encoding is `key_encoding` (hashed with `R` and the
    /// message into `k`).
    pub fn verify(
        &self,
        key: &PreparedKey<8>,
        key_encoding: &[u8; 32],
        message: &[u8],
        signature: &[u8],
    ) -> bool {
        let Ok(signature) = <&[u8; 64]>::try_from(signature) else {
            return false;
        };
        let (r, s) = signature.split_at(32);
        if SMALL_ORDER_ENCODINGS.iter().any(|encoding| encoding == r) {
            return false;
        }
        let Some(s) = self.curve.scalars.plain_element(&reversed(s)) else {
            return false;
        };
        let digest = Sha512::new()
            .chain_update(r)
            .chain_update(key_encoding)
            .chain_update(message)
            .finalize();
        let k = self.scalar_from_wide(&digest);
        self.curve
            .linear_combination(key, &s, &k)
            .and_then(|sum| self.encode(&sum))
            .is_some_and(|encoding| encoding == r)
    }

    /// The Edwards point `(x, y)` an encoding names, Montgomery form, and whether the
    /// encoding is canonical; `None` if no point has that `y` (RFC 8032 section 5.1.3,
    /// with `y` reduced modulo `p` as curve25519-dalek does, so that the non-canonical
    /// spellings of a point are told apart from non-points).
    fn decode(&self, encoding: &[u8; 32]) -> Option<(Affine<8>, bool)> {
        let field = &self.curve.arithmetic.field;
        let x_is_odd = encoding[31] >> 7 == 1;
        let mut y_bytes = *encoding;
        y_bytes[31] &= 0x7f;
        let mut y = [0u32; 8];
        montgomery::limbs_from_be(&reversed(&y_bytes), &mut y);
        let y_below_p = montgomery::less_than(&y, field.modulus());
        if !y_below_p {
            // y < 2^255 < 2p: one subtraction reduces it.
            montgomery::subtract(&mut y, field.modulus());
        }
        let y = field.montgomery_form(&y);
        // x^2 = (y^2 - 1) / (d y^2 + 1); the denominator is never zero (d is no square).
        let yy = field.square(&y);
        let numerator = field.sub(&yy, &field.one());
        let denominator = field.add(&field.mul(&self.d, &yy), &field.one());
        let mut x = self.sqrt(&field.mul(&numerator, &field.invert(&denominator)))?;
        if is_odd(field, &x) != x_is_odd {
            x = field.negate(&x);
        }
        let canonical = y_below_p && !(is_zero(&x) && x_is_odd);
        Some((Affine { x, y }, canonical))
    }

    /// A square root modulo `p = 5 mod 8`: `w^((p+3)/8)`, times `sqrt(-1)` when that
    /// squares to `-w`; `None` if `w` is no square.
    fn sqrt(&self, w: &Element<8>) -> Option<Element<8>> {
        let field = &self.curve.arithmetic.field;
        let root = field.pow(w, &self.root_exponent);
        let square = field.square(&root);
        if square == *w {
            Some(root)
        } else if square == field.negate(w) {
            Some(field.mul(&root, &self.sqrt_minus_one))
        } else {
            None
        }
    }

    /// The Weierstrass image of an Edwards point with `x != 0` (so `y != ±1`; the points
    /// with `x = 0` have small order and are refused before this).
    fn to_weierstrass(&self, point: &Affine<8>) -> Affine<8> {
        let field = &self.curve.arithmetic.field;
        let one_minus_y = field.sub(&field.one(), &point.y);
        // One inversion for both 1 / (1 - y) and 1 / x.
        let inverse = field.invert(&field.mul(&one_minus_y, &point.x));
        let u = field.mul(
            &field.add(&field.one(), &point.y),
            &field.mul(&point.x, &inverse),
        );
        let v = field.mul(&field.mul(&self.c, &u), &field.mul(&one_minus_y, &inverse));
        Affine {
            x: field.add(&u, &self.a_third),
            y: v,
        }
    }

    /// The Edwards encoding of a Weierstrass point: with `D = X - (A/3) Z^2` (so
    /// `u = D / Z^2`), `y = (u - 1) / (u + 1) = (D - Z^2) / (D + Z^2)` and
    /// `x = c u / v = c D Z / Y`, from one inversion. `None` never happens for a point of
    /// the curve (`u = -1` has no point); it stands for "no encoding".
    fn encode(&self, point: &Jacobian<8>) -> Option<[u8; 32]> {
        if point.is_identity() {
            return Some(SMALL_ORDER_ENCODINGS[0]);
        }
        if is_zero(&point.y) {
            // Y = 0 only at u = 0 on this curve: the Edwards point (0, -1).
            return Some(SMALL_ORDER_ENCODINGS[1]);
        }
        let field = &self.curve.arithmetic.field;
        let zz = field.square(&point.z);
        let u_zz = field.sub(&point.x, &field.mul(&self.a_third, &zz));
        let u_plus_one_zz = field.add(&u_zz, &zz);
        if is_zero(&u_plus_one_zz) {
            return None;
        }
        let inverse = field.invert(&field.mul(&u_plus_one_zz, &point.y));
        let y = field.mul(&field.sub(&u_zz, &zz), &field.mul(&point.y, &inverse));
        let x = field.mul(
            &field.mul(&self.c, &field.mul(&u_zz, &point.z)),
            &field.mul(&u_plus_one_zz, &inverse),
        );
        let mut encoding: [u8; 32] = reversed(&field.to_be_bytes(&y, 32))
            .try_into()
            .expect("32 bytes");
        encoding[31] |= u8::from(is_odd(field, &x)) << 7;
        Some(encoding)
    }

    /// A 64-byte little-endian integer (a SHA-512 digest) modulo the group order `L`:
    /// `low + high * 2^256` with `R = 2^256` the scalars' Montgomery radix, so the
    /// Montgomery form of `high * 2^256` is `high * R^2`, two conversions of `high`.
    /// The conversions take any value below `2^256`, not only those below `L`.
    fn scalar_from_wide(&self, bytes: &[u8]) -> [u32; 8] {
        let scalars = &self.curve.scalars;
        let half = |bytes: &[u8]| {
            let mut limbs = [0u32; 8];
            montgomery::limbs_from_be(&reversed(bytes), &mut limbs);
            limbs
        };
        let (low, high) = bytes.split_at(32);
        let low = scalars.montgomery_form(&half(low));
        let high = scalars.montgomery_form(&scalars.montgomery_form(&half(high)));
        let mut one = [0u32; 8];
        one[0] = 1;
        // A Montgomery value times a plain one is plain.
        scalars.mul(&scalars.add(&low, &high), &one)
    }
}

fn is_odd(field: &super::field::Field<8>, a: &Element<8>) -> bool {
    field.to_be_bytes(a, 32)[31] & 1 == 1
}

fn reversed(bytes: &[u8]) -> Vec<u8> {
    bytes.iter().rev().copied().collect()
}

#[cfg(test)]
mod tests {
    use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
    use curve25519_dalek::{EdwardsPoint, Scalar};

    use super::*;

    fn small(value: u32) -> Element<8> {
        let mut plain = [0u32; 8];
        plain[0] = value;
        edwards25519()
            .curve
            .arithmetic
            .field
            .montgomery_form(&plain)
    }

    /// Points of the prime-order subgroup and of every coset: `k B + T`.
    fn sample_points() -> Vec<EdwardsPoint> {
        (1u64..40)
            .map(|seed| {
                let scalar = Scalar::from(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
                ED25519_BASEPOINT_POINT * scalar + EIGHT_TORSION[seed as usize % 8]
            })
            .collect()
    }

    #[test]
    fn constants_are_what_they_claim() {
        let constants = edwards25519();
        let field = &constants.curve.arithmetic.field;
        let square = |a: &Element<8>| field.square(a);
        assert_eq!(square(&constants.c), field.negate(&small(486_664)));
        assert_eq!(
            square(&constants.sqrt_minus_one),
            field.negate(&field.one())
        );
        assert_eq!(
            field.mul(&constants.d, &small(121_666)),
            field.negate(&small(121_665))
        );
        assert_eq!(
            field.mul(&constants.a_third, &small(3)),
            small(486_662),
            "A/3"
        );
    }

    #[test]
    fn small_order_encodings_are_the_eight_torsion_points() {
        let mut theirs: Vec<[u8; 32]> = EIGHT_TORSION
            .iter()
            .map(|point| point.compress().to_bytes())
            .collect();
        let mut ours = SMALL_ORDER_ENCODINGS.to_vec();
        theirs.sort();
        ours.sort();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn the_base_point_maps_to_the_generator() {
        let constants = edwards25519();
        let key = constants
            .prepare(ED25519_BASEPOINT_POINT.compress().as_bytes())
            .expect("B is a valid key");
        let arithmetic = &constants.curve.arithmetic;
        assert_eq!(
            arithmetic.negate(&key.point),
            constants.curve.generator_point,
            "the key is kept negated"
        );
        let generator = arithmetic.jacobian(&constants.curve.generator_point);
        assert_eq!(
            constants.encode(&generator),
            Some(ED25519_BASEPOINT_POINT.compress().to_bytes())
        );
    }

    #[test]
    fn points_of_every_coset_round_trip_and_lie_on_the_curve() {
        let constants = edwards25519();
        let arithmetic = &constants.curve.arithmetic;
        for point in sample_points() {
            let encoding = point.compress().to_bytes();
            let (edwards, canonical) = constants.decode(&encoding).expect("a point");
            assert!(canonical);
            let weierstrass = constants.to_weierstrass(&edwards);
            assert_eq!(
                arithmetic.field.square(&weierstrass.y),
                constants.curve.right_hand_side(&weierstrass.x),
                "the image is on Wei25519"
            );
            // Through Jacobian coordinates with Z != 1, as sums come out.
            let doubled = arithmetic.double(&arithmetic.jacobian(&weierstrass));
            assert_eq!(
                constants.encode(&doubled),
                Some((point + point).compress().to_bytes())
            );
            assert_eq!(
                constants.encode(&arithmetic.jacobian(&weierstrass)),
                Some(encoding)
            );
        }
        // The small-order points have no Weierstrass image here but do have encodings.
        let arithmetic = &constants.curve.arithmetic;
        assert_eq!(
            constants.encode(&Jacobian::IDENTITY),
            Some(EdwardsPoint::default().compress().to_bytes())
        );
        let order_four = constants
            .decode(&EIGHT_TORSION[2].compress().to_bytes())
            .expect("a point")
            .0;
        let order_two =
            arithmetic.double(&arithmetic.jacobian(&constants.to_weierstrass(&order_four)));
        assert_eq!(
            constants.encode(&order_two),
            Some(EIGHT_TORSION[4].compress().to_bytes())
        );
    }

    #[test]
    fn keys_are_refused_like_curve25519_dalek_refuses_them() {
        let constants = edwards25519();
        // y = p + 1: the point y = 1 (the identity) spelled with y >= p.
        let mut identity_above_p = [0xff; 32];
        identity_above_p[0] = 0xee;
        identity_above_p[31] = 0x7f;
        assert_eq!(
            constants.prepare(&identity_above_p).err(),
            Some(KeyRejection::NotCanonical)
        );
        // x = 0 with the sign bit set: the identity again.
        let mut negative_zero = SMALL_ORDER_ENCODINGS[0];
        negative_zero[31] |= 0x80;
        assert_eq!(
            constants.prepare(&negative_zero).err(),
            Some(KeyRejection::NotCanonical)
        );
        for encoding in SMALL_ORDER_ENCODINGS {
            assert_eq!(
                constants.prepare(&encoding).err(),
                Some(KeyRejection::SmallOrder)
            );
        }
        // y = 2 is on no point (x^2 = 3 / (4d + 1) is no square), as dalek agrees.
        let mut two = [0u8; 32];
        two[0] = 2;
        assert!(
            curve25519_dalek::edwards::CompressedEdwardsY(two)
                .decompress()
                .is_none()
        );
        assert_eq!(constants.prepare(&two).err(), Some(KeyRejection::NotAPoint));
        let decompressible = (0u8..=255)
            .map(|low| {
                let mut encoding = [0x55u8; 32];
                encoding[0] = low;
                encoding
            })
            .filter(|encoding| {
                let theirs = curve25519_dalek::edwards::CompressedEdwardsY(*encoding)
                    .decompress()
                    .is_some();
                assert_eq!(
                    constants.decode(encoding).is_some(),
                    theirs,
                    "{encoding:x?}"
                );
                theirs
            })
            .count();
        assert!(decompressible > 64, "about half of all y are points");
    }

    #[test]
    fn wide_scalars_reduce_like_curve25519_dalek() {
        let constants = edwards25519();
        let mut inputs = vec![[0u8; 64], [0xff; 64]];
        for seed in 1..60u64 {
            inputs.push(core::array::from_fn(|index| {
                (seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (index % 57)) as u8 ^ index as u8
            }));
        }
        for input in inputs {
            let expected = Scalar::from_bytes_mod_order_wide(&input).to_bytes();
            let ours = constants.scalar_from_wide(&input);
            let bytes = reversed(&montgomery::be_from_limbs(&ours, 32));
            assert_eq!(bytes, expected, "{input:x?}");
        }
    }
}
