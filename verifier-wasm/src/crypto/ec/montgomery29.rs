//! Montgomery arithmetic in 29-bit limbs for a prime `p = -1 mod 2^29` made of a few
//! signed powers of two (P-384's): elements in Montgomery form with `R = 2^(29 L)`, in
//! `L` limbs of 29 bits (one per `u32`, least significant first), every result fully
//! reduced.
//!
//! Why not 32-bit limbs: each of the 144 steps of P-384's 12-limb FIOS product chains
//! two carries into the next. With 29-bit limbs a column's products (at most `2L`, each
//! below `2^58`) add up in a 64-bit sum with no carry per product, so each row of the
//! product is `L` independent multiply-adds and one carry; `p = -1 mod 2^29` makes each
//! reduction digit its column's low bits, and `p`'s powers of two add `digit * p` as a
//! few shifted digits, with no multiplication. ES384 takes 0.73-0.76x the time
//! (`compare.mjs`). The elements stay in 29-bit limbs: converted from and to 32-bit limbs
//! around each product instead, ES384 took 0.93x. P-256 the same way (9 limbs) was 5%
//! faster, but made the `.wasm` 8 KB gzip larger: a second copy of the curve code, for 9
//! limbs besides secp256k1's and Ed25519's 8.

use super::mersenne521::{limbs_of_words, words_of_limbs};

const BITS: u32 = 29;
const MASK: u64 = (1 << BITS) - 1;

/// A prime `p = -1 mod 2^29` with `L` 29-bit limbs.
pub trait Prime<const L: usize> {
    /// `p` in 32-bit words, least significant first, zero above it.
    const WORDS: [u32; L];
    /// `p + 1` as signed powers of two, each `(column, shift, sign)` for
    /// `sign * 2^(29 * column + shift)`, column above 0 and shift below 29.
    const POWERS: &'static [(usize, u32, i64)];
    /// `p` in 29-bit limbs.
    const LIMBS29: [i64; L] = widened(limbs_of_words(&Self::WORDS));
}

/// P-384's `2^384 - 2^128 - 2^96 + 2^32 - 1`: `R = 2^406`.
pub struct P384;

impl P384 {
    pub const LIMBS: usize = 14;
}

impl Prime<{ P384::LIMBS }> for P384 {
    const WORDS: [u32; P384::LIMBS] = {
        let mut words = [u32::MAX; P384::LIMBS];
        (words[1], words[2], words[4], words[12], words[13]) = (0, 0, 0xffff_fffe, 0, 0);
        words
    };
    // 32 = 29 + 3, 96 = 3 * 29 + 9, 128 = 4 * 29 + 12, 384 = 13 * 29 + 7.
    const POWERS: &'static [(usize, u32, i64)] = &[(1, 3, 1), (3, 9, -1), (4, 12, -1), (13, 7, 1)];
}

const fn widened<const L: usize>(limbs: [u32; L]) -> [i64; L] {
    let mut wide = [0i64; L];
    let mut i = 0;
    while i < L {
        wide[i] = limbs[i] as i64;
        i += 1;
    }
    wide
}

/// `a * b / R mod p`.
// Inlined into its one caller per prime, the product `Field::montgomery29` installs: one
// copy, and no frame between the point arithmetic and the product.
#[inline(always)]
pub fn mul<P: Prime<L>, const L: usize>(a: &[u32; L], b: &[u32; L]) -> [u32; L] {
    let b = b.map(u64::from);
    // Operand scanning, as FIOS, with the carries left in the sums: before row `i`,
    // `sums[j]` holds what column `i + j` has so far. Signed, because the reduction
    // subtracts. A column gets at most `L <= 14` products of the inputs, each below 2^58,
    // one shifted digit per power of two (below 2^57 each) and a carry: |sum| < 2^63.
    let mut sums = [0i64; L];
    for a_i in a {
        for j in 0..L {
            sums[j] += (u64::from(*a_i) * b[j]) as i64;
        }
        // The digit that clears column i's 29 bits (`p = -1 mod 2^29`), times `p`: -1 at
        // this column, and `p + 1`'s powers of two above it.
        let digit = sums[0] & MASK as i64;
        for &(column, shift, sign) in P::POWERS {
            sums[column] += sign * (digit << shift);
        }
        // Column i is done: `sums[0] - digit` is its carry times 2^29. Element by element,
        // not `copy_within`, whose memmove kept the sums in memory (2x slower).
        let carry = sums[0] >> BITS;
        sums = core::array::from_fn(|j| match j {
            0 => sums[1] + carry,
            _ if j == L - 1 => 0,
            _ => sums[j + 1],
        });
    }
    // Columns L to 2L - 1: the sum divided by R, below 2p (a, b < p and the digits'
    // value below R), so the top limb carries nothing out.
    let sums = carried(sums);
    debug_assert_eq!(sums[L - 1] >> BITS, 0);
    subtract_prime_if_above(sums, &P::LIMBS29)
}

/// `a + b mod p`, for `p` in 29-bit limbs (`Prime::LIMBS29`).
// Called through `Field`: one copy per limb count, not one per call site.
#[inline(never)]
pub fn add<const L: usize>(a: &[u32; L], b: &[u32; L], p: &[i64; L]) -> [u32; L] {
    let sum = carried(core::array::from_fn(|i| i64::from(a[i]) + i64::from(b[i])));
    subtract_prime_if_above(sum, p)
}

/// `a - b mod p`, as `add`.
#[inline(never)]
pub fn sub<const L: usize>(a: &[u32; L], b: &[u32; L], p: &[i64; L]) -> [u32; L] {
    let difference = carried(core::array::from_fn(|i| i64::from(a[i]) - i64::from(b[i])));
    if difference[L - 1] < 0 {
        // Below zero: the top limb kept the borrow. Adding p brings it back to [0, p).
        let sum = carried(core::array::from_fn(|i| difference[i] + p[i]));
        return sum.map(|limb| limb as u32);
    }
    difference.map(|limb| limb as u32)
}

/// Limbs with every carry (or borrow) moved up: all but the top one in `[0, 2^29)`, the
/// top one keeping the sign.
#[inline(always)]
fn carried<const L: usize>(mut limbs: [i64; L]) -> [i64; L] {
    for i in 0..L - 1 {
        limbs[i + 1] += limbs[i] >> BITS;
        limbs[i] &= MASK as i64;
    }
    limbs
}

/// A value below `2p` in carried limbs, reduced below `p`.
#[inline(always)]
fn subtract_prime_if_above<const L: usize>(value: [i64; L], p: &[i64; L]) -> [u32; L] {
    let difference = carried(core::array::from_fn(|i| value[i] - p[i]));
    let chosen = if difference[L - 1] < 0 {
        value
    } else {
        difference
    };
    chosen.map(|limb| limb as u32)
}

/// A value in 32-bit words (below `2^(29 L)`) as 29-bit limbs.
pub fn from_words<const L: usize>(words: &[u32; L]) -> [u32; L] {
    limbs_of_words(words)
}

/// 29-bit limbs as 32-bit words.
pub fn to_words<const L: usize>(limbs: &[u32; L]) -> [u32; L] {
    words_of_limbs(limbs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::montgomery;

    /// `2^bits mod p` in 32-bit words.
    fn power_of_two<P: Prime<L>, const L: usize>(bits: usize) -> [u32; L] {
        let mut power = [0u32; L];
        power[0] = 1;
        for _ in 0..bits {
            montgomery::double_mod(&mut power, &P::WORDS);
        }
        power
    }

    /// Values below p: the ends (0, 1, 2, p - 1, p - 2, ...), powers of two and the
    /// values just below them at each limb boundary of both layouts, and pseudo-random
    /// ones.
    fn samples<P: Prime<L>, const L: usize>() -> Vec<[u32; L]> {
        let p = P::WORDS;
        let bits = montgomery::bit_length(&p);
        let mut values = vec![[0; L]];
        for small in [1u32, 2] {
            let mut value = [0; L];
            value[0] = small;
            values.push(value);
        }
        for below in [1u32, 2, 3, 0x8000_0000] {
            let mut value = p;
            value[0] -= below;
            values.push(value);
        }
        let one = power_of_two::<P, L>(0);
        for bit in (0..bits)
            .step_by(29)
            .chain((0..bits).step_by(32))
            .chain([bits - 1])
        {
            let mut power = [0u32; L];
            power[bit / 32] = 1 << (bit % 32);
            let mut below_power = power;
            montgomery::subtract(&mut below_power, &one);
            values.extend([power, below_power]);
        }
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..60 {
            let mut value = [0u32; L];
            for word in &mut value[..bits / 32] {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *word = state as u32;
            }
            values.push(value);
        }
        values.retain(|value| montgomery::less_than(value, &p));
        values
    }

    fn check<P: Prime<L>, const L: usize>() {
        let p = P::WORDS;
        assert_eq!(to_words(&P::LIMBS29.map(|limb| limb as u32)), p);
        // The powers of two are p + 1.
        let mut plus_one = [0u32; L];
        for &(column, shift, sign) in P::POWERS {
            let mut power = [0u32; L];
            let bit = 29 * column + shift as usize;
            power[bit / 32] = 1 << (bit % 32);
            match sign {
                1 => montgomery::add(&mut plus_one, &power),
                _ => montgomery::subtract(&mut plus_one, &power),
            };
        }
        let mut p_plus_one = p;
        montgomery::add(&mut p_plus_one, &power_of_two::<P, L>(0));
        assert_eq!(plus_one, p_plus_one);
        // `a R` times plain `b` is the plain `a b`; the reference is the generic
        // Montgomery product on 32-bit words (R = 2^(32 L)) twice.
        let r_squared = from_words(&power_of_two::<P, L>(2 * 29 * L));
        let n0 = montgomery::negated_inverse_mod_2_32(p[0]);
        let r32_squared = power_of_two::<P, L>(2 * 32 * L);
        let values = samples::<P, L>();
        for a in &values {
            assert_eq!(to_words(&from_words(a)), *a);
            let a_montgomery = mul::<P, L>(&from_words(a), &r_squared);
            for b in &values {
                let (x, y) = (from_words(a), from_words(b));
                let product = montgomery::mul_fixed(&p, n0, a, b);
                let product = montgomery::mul_fixed(&p, n0, &product, &r32_squared);
                assert_eq!(
                    to_words(&mul::<P, L>(&a_montgomery, &y)),
                    product,
                    "{a:x?} * {b:x?}"
                );
                let mut sum = *a;
                montgomery::add(&mut sum, b);
                if !montgomery::less_than(&sum, &p) {
                    montgomery::subtract(&mut sum, &p);
                }
                assert_eq!(to_words(&add(&x, &y, &P::LIMBS29)), sum, "{a:x?} + {b:x?}");
                let mut difference = *a;
                montgomery::subtract_mod(&mut difference, b, &p);
                assert_eq!(
                    to_words(&sub(&x, &y, &P::LIMBS29)),
                    difference,
                    "{a:x?} - {b:x?}"
                );
            }
        }
    }

    #[test]
    fn p384_operations_match_the_generic_montgomery_reference() {
        check::<P384, { P384::LIMBS }>();
    }
}
