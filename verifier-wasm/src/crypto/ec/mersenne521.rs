//! Arithmetic modulo P-521's prime `p = 2^521 - 1`, on plain residues in 18 limbs of 29
//! bits (one per `u32`, least significant first), every result fully reduced.
//!
//! Why not Montgomery's 32-bit limbs like the other curves: with 29-bit limbs a product's
//! columns add up without a carry per step (18 products below `2^59` each fit a `u64`),
//! and the prime's shape turns the high half into a doubling: a product at bit
//! `29(i + 18)` is at `2^522 = 2 (mod p)` times bit `29i`. The product is a plain dot
//! product per column, where the 17-limb Montgomery product chained two carries through
//! each of its 289 steps. The product was 79% of an ES512 verification (CPU profile in
//! Node); in a standalone wasm build this one ran 1.5-1.7x faster in V8 (TurboFan), and
//! ES512 verifies 1.46x faster with it and 6-bit key tables (`compare.mjs`). The SIMD
//! build sums each column with `i64x2.extmul`, two products per instruction.

/// Limbs of an element.
pub const LIMBS: usize = 18;
const BITS: u32 = 29;
const MASK: u64 = (1 << BITS) - 1;
/// Bits the top limb holds: `521 - 29 * 17`.
const TOP_BITS: u32 = 28;
const TOP_MASK: u64 = (1 << TOP_BITS) - 1;

/// An element: 18 limbs below `2^29` (the top one below `2^28`), value below `p`.
pub type Limbs = [u32; LIMBS];

/// `a * b mod p`.
// Inlined into its one caller, the product `Field::mersenne521` installs: one copy, and no
// frame between the point arithmetic and the product.
#[cfg(not(target_feature = "simd128"))]
#[inline(always)]
pub fn mul(a: &Limbs, b: &Limbs) -> Limbs {
    // wrapped[LIMBS + d] is what b_d weighs in column i + d: b_d for d >= 0, and
    // 2 * b_(d + 18) for d < 0 (that product sits 522 bits above column i).
    let mut wrapped = [0u32; 2 * LIMBS];
    for k in 1..LIMBS {
        wrapped[k] = b[k] << 1;
    }
    wrapped[LIMBS..].copy_from_slice(b);
    // Each column takes the carry out of the one before as it is summed, which saves a
    // pass. (The same loop behind a closure that the SIMD product shares measured 4%
    // slower.)
    let mut limbs = [0u64; LIMBS];
    let mut carry = 0u64;
    for (i, limb) in limbs.iter_mut().enumerate() {
        // Below 18 * 2^29 * 2^30 + 2^35 < 2^64.
        let column: u64 = (0..LIMBS)
            .map(|j| u64::from(a[j]) * u64::from(wrapped[LIMBS + i - j]))
            .sum();
        let value = column + carry;
        *limb = value & MASK;
        carry = value >> BITS;
    }
    // The carry out of the top limb is at bit 522.
    limbs[0] += carry << 1;
    reduce_carried(limbs)
}

/// `a * b mod p`, as above with the columns summed by `i64x2.extmul`, four limb products
/// per two instructions: ES512 14-17% faster than with the scalar sums in the same build
/// (`compare.mjs`).
// Inlined into its one caller, as above.
#[cfg(target_feature = "simd128")]
#[inline(always)]
pub fn mul(a: &Limbs, b: &Limbs) -> Limbs {
    let columns = Columns::new(a, b);
    let mut limbs = [0u64; LIMBS];
    let mut carry = 0u64;
    for (i, limb) in limbs.iter_mut().enumerate() {
        let value = columns.sum(i) + carry;
        *limb = value & MASK;
        carry = value >> BITS;
    }
    limbs[0] += carry << 1;
    reduce_carried(limbs)
}

/// A product's column sums: column `i` is `sum(a_j * w_(i-j))` over the 18 limbs of `a`,
/// where `w_d` is what `b`'s limbs weigh at offset `d`: `b_d` for `d >= 0`, and
/// `2 * b_(d + 18)` for `d < 0` (that product sits 522 bits above column `i`).
#[cfg(target_feature = "simd128")]
struct Columns {
    /// `a`'s limbs and two zeros: five whole vectors.
    a: [u32; 20],
    /// `w_d` at `LIMBS - 1 - d`, most significant first, then zeros: column `i` reads
    /// it forwards from `LIMBS - 1 - i`, past its end where `a` is zero.
    reversed: [u32; 2 * LIMBS + 4],
}

#[cfg(target_feature = "simd128")]
impl Columns {
    #[inline(always)]
    fn new(a: &Limbs, b: &Limbs) -> Self {
        let mut padded = [0u32; 20];
        padded[..LIMBS].copy_from_slice(a);
        let mut reversed = [0u32; 2 * LIMBS + 4];
        for (d, limb) in b.iter().enumerate() {
            reversed[LIMBS - 1 - d] = *limb;
            if d > 0 {
                reversed[2 * LIMBS - 1 - d] = limb << 1;
            }
        }
        Columns {
            a: padded,
            reversed,
        }
    }

    #[inline(always)]
    fn sum(&self, i: usize) -> u64 {
        use crate::crypto::simd;
        use core::arch::wasm32::{
            u64x2, u64x2_add, u64x2_extmul_high_u32x4, u64x2_extmul_low_u32x4, u64x2_extract_lane,
        };
        let window = &self.reversed[LIMBS - 1 - i..];
        let (mut low, mut high) = (u64x2(0, 0), u64x2(0, 0));
        for group in 0..5 {
            // `a` is the same in every column: loaded in place, or LLVM turns the
            // products into `i64x2.mul`.
            let a = simd::load_in_place(&self.a[4 * group..]);
            let w = simd::load(&window[4 * group..]);
            low = u64x2_add(low, u64x2_extmul_low_u32x4(a, w));
            high = u64x2_add(high, u64x2_extmul_high_u32x4(a, w));
        }
        let sum = u64x2_add(low, high);
        u64x2_extract_lane::<0>(sum) + u64x2_extract_lane::<1>(sum)
    }
}

/// `a + b mod p`.
// Called through `Field`, for P-521 only: one copy each, not one per call site.
#[inline(never)]
pub fn add(a: &Limbs, b: &Limbs) -> Limbs {
    reduce(core::array::from_fn(|i| u64::from(a[i]) + u64::from(b[i])))
}

/// `a - b mod p`, as `a + 2p - b`: every limb of `2p` (`2^30 - 2`, the top one
/// `2^29 - 2`) is at least the same limb of `b`, so no limb goes negative.
// Called through `Field`, for P-521 only: one copy each, not one per call site.
#[inline(never)]
pub fn sub(a: &Limbs, b: &Limbs) -> Limbs {
    reduce(core::array::from_fn(|i| {
        let twice_p = if i == LIMBS - 1 {
            2 * TOP_MASK
        } else {
            2 * MASK
        };
        u64::from(a[i]) + twice_p - u64::from(b[i])
    }))
}

/// A product's limbs, every one below `2^29` but the first (below `2^37`), to the fully
/// reduced element. Variable-time, like everything here: the carry out of limb 0 mostly
/// stops after a limb or two, where the two whole carry passes it replaces ran 36 steps
/// one after another (they were a quarter of an ES512 verification in a CPU profile).
// Inlined into the product, the sum and the difference in the SIMD build (ES512 0.86x the
// time, against 0.91x with one copy for all three, `compare.mjs`); one copy in the
// baseline build, which inlined would pass 150 KB gzip (150 478 bytes).
#[cfg_attr(target_feature = "simd128", inline(always))]
#[cfg_attr(not(target_feature = "simd128"), inline(never))]
fn reduce_carried(mut limbs: [u64; LIMBS]) -> Limbs {
    loop {
        // Bit 521 and above back onto bit 0 (`2^521 = 1 mod p`), then the carries up from
        // limb 0 as far as they go: the limbs above stay below `2^29`.
        let above = limbs[LIMBS - 1] >> TOP_BITS;
        limbs[LIMBS - 1] &= TOP_MASK;
        limbs[0] += above;
        let mut i = 0;
        while i < LIMBS - 1 && limbs[i] > MASK {
            limbs[i + 1] += limbs[i] >> BITS;
            limbs[i] &= MASK;
            i += 1;
        }
        // A carry all the way into the top limb may pass bit 521 again, once at most:
        // the value is then below `2^521 + 2^38`, and after the fold below `2^38`.
        if limbs[LIMBS - 1] <= TOP_MASK {
            break;
        }
    }
    canonical(limbs)
}

/// Limbs of any size below `2^63` each, to the fully reduced element: one carry pass
/// (each limb below `2^29` after it, and what leaves the top limb, at bit 522, back onto
/// limb 0 as twice as much), then as after a product.
// Out of line: one copy for the sum and the difference.
#[inline(never)]
fn reduce(mut limbs: [u64; LIMBS]) -> Limbs {
    let mut carry = 0u64;
    for limb in limbs.iter_mut() {
        let value = *limb + carry;
        *limb = value & MASK;
        carry = value >> BITS;
    }
    limbs[0] += carry << 1;
    reduce_carried(limbs)
}

/// Carried limbs of a value below `2^521` to the element: `p` itself (every bit set) is
/// the only value left to map to 0.
#[inline(always)]
fn canonical(limbs: [u64; LIMBS]) -> Limbs {
    let is_p = limbs[..LIMBS - 1].iter().all(|limb| *limb == MASK) && limbs[LIMBS - 1] == TOP_MASK;
    if is_p {
        return [0; LIMBS];
    }
    limbs.map(|limb| limb as u32)
}

/// A value below `p` in 32-bit limbs (all bits used, least significant first) as an
/// element.
pub fn from_words(words: &[u32; LIMBS]) -> Limbs {
    limbs_of_words(words)
}

/// A value in `W` 32-bit limbs as `L` limbs of 29 bits, both least significant first;
/// bits past the `L` limbs are dropped. A `const fn` so that constants can be split too.
#[inline(always)]
pub const fn limbs_of_words<const W: usize, const L: usize>(words: &[u32; W]) -> [u32; L] {
    let mut limbs = [0u32; L];
    let mut i = 0;
    while i < L {
        let (word, shift) = ((BITS as usize * i) / 32, (BITS as usize * i) % 32);
        let low = if word < W { words[word] as u64 } else { 0 } >> shift;
        let high = if word + 1 < W {
            (words[word + 1] as u64) << (32 - shift)
        } else {
            0
        };
        limbs[i] = ((low | high) & MASK) as u32;
        i += 1;
    }
    limbs
}

/// An element in 32-bit limbs, all bits used (the top limb is zero).
pub fn to_words(limbs: &Limbs) -> [u32; LIMBS] {
    words_of_limbs(limbs)
}

/// `L` limbs of 29 bits as `W` 32-bit limbs, both least significant first; bits past the
/// `W` words are dropped.
pub fn words_of_limbs<const L: usize, const W: usize>(limbs: &[u32; L]) -> [u32; W] {
    let mut words = [0u32; W];
    let mut buffer = 0u64;
    let mut buffered = 0;
    let mut out = words.iter_mut();
    for limb in limbs {
        buffer |= u64::from(*limb) << buffered;
        buffered += BITS;
        if buffered >= 32 {
            if let Some(word) = out.next() {
                *word = buffer as u32;
            }
            buffer >>= 32;
            buffered -= 32;
        }
    }
    if let Some(word) = out.next() {
        *word = buffer as u32;
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::montgomery;

    /// p in 32-bit words.
    fn p_words() -> [u32; LIMBS] {
        let mut p = [u32::MAX; LIMBS];
        (p[16], p[17]) = (0x1ff, 0);
        p
    }

    /// The reference: the generic Montgomery product (R = 2^576) applied twice, with
    /// R^2 mod p, gives the plain `a * b mod p`.
    fn reference_mul(a: &[u32; LIMBS], b: &[u32; LIMBS]) -> [u32; LIMBS] {
        let p = p_words();
        let n0 = montgomery::negated_inverse_mod_2_32(p[0]);
        let r_squared: [u32; LIMBS] = montgomery::r_squared(&p).try_into().unwrap();
        let product = montgomery::mul_fixed(&p, n0, a, b);
        montgomery::mul_fixed(&p, n0, &product, &r_squared)
    }

    fn reference_add(a: &[u32; LIMBS], b: &[u32; LIMBS]) -> [u32; LIMBS] {
        let mut sum = *a;
        montgomery::add(&mut sum, b);
        if !montgomery::less_than(&sum, &p_words()) {
            montgomery::subtract(&mut sum, &p_words());
        }
        sum
    }

    fn reference_sub(a: &[u32; LIMBS], b: &[u32; LIMBS]) -> [u32; LIMBS] {
        let mut difference = *a;
        montgomery::subtract_mod(&mut difference, b, &p_words());
        difference
    }

    /// Values below p, in words: 0, 1, 2, p - 1, p - 2, 2^520, a full first limb, a full
    /// top limb, and pseudo-random ones.
    fn samples() -> Vec<[u32; LIMBS]> {
        let word = |value: u32| {
            let mut words = [0u32; LIMBS];
            words[0] = value;
            words
        };
        let mut minus_one = p_words();
        minus_one[0] -= 1;
        let mut minus_two = p_words();
        minus_two[0] -= 2;
        let mut top_bit = [0u32; LIMBS];
        top_bit[16] = 0x100;
        let mut top_limb = [0u32; LIMBS];
        (top_limb[15], top_limb[16]) = (0xffff_e000, 0x1ff);
        let mut values = vec![
            word(0),
            word(1),
            word(2),
            minus_one,
            minus_two,
            top_bit,
            word((1 << 29) - 1),
            top_limb,
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..60 {
            let mut value = [0u32; LIMBS];
            for limb in value.iter_mut().take(17) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *limb = state as u32;
            }
            value[16] &= 0x1ff;
            if !montgomery::less_than(&value, &p_words()) {
                value[0] = 3;
            }
            values.push(value);
        }
        values
    }

    #[test]
    fn limbs_and_words_round_trip() {
        for value in samples() {
            let limbs = from_words(&value);
            assert!(limbs.iter().all(|limb| u64::from(*limb) <= MASK));
            assert!(u64::from(limbs[LIMBS - 1]) <= TOP_MASK);
            assert_eq!(to_words(&limbs), value);
        }
    }

    #[test]
    fn operations_match_the_montgomery_reference() {
        let values = samples();
        for a in &values {
            for b in values.iter().step_by(3) {
                let (x, y) = (from_words(a), from_words(b));
                assert_eq!(
                    to_words(&mul(&x, &y)),
                    reference_mul(a, b),
                    "{a:x?} * {b:x?}"
                );
                assert_eq!(
                    to_words(&add(&x, &y)),
                    reference_add(a, b),
                    "{a:x?} + {b:x?}"
                );
                assert_eq!(
                    to_words(&sub(&x, &y)),
                    reference_sub(a, b),
                    "{a:x?} - {b:x?}"
                );
            }
        }
    }

    #[test]
    fn results_are_fully_reduced() {
        // p - 1 + 1 and (p - 1)^2 = 1 land exactly on the canonical forms.
        let mut minus_one_words = p_words();
        minus_one_words[0] -= 1;
        let minus_one = from_words(&minus_one_words);
        let mut one = [0; LIMBS];
        one[0] = 1;
        assert_eq!(add(&minus_one, &one), [0; LIMBS]);
        assert_eq!(mul(&minus_one, &minus_one), one);
        assert_eq!(sub(&one, &one), [0; LIMBS]);
        assert_eq!(sub(&[0; LIMBS], &one), minus_one);
        // Sums just past p and past 2^521 fold back to 0, 1 and 2.
        let two = add(&one, &one);
        assert_eq!(add(&minus_one, &two), one);
        assert_eq!(add(&add(&minus_one, &two), &minus_one), [0; LIMBS]);
        let mut three = two;
        three[0] = 3;
        assert_eq!(to_words(&add(&minus_one, &three)), to_words(&two));
    }

    #[test]
    fn carries_from_limb_0_that_reach_the_top_fold_again() {
        // p + k, written with every limb full and limb 0 past its 29 bits: the carry out
        // of limb 0 runs through every limb into bit 521, which folds back as 1.
        let full: [u64; LIMBS] =
            core::array::from_fn(|i| if i == LIMBS - 1 { TOP_MASK } else { MASK });
        for k in [0u64, 1, 2, 5, (1 << 36) + 7] {
            let mut limbs = full;
            limbs[0] += k;
            let mut expected = [0u32; LIMBS];
            (expected[0], expected[1]) = ((k & MASK) as u32, (k >> BITS) as u32);
            assert_eq!(reduce_carried(limbs), expected, "p + {k}, carried");
            assert_eq!(reduce(limbs), expected, "p + {k}");
        }
        // 2^522 - 1 + k (the top limb full to its 29th bit too) is 2p + 1 + k, so 1 + k.
        for k in [0u64, 1, (1 << 36) + 7] {
            let mut limbs = [MASK; LIMBS];
            limbs[0] += k;
            let mut expected = [0u32; LIMBS];
            (expected[0], expected[1]) = (((k + 1) & MASK) as u32, ((k + 1) >> BITS) as u32);
            assert_eq!(reduce_carried(limbs), expected, "2^522 - 1 + {k}, carried");
            assert_eq!(reduce(limbs), expected, "2^522 - 1 + {k}");
        }
        // The sum's and difference's path: limbs far above 29 bits.
        let big = [(1u64 << 62) + 12345; LIMBS];
        let words = |limbs: [u64; LIMBS]| {
            // The value mod p the slow way: limb i weighs 2^(29i), folded at 2^521 = 1.
            let mut sum = [0u32; LIMBS];
            for (i, limb) in limbs.iter().enumerate() {
                let mut term = [0u32; LIMBS];
                for bit in 0..64 {
                    if limb >> bit & 1 == 1 {
                        let position = (29 * i + bit) % 521;
                        term[position / 32] |= 1 << (position % 32);
                        sum = reference_add(&sum, &term);
                        term = [0; LIMBS];
                    }
                }
            }
            sum
        };
        assert_eq!(to_words(&reduce(big)), words(big));
    }

    #[test]
    fn products_of_limbs_at_their_largest_reduce() {
        // Every limb at its maximum makes the largest column sums and carries.
        let mut p_minus_small = p_words();
        for small in 1..40u32 {
            p_minus_small[0] = u32::MAX - small;
            let x = from_words(&p_minus_small);
            for y in samples() {
                assert_eq!(
                    to_words(&mul(&x, &from_words(&y))),
                    reference_mul(&p_minus_small, &y)
                );
            }
        }
    }
}
