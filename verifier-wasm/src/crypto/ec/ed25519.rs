//! Ed25519 verification (RFC 8032 section 5.1.7) on the ECDSA code's fixed-base tables.
//!
//! Why: curve25519-dalek's verification always runs 253 doublings, and was most of an
//! EdDSA verification's time in WebAssembly. Here `[s]B - [k]A` is `u1*G + u2*Q` with
//! fixed-base tables for `B` and, once a key is in use, for `-A` ([`super::fixed_base`]),
//! so only mixed additions, on the curve's own twisted Edwards form ([`super::edwards`]).
//!
//! The verdicts are those of `ed25519-dalek`'s `verify_strict`, its reference in the
//! tests: canonical `s` and key encoding, no small-order key or `R`, and the cofactorless
//! equation, checked as `encode([s]B - [k]A) == R`. That comparison also refuses every
//! non-canonical `R` without decompressing it.

use std::sync::OnceLock;

use sha2::{Digest as _, Sha512};

use super::edwards::{Edwards, Extended};
use super::field::{Element, Field, hex_bytes, is_zero};
use super::fixed_base::{FixedBase, PublicPoint};
use crate::crypto::montgomery;

/// A public key: the point `-A` (see [`Edwards25519::prepare`]).
pub type Ed25519Point = PublicPoint<Edwards>;

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

/// Ed25519's group, base point tables, scalars and the constants of its encoding, in the
/// field's form (plain residues).
#[derive(Debug)]
pub struct Edwards25519 {
    group: Edwards,
    base: FixedBase<Edwards>,
    /// Integers modulo the group order `L`.
    scalars: Field<8>,
    sqrt_minus_one: Element<8>,
    /// `(p + 3) / 8`: `w^((p+3)/8)` is a square root of `w` or of `-w` (`p = 5 mod 8`).
    root_exponent: [u32; 8],
}

/// Bits of `L = 2^252 + 27742317777372353535851937790883648493`.
const ORDER_BITS: usize = 253;

pub fn edwards25519() -> &'static Edwards25519 {
    static CONSTANTS: OnceLock<Edwards25519> = OnceLock::new();
    CONSTANTS.get_or_init(|| {
        let limbs = |hex: &str| {
            let mut limbs = [0u32; 8];
            assert!(montgomery::limbs_from_be(&hex_bytes(hex), &mut limbs));
            limbs
        };
        // d = -121665 / 121666.
        let group = Edwards::new(limbs(
            "52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3",
        ));
        // The base point (RFC 8032 section 5.1): y = 4/5 and x even.
        let base_point = group.entry(
            &limbs("216936d3cd6e53fec0a4e231fdd6dc5c692cc7609525a7b2c9562d608f25d51a"),
            &limbs("6666666666666666666666666666666666666666666666666666666666666658"),
        );
        Edwards25519 {
            // Window bits as for P-256 (see `curves::Parameters`): 8 and 7 instead of 7
            // and 6 made EdDSA 11% faster (`compare.mjs` 0.888x), for 18 ms instead of
            // 12.5 on the first key's third verification and 5.0 instead of 2.6-3.0 for
            // each further key's (`tables.mjs`).
            base: FixedBase::new(&group, base_point, ORDER_BITS, (8, 7)),
            group,
            scalars: Field::new(limbs(
                "1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed",
            )),
            sqrt_minus_one: limbs(
                "2b8324804fc1df0b2b4d00993dfbd7a72f431806ad2fe478c4ee1b274a0ea0b0",
            ),
            root_exponent: limbs(
                "0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe",
            ),
        }
    })
}

impl Edwards25519 {
    /// A public key from its 32-byte encoding: canonical, and not of small order. The
    /// point kept is `-A`, the one the verification equation adds.
    pub fn prepare(&self, encoding: &[u8; 32]) -> Result<Ed25519Point, KeyRejection> {
        let ((x, y), canonical) = self.decode(encoding).ok_or(KeyRejection::NotAPoint)?;
        if !canonical {
            return Err(KeyRejection::NotCanonical);
        }
        // Canonical, so its encoding is the small-order point's own one if it is one.
        if SMALL_ORDER_ENCODINGS.contains(encoding) {
            return Err(KeyRejection::SmallOrder);
        }
        let minus_a = self.group.negate(&self.group.entry(&x, &y));
        Ok(PublicPoint::new(minus_a))
    }

    /// Strict verification of a 64-byte `R || s` signature by the key `key` (from
    /// [`Self::prepare`]), whose encoding is `key_encoding` (hashed with `R` and the
    /// message into `k`).
    pub fn verify(
        &self,
        key: &Ed25519Point,
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
        let Some(s) = self.scalars.plain_element(&reversed(s)) else {
            return false;
        };
        let digest = Sha512::new()
            .chain_update(r)
            .chain_update(key_encoding)
            .chain_update(message)
            .finalize();
        let k = self.scalar_from_wide(&digest);
        self.base
            .linear_combination(&self.group, key, &s, &k)
            .is_some_and(|sum| self.encode(&sum) == r)
    }

    /// The point `(x, y)` an encoding names, and whether the encoding is canonical; `None`
    /// if no point has that `y` (RFC 8032 section 5.1.3, with `y` reduced modulo `p` as
    /// curve25519-dalek does, so that the non-canonical spellings of a point are told
    /// apart from non-points).
    fn decode(&self, encoding: &[u8; 32]) -> Option<((Element<8>, Element<8>), bool)> {
        let field = &self.group.field;
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
        let denominator = field.add(&field.mul(&self.group.d, &yy), &field.one());
        let mut x = self.sqrt(&field.mul(&numerator, &field.invert(&denominator)))?;
        if is_odd(field, &x) != x_is_odd {
            x = field.negate(&x);
        }
        let canonical = y_below_p && !(is_zero(&x) && x_is_odd);
        Some(((x, y), canonical))
    }

    /// A square root modulo `p = 5 mod 8`: `w^((p+3)/8)`, times `sqrt(-1)` when that
    /// squares to `-w`; `None` if `w` is no square.
    fn sqrt(&self, w: &Element<8>) -> Option<Element<8>> {
        let field = &self.group.field;
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

    /// The encoding of a point: `y`, little-endian, with the parity of `x` on top.
    fn encode(&self, point: &Extended) -> [u8; 32] {
        let field = &self.group.field;
        let (x, y) = self.group.to_affine(point);
        let mut encoding: [u8; 32] = reversed(&field.to_be_bytes(&y, 32))
            .try_into()
            .expect("32 bytes");
        encoding[31] |= u8::from(is_odd(field, &x)) << 7;
        encoding
    }

    /// A 64-byte little-endian integer (a SHA-512 digest) modulo the group order `L`:
    /// `low + high * 2^256` with `R = 2^256` the scalars' Montgomery radix, so the
    /// Montgomery form of `high * 2^256` is `high * R^2`, two conversions of `high`.
    /// The conversions take any value below `2^256`, not only those below `L`.
    fn scalar_from_wide(&self, bytes: &[u8]) -> [u32; 8] {
        let scalars = &self.scalars;
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

fn is_odd(field: &Field<8>, a: &Element<8>) -> bool {
    field.to_be_bytes(a, 32)[31] & 1 == 1
}

fn reversed(bytes: &[u8]) -> Vec<u8> {
    bytes.iter().rev().copied().collect()
}

#[cfg(test)]
mod tests {
    use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
    use curve25519_dalek::{EdwardsPoint, Scalar};

    use super::super::table::Group;
    use super::*;

    fn small(value: u32) -> Element<8> {
        let mut plain = [0u32; 8];
        plain[0] = value;
        plain
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

    /// The point an encoding names, as the group's sum form (through an entry).
    fn lifted(constants: &Edwards25519, point: &EdwardsPoint) -> Extended {
        let ((x, y), canonical) = constants
            .decode(&point.compress().to_bytes())
            .expect("a point");
        assert!(canonical);
        constants.group.lift(&constants.group.entry(&x, &y))
    }

    #[test]
    fn constants_are_what_they_claim() {
        let constants = edwards25519();
        let field = &constants.group.field;
        assert_eq!(
            field.square(&constants.sqrt_minus_one),
            field.negate(&field.one())
        );
        assert_eq!(
            field.mul(&constants.group.d, &small(121_666)),
            field.negate(&small(121_665))
        );
        let mut order = [0u8; 32];
        order.copy_from_slice(&reversed(&montgomery::be_from_limbs(
            constants.scalars.modulus(),
            32,
        )));
        // dalek reduces it to zero, and it is below 2^253 < 2L: it is L.
        assert_eq!(Scalar::from_bytes_mod_order(order), Scalar::ZERO);
        assert_ne!(order, [0; 32]);
        assert_eq!(order[31], 0x10);
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
    fn the_base_point_is_curve25519_dalek_s() {
        let constants = edwards25519();
        let encoding = ED25519_BASEPOINT_POINT.compress().to_bytes();
        let ((x, y), _) = constants.decode(&encoding).expect("B is a point");
        assert_eq!(constants.group.entry(&x, &y), *constants.base.generator());
        let generator = constants.group.lift(constants.base.generator());
        assert_eq!(constants.encode(&generator), encoding);
        // The key kept for B is -B.
        let key = constants.prepare(&encoding).expect("B is a valid key");
        assert_eq!(
            key.point,
            constants.group.negate(constants.base.generator())
        );
    }

    #[test]
    fn the_group_law_matches_curve25519_dalek_on_every_coset() {
        let constants = edwards25519();
        let group = &constants.group;
        let points = sample_points();
        let encode = |point: &Extended| constants.encode(point);
        for pair in points.windows(2) {
            let (p, q) = (&pair[0], &pair[1]);
            let (lifted_p, lifted_q) = (lifted(constants, p), lifted(constants, q));
            assert_eq!(encode(&lifted_p), p.compress().to_bytes());
            assert_eq!(
                encode(&group.double(&lifted_p)),
                (p + p).compress().to_bytes()
            );
            assert_eq!(
                encode(&group.add(&lifted_p, &lifted_q)),
                (p + q).compress().to_bytes()
            );
            // Sums of a point in sum form (Z != 1 after a doubling) and an entry.
            let ((x, y), _) = constants.decode(&q.compress().to_bytes()).unwrap();
            let q_entry = group.entry(&x, &y);
            let doubled = group.double(&lifted_p);
            assert_eq!(
                encode(&group.add_entry(&doubled, &q_entry, false)),
                (p + p + q).compress().to_bytes()
            );
            assert_eq!(
                encode(&group.add_entry(&doubled, &q_entry, true)),
                (p + p - q).compress().to_bytes()
            );
            // The complete formulas need no special case for P + P and P - P.
            assert_eq!(
                encode(&group.add_entry(&lifted_q, &q_entry, false)),
                (q + q).compress().to_bytes()
            );
            assert_eq!(
                encode(&group.add_entry(&lifted_q, &q_entry, true)),
                EdwardsPoint::default().compress().to_bytes()
            );
            let entries = group
                .to_entries(&[doubled, lifted_q])
                .expect("points have entries");
            assert_eq!(
                encode(&group.lift(&entries[0])),
                (p + p).compress().to_bytes()
            );
            assert_eq!(entries[1], q_entry);
        }
        // The small-order points too, and the identity.
        for torsion in EIGHT_TORSION {
            let point = lifted(constants, &torsion);
            assert_eq!(
                encode(&group.double(&point)),
                (torsion + torsion).compress().to_bytes()
            );
        }
        assert_eq!(
            encode(&group.identity()),
            EdwardsPoint::default().compress().to_bytes()
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
