//! Montgomery arithmetic for the RSA public operation, variable-time, for public data only.
//!
//! Limbs of `B` = 27 to 29 bits, one per `u32`, so a 32x32->64 product (native in wasm32)
//! leaves 6-10 spare bits: a whole column of partial products (up to `2L` of them) adds
//! up in `u64`s without a carry per step. The products are then independent of each
//! other, where word-sized limbs (the EC code in `montgomery.rs`) chain every step
//! through a carry: RS256 1.7x faster natively, about 1.1x in wasm without SIMD, 2x with
//! SIMD, where a column's sums take two products per instruction (README, Performance).
//! Values stay in `[0, 2n)` between products (`R > 4n`), so a product needs no final
//! subtraction.

use super::montgomery::less_than;

/// The layouts compiled, as (limbs, bits per limb), smallest first. Without SIMD a column
/// adds up in one `u64`: 28-bit limbs keep up to 255 products below `2^64`, so 2070 and
/// 3078 bits (with two to spare, `R > 4n`) take 28, and 4102, 6154 and 8206 bits 27.
pub const SCALAR_LAYOUTS: [(usize, u32); 5] =
    [(74, 28), (110, 28), (152, 27), (228, 27), (304, 27)];

/// With SIMD a column's products spread over four `u64` lanes, a quarter each, so limbs
/// can be a bit wider: 29 bits (at most 64 products of `2^58` per lane) for 2057 and 3072
/// bits, 28 for 4114, 6158 and 8202. Fewer limbs, fewer products: RS256 3-4% faster
/// than with the scalar layouts (2048 bits in 71 limbs instead of 74).
pub const SIMD_LAYOUTS: [(usize, u32); 5] = [(71, 29), (106, 29), (147, 28), (220, 28), (293, 28)];

/// The layouts of this build.
pub const LAYOUTS: [(usize, u32); 5] = if cfg!(target_feature = "simd128") {
    SIMD_LAYOUTS
} else {
    SCALAR_LAYOUTS
};

/// The first layout whose `R` is above `4n` for an `n` of `modulus_bits`.
pub fn layout_for(modulus_bits: usize) -> Option<(usize, u32)> {
    LAYOUTS
        .into_iter()
        .find(|(limbs, bits)| limbs * *bits as usize >= modulus_bits + 2)
}

/// Zero limbs kept around every operand of the column sums, all after it or, for the
/// reversed ones, one before and three after (see [`reversed`]): a sum then reads whole
/// groups of four limbs (one SIMD load each) past its range's end, where the extra limbs
/// are zero or masked off, instead of finishing the range one product at a time.
pub const PAD: usize = 4;

/// `a * b / R mod n`, in `[0, 2n)`, for `a, b < 2n` with `R = 2^(B * L) > 4n`.
/// `n_reversed` is the modulus as [`reversed`] lays it out (`P` is `L + PAD`), the order
/// the column sums read it in: a per-key constant, kept with the key.
#[inline(never)]
pub fn mul<const L: usize, const P: usize, const B: u32>(
    n_reversed: &[u32; P],
    n0_inverse: u32,
    a: &[u32; L],
    b: &[u32; L],
) -> [u32; L] {
    let a = padded::<L, P>(a);
    // `b_t` is `b_rev[L - t]`, zero at `t = L` and `t = -1`.
    let b_rev = reversed::<L, P>(b);
    // Inlined by hand: LLVM otherwise leaves each pair's sums in a call of their own.
    reduce_column_pairs::<L, P, B>(
        n_reversed,
        n0_inverse,
        #[inline(always)]
        |even| {
            // `a_j * b_(2k-j)` and `a_j * b_(2k+1-j)` for `j <= 2k` with both limbs in range
            // (the odd column's first term is zero when `2k+1-j` is `L`), then the odd
            // column's `a_(2k+1) * b_0` apart.
            let low = (even + 1).saturating_sub(L);
            let (sums_even, sums_odd) = ColumnSum::add_twice_exact(
                (ColumnSum::ZERO, ColumnSum::ZERO),
                &a[low..],
                (&b_rev[L + low - even..], &b_rev[L + low - even - 1..]),
                (even + 1).min(L) - low,
            );
            let last = a
                .get(even + 1)
                .map_or(0, |a| u64::from(*a) * u64::from(b_rev[L]));
            (sums_even, sums_odd.add(last))
        },
    )
}

/// `a * a / R mod n`, in `[0, 2n)`, for `a < 2n`: as [`mul`], with each cross product
/// `a_j * a_(i-j)` computed once, as `2a_j * a_(i-j)`.
#[inline(never)]
pub fn square<const L: usize, const P: usize, const B: u32>(
    n_reversed: &[u32; P],
    n0_inverse: u32,
    a: &[u32; L],
) -> [u32; L] {
    let mut doubled = [0u32; P];
    for (twice, limb) in doubled.iter_mut().zip(a) {
        *twice = limb << 1;
    }
    // `a_t` is `a_rev[L - t]`, zero at `t = L`.
    let a_rev = reversed::<L, P>(a);
    reduce_column_pairs::<L, P, B>(
        n_reversed,
        n0_inverse,
        #[inline(always)]
        |even| {
            // `2a_j * a_(2k-j)` for `j < k` and `2a_j * a_(2k+1-j)` for `j <= k`, both
            // limbs in range (the odd column's first term is zero when `2k+1-j` is `L`);
            // the odd column's `2a_k * a_(k+1)` and the even one's `a_k^2` apart.
            let (k, low) = (even / 2, (even + 1).saturating_sub(L));
            let (sums_even, sums_odd) = ColumnSum::add_twice_exact(
                (ColumnSum::ZERO, ColumnSum::ZERO),
                &doubled[low..],
                (&a_rev[L + low - even..], &a_rev[L + low - even - 1..]),
                k - low,
            );
            (
                sums_even.add(u64::from(a[k]) * u64::from(a[k])),
                sums_odd.add(u64::from(doubled[k]) * u64::from(a_rev[L - k - 1])),
            )
        },
    )
}

/// Montgomery reduction by product scanning (FIPS), given the sums of partial products
/// of the columns `2k` and `2k + 1`: column `i` adds its sum and `m_j * n_(i-j)`, where
/// `m_i` is chosen at column `i` so that its low `B` bits vanish, then shifts them out.
/// A column has at most `2L` products below `2^(2B)`, within each `u64` the [`LAYOUTS`]
/// sum them in, and the carry into the next column is below `2^(64-B)` plus the sum's
/// high part.
///
/// The columns go in pairs: both read the same groups of `m_j` (one load serves two
/// columns' products) and share one pass of loop and range bookkeeping (RS256 0.90-0.91x
/// the time of one column at a time in V8, README).
#[inline(always)]
fn reduce_column_pairs<const L: usize, const P: usize, const B: u32>(
    n_reversed: &[u32; P],
    n0_inverse: u32,
    pair_products: impl Fn(usize) -> (ColumnSum, ColumnSum),
) -> [u32; L] {
    const { assert!(P == L + PAD) };
    let mask = (1u32 << B) - 1;
    // `n_t` is `n_reversed[L - t]`, zero at `t = L`.
    let (n0, n1) = (n_reversed[L], n_reversed[L - 1]);
    // Past `m_(i-1)` every entry is still zero at column `i`, and so are the padding
    // limbs past `m_(L-1)`: the sums below may read beyond their range.
    let mut m = [0u32; P];
    let mut out = [0u32; L];
    let mut acc = 0u64;
    for k in 0..L {
        let even = 2 * k;
        let (sums_even, sums_odd) = pair_products(even);
        // `m_j * n_(2k-j)` and `m_j * n_(2k+1-j)` for the digits known; the odd column's
        // `m_(2k) * n_1` once `m_(2k)` is.
        let low = (even + 1).saturating_sub(L);
        let (sums_even, sums_odd) = ColumnSum::add_twice_zero_padded(
            (sums_even, sums_odd),
            &m[low..],
            (
                &n_reversed[L + low - even..],
                &n_reversed[L + low - even - 1..],
            ),
            even.min(L) - low,
        );
        let (low_bits, high_bits) = sums_even.split::<B>();
        acc += low_bits;
        let mut odd_extra = 0;
        if even < L {
            let m_even = (acc as u32).wrapping_mul(n0_inverse) & mask;
            m[even] = m_even;
            acc += u64::from(m_even) * u64::from(n0);
            odd_extra = u64::from(m_even) * u64::from(n1);
        } else {
            out[even - L] = acc as u32 & mask;
        }
        acc = (acc >> B) + high_bits;
        let odd = even + 1;
        if odd == 2 * L - 1 {
            break;
        }
        let (low_bits, high_bits) = sums_odd.split::<B>();
        acc += low_bits + odd_extra;
        if odd < L {
            let m_odd = (acc as u32).wrapping_mul(n0_inverse) & mask;
            m[odd] = m_odd;
            acc += u64::from(m_odd) * u64::from(n0);
        } else {
            out[odd - L] = acc as u32 & mask;
        }
        acc = (acc >> B) + high_bits;
    }
    out[L - 1] = acc as u32;
    out
}

/// The limbs and [`PAD`] zeros.
fn padded<const L: usize, const P: usize>(x: &[u32; L]) -> [u32; P] {
    let mut out = [0u32; P];
    out[..L].copy_from_slice(x);
    out
}

/// A zero, the limbs most significant first, then `PAD - 1` zeros: a column pairs one
/// operand's low limbs with the other's high ones, so the column sums walk one operand in
/// this order. The leading zero stands for limb `L`, which a square's odd column reads.
fn reversed<const L: usize, const P: usize>(x: &[u32; L]) -> [u32; P] {
    let mut out = [0u32; P];
    write_reversed(x, &mut out);
    out
}

/// Writes `limbs` into `out` as [`reversed`] lays them out, for `out` of zeros
/// `limbs.len() + PAD` long: also the modulus's layout, kept with each key.
#[inline(always)]
pub fn write_reversed(limbs: &[u32], out: &mut [u32]) {
    for (reversed, limb) in out[1..].iter_mut().zip(limbs.iter().rev()) {
        *reversed = *limb;
    }
}

/// A column's running sum of limb products.
#[cfg(not(target_feature = "simd128"))]
#[derive(Clone, Copy)]
struct ColumnSum(u64);

#[cfg(not(target_feature = "simd128"))]
impl ColumnSum {
    const ZERO: ColumnSum = ColumnSum(0);

    /// Adds `sum(x_k * y_k)` to the first sum and `sum(x_k * z_k)` to the second, for
    /// `k < len`.
    #[inline(always)]
    fn add_twice_exact(
        (first, second): (ColumnSum, ColumnSum),
        x: &[u32],
        (y, z): (&[u32], &[u32]),
        len: usize,
    ) -> (ColumnSum, ColumnSum) {
        let (mut first, mut second) = (first.0, second.0);
        for ((x, y), z) in x[..len].iter().zip(&y[..len]).zip(&z[..len]) {
            first += u64::from(*x) * u64::from(*y);
            second += u64::from(*x) * u64::from(*z);
        }
        (ColumnSum(first), ColumnSum(second))
    }

    /// As [`ColumnSum::add_twice_exact`]; the SIMD build relies on `x` being zero past
    /// `len`.
    #[inline(always)]
    fn add_twice_zero_padded(
        sums: (ColumnSum, ColumnSum),
        x: &[u32],
        y_z: (&[u32], &[u32]),
        len: usize,
    ) -> (ColumnSum, ColumnSum) {
        Self::add_twice_exact(sums, x, y_z, len)
    }

    #[inline(always)]
    fn add(self, value: u64) -> ColumnSum {
        ColumnSum(self.0 + value)
    }

    /// The sum as `(low, high)` with `sum = low + high * 2^B`: here all of it is low.
    #[inline(always)]
    fn split<const B: u32>(self) -> (u64, u64) {
        (self.0, 0)
    }
}

/// A column's running sum of limb products, in two pairs of `u64` lanes:
/// `i64x2.extmul_*_i32x4_u` makes two 32x32->64 products per instruction, about twice the
/// scalar loop's speed in V8. Each column's products and reduction terms go into the same
/// lanes, added across only once per column.
#[cfg(target_feature = "simd128")]
#[derive(Clone, Copy)]
struct ColumnSum {
    low: core::arch::wasm32::v128,
    high: core::arch::wasm32::v128,
    scalar: u64,
}

#[cfg(target_feature = "simd128")]
impl ColumnSum {
    const ZERO: ColumnSum = ColumnSum {
        low: core::arch::wasm32::u64x2(0, 0),
        high: core::arch::wasm32::u64x2(0, 0),
        scalar: 0,
    };

    /// Lanes kept by the last group of a range `len % 4` limbs long.
    const LAST_GROUP: [core::arch::wasm32::v128; 4] = {
        use core::arch::wasm32::u32x4;
        [
            u32x4(!0, !0, !0, !0),
            u32x4(!0, 0, 0, 0),
            u32x4(!0, !0, 0, 0),
            u32x4(!0, !0, !0, 0),
        ]
    };

    #[inline(always)]
    fn add_group(self, x: core::arch::wasm32::v128, y: core::arch::wasm32::v128) -> ColumnSum {
        use core::arch::wasm32::{u64x2_add, u64x2_extmul_high_u32x4, u64x2_extmul_low_u32x4};
        ColumnSum {
            low: u64x2_add(self.low, u64x2_extmul_low_u32x4(x, y)),
            high: u64x2_add(self.high, u64x2_extmul_high_u32x4(x, y)),
            scalar: self.scalar,
        }
    }

    /// Adds `sum(x_k * y_k)` to the first sum and `sum(x_k * z_k)` to the second, for
    /// `k < 4 * groups`: one load of `x` serves both.
    #[inline(always)]
    fn add_groups_twice(
        (mut first, mut second): (ColumnSum, ColumnSum),
        x: &[u32],
        (y, z): (&[u32], &[u32]),
        groups: usize,
    ) -> (ColumnSum, ColumnSum) {
        let len = 4 * groups;
        for ((x, y), z) in x[..len]
            .chunks_exact(4)
            .zip(y[..len].chunks_exact(4))
            .zip(z[..len].chunks_exact(4))
        {
            let x = super::simd::load(x);
            first = first.add_group(x, super::simd::load(y));
            second = second.add_group(x, super::simd::load(z));
        }
        (first, second)
    }

    /// Adds `sum(x_k * y_k)` to the first sum and `sum(x_k * z_k)` to the second, for
    /// `k < len`; all three hold at least `len` rounded up to four limbs. The last
    /// group's extra limbs are masked off.
    #[inline(always)]
    fn add_twice_exact(
        sums: (ColumnSum, ColumnSum),
        x: &[u32],
        (y, z): (&[u32], &[u32]),
        len: usize,
    ) -> (ColumnSum, ColumnSum) {
        use core::arch::wasm32::v128_and;
        let full = len / 4;
        let (first, second) = Self::add_groups_twice(sums, x, (y, z), full);
        if len % 4 == 0 {
            return (first, second);
        }
        let last_x = v128_and(super::simd::load(&x[4 * full..]), Self::LAST_GROUP[len % 4]);
        (
            first.add_group(last_x, super::simd::load(&y[4 * full..])),
            second.add_group(last_x, super::simd::load(&z[4 * full..])),
        )
    }

    /// As [`ColumnSum::add_twice_exact`] for an `x` that is zero past `len`: no mask.
    #[inline(always)]
    fn add_twice_zero_padded(
        sums: (ColumnSum, ColumnSum),
        x: &[u32],
        y_z: (&[u32], &[u32]),
        len: usize,
    ) -> (ColumnSum, ColumnSum) {
        Self::add_groups_twice(sums, x, y_z, len.div_ceil(4))
    }

    #[inline(always)]
    fn add(mut self, value: u64) -> ColumnSum {
        self.scalar += value;
        self
    }

    /// The sum as `(low, high)` with `sum = low + high * 2^B`: the lanes' low `B` bits and
    /// the rest, added up apart, since all four lanes together can pass `2^64`.
    #[inline(always)]
    fn split<const B: u32>(self) -> (u64, u64) {
        use core::arch::wasm32::{u64x2_add, u64x2_extract_lane, u64x2_shr, u64x2_splat, v128_and};
        let mask = u64x2_splat((1 << B) - 1);
        let low = u64x2_add(v128_and(self.low, mask), v128_and(self.high, mask));
        let high = u64x2_add(u64x2_shr(self.low, B), u64x2_shr(self.high, B));
        (
            self.scalar + u64x2_extract_lane::<0>(low) + u64x2_extract_lane::<1>(low),
            u64x2_extract_lane::<0>(high) + u64x2_extract_lane::<1>(high),
        )
    }
}

/// `-n^-1 mod 2^bits` for odd `n0`.
pub fn negated_inverse(n0: u32, bits: u32) -> u32 {
    super::montgomery::negated_inverse_mod_2_32(n0) & ((1 << bits) - 1)
}

/// Big-endian bytes into `out`, limbs of `bits` bits, least significant first; false
/// when they do not fit.
pub fn from_be_bytes(bytes: &[u8], bits: u32, out: &mut [u32]) -> bool {
    out.fill(0);
    let mask = (1u64 << bits) - 1;
    let mut buffer = 0u64;
    let mut buffered = 0;
    let mut limbs = out.iter_mut();
    for byte in bytes.iter().rev() {
        buffer |= u64::from(*byte) << buffered;
        buffered += 8;
        if buffered >= bits {
            match limbs.next() {
                Some(limb) => *limb = (buffer & mask) as u32,
                None if buffer & mask == 0 => {}
                None => return false,
            }
            buffer >>= bits;
            buffered -= bits;
        }
    }
    match limbs.next() {
        Some(limb) => *limb = buffer as u32,
        None => return buffer == 0,
    }
    true
}

/// The value as `len` big-endian bytes (the caller knows it fits).
pub fn to_be_bytes(limbs: &[u32], bits: u32, len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    let mut bytes = out.iter_mut().rev();
    let mut buffer = 0u64;
    let mut buffered = 0;
    for limb in limbs {
        buffer |= u64::from(*limb) << buffered;
        buffered += bits;
        while buffered >= 8 {
            if let Some(byte) = bytes.next() {
                *byte = buffer as u8;
            }
            buffer >>= 8;
            buffered -= 8;
        }
    }
    if let Some(byte) = bytes.next() {
        *byte = buffer as u8;
    }
    out
}

/// `a -= n` when `a >= n`: from `[0, 2n)` to `[0, n)`.
pub fn reduce(a: &mut [u32], n: &[u32], bits: u32) {
    if !less_than(a, n) {
        subtract(a, n, bits);
    }
}

/// `a -= n`, for `a >= n`.
fn subtract(a: &mut [u32], n: &[u32], bits: u32) {
    let mut borrow = 0i64;
    for (x, y) in a.iter_mut().zip(n) {
        let difference = i64::from(*x) - i64::from(*y) + borrow;
        *x = (difference & ((1 << bits) - 1)) as u32;
        borrow = difference >> bits;
    }
}

/// `R^2 mod n`, the constant that enters Montgomery form, for an `n` of `modulus_bits`
/// bits in `L` limbs of `B = bits` bits: `2^(modulus_bits - 1)` (below `n`) shifted up
/// the remaining `2BL - modulus_bits + 1` bits, at most `B` at a time, each step reduced
/// with a quotient estimated from the top bits. That is about `2L` passes of `L` scalar
/// products; squaring up from `R mod n` took a dozen Montgomery products, a third of an
/// RS256 verification with a key it has not seen.
///
/// Not generic over the layout: it runs once per key, and one copy of it is smaller than
/// five.
pub fn r_squared(n: &[u32], bits: u32, modulus_bits: usize) -> Vec<u32> {
    let mut x = vec![0u32; n.len()];
    let top = modulus_bits.saturating_sub(1);
    let Some(top_limb) = x.get_mut(top / bits as usize) else {
        return x;
    };
    *top_limb = 1 << (top % bits as usize);
    let mut remaining = (2 * bits as usize * n.len()).saturating_sub(top);
    while remaining > 0 {
        let shift = remaining.min(bits as usize) as u32;
        shift_mod(&mut x, n, bits, modulus_bits, shift);
        remaining -= shift as usize;
    }
    x
}

/// `x * 2^shift mod n` in place, for `x < n` of `n_bits` bits in limbs of `bits` bits and
/// `shift <= bits`.
fn shift_mod(x: &mut [u32], n: &[u32], bits: u32, n_bits: usize, shift: u32) {
    // The quotient from n's top 35 bits and the same bits of `x * 2^shift` (below
    // `2^(35 + shift)`, within a `u64` for `shift <= 29`): dividing by `n_top + 1` never
    // overshoots, and falls short by at most `2^shift / 2^34 + 1`, so at most two
    // subtractions follow. Below 36 bits both are exact and so is the quotient.
    let s = n_bits.saturating_sub(35);
    let n_top = bits_from(n, bits, s);
    let x_top = match s.checked_sub(shift as usize) {
        Some(start) => bits_from(x, bits, start),
        None => bits_from(x, bits, 0) << (shift as usize - s),
    };
    let quotient = match s {
        0 => x_top / n_top.max(1),
        _ => x_top / (n_top + 1),
    } as i64;
    let mask = (1u32 << bits) - 1;
    let mut shifted_out = 0;
    let mut borrow = 0i64;
    for (limb, n_limb) in x.iter_mut().zip(n) {
        let shifted = (*limb << shift & mask) | shifted_out;
        shifted_out = *limb >> (bits - shift);
        let difference = i64::from(shifted) - quotient * i64::from(*n_limb) + borrow;
        *limb = (difference & i64::from(mask)) as u32;
        borrow = difference >> bits;
    }
    // What is left above the top limb (`shifted_out + borrow`) is zero: the remainder is
    // below `3n < 2^(BL)`.
    while !less_than(x, n) {
        subtract(x, n, bits);
    }
}

/// `floor(x / 2^start)` for an `x` in limbs of `bits` bits whose bits from `start` fit
/// 64.
fn bits_from(limbs: &[u32], bits: u32, start: usize) -> u64 {
    let (first, offset) = (start / bits as usize, start % bits as usize);
    let mut out = 0u64;
    for (k, limb) in limbs.iter().enumerate().skip(first) {
        let position = (k - first) * bits as usize;
        if position >= offset + 64 {
            break;
        }
        out |= if position >= offset {
            u64::from(*limb) << (position - offset)
        } else {
            u64::from(*limb) >> (offset - position)
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `R^2 mod n` the slow way: 1 doubled `2BL` times, reduced after each doubling.
    fn r_squared_by_doubling(n: &[u32], bits: u32) -> Vec<u32> {
        let mut x = vec![0u32; n.len()];
        x[0] = 1;
        reduce(&mut x, n, bits);
        for _ in 0..2 * bits as usize * n.len() {
            let doubled = x.clone();
            add_mod(&mut x, &doubled, n, bits);
        }
        x
    }

    /// An odd modulus of exactly `modulus_bits` bits in `limbs` limbs of `bits` bits: the
    /// top bit, then the pattern (all zeros, all ones or pseudo-random) below it.
    fn modulus(limbs: usize, bits: u32, modulus_bits: usize, pattern: u8) -> Vec<u32> {
        let mut state = modulus_bits as u64;
        let mut n = vec![0u32; limbs];
        for bit in 0..modulus_bits - 1 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let set = match pattern {
                0 => false,
                1 => true,
                _ => state >> 63 == 1,
            };
            n[bit / bits as usize] |= u32::from(set) << (bit % bits as usize);
        }
        let top = modulus_bits - 1;
        n[top / bits as usize] |= 1 << (top % bits as usize);
        n[0] |= 1;
        n
    }

    /// `x += y`, limbs of `bits` bits; the sum must fit.
    fn add_limbs(x: &mut [u32], y: &[u32], bits: u32) {
        let mut carry = 0;
        for (x, y) in x.iter_mut().zip(y) {
            let sum = *x + *y + carry;
            *x = sum & ((1 << bits) - 1);
            carry = sum >> bits;
        }
    }

    /// `x + y mod n` for `x, y < n`, limbs of `bits` bits.
    fn add_mod(x: &mut [u32], y: &[u32], n: &[u32], bits: u32) {
        add_limbs(x, y, bits);
        reduce(x, n, bits);
    }

    /// `a * b mod n` the slow way, by doubling and adding over the bits of `b`.
    fn mul_mod_by_doubling(a: &[u32], b: &[u32], n: &[u32], bits: u32) -> Vec<u32> {
        let mut a = a.to_vec();
        reduce(&mut a, n, bits);
        let mut x = vec![0u32; n.len()];
        for limb in b.iter().rev() {
            for bit in (0..bits).rev() {
                let doubled = x.clone();
                add_mod(&mut x, &doubled, n, bits);
                if limb >> bit & 1 == 1 {
                    add_mod(&mut x, &a, n, bits);
                }
            }
        }
        x
    }

    /// Checks `mul` and `square` for `L` limbs of `B` bits against the slow reference, on
    /// moduli just above `2^(bits-1)`, just below `R/4` and random, and on operands at
    /// both ends of `[0, 2n)` and random: `mul(a, b)` must be `a * b / R` (so that
    /// `mul(mul(a, b), R^2)` is `a * b mod n`), below `2n`, and `square(a)` exactly
    /// `mul(a, a)`. Odd `L` also takes the columns' last pair across the middle, where
    /// the low half's last column meets the high half's first.
    fn check_products<const L: usize, const P: usize, const B: u32>() {
        let mut state = (L as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let mut random = |below: &[u32]| -> [u32; L] {
            loop {
                let candidate: [u32; L] = core::array::from_fn(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (state >> 33) as u32 & ((1 << B) - 1)
                });
                if less_than(&candidate, below) {
                    return candidate;
                }
            }
        };
        for pattern in 0..3 {
            let n: [u32; L] = modulus(L, B, L * B as usize - 2, pattern)
                .try_into()
                .unwrap();
            let mut twice_n = n;
            add_limbs(&mut twice_n, &n, B);
            let mut n_minus_1 = n;
            n_minus_1[0] -= 1;
            let mut top = twice_n;
            top[0] -= 1;
            let r_squared: [u32; L] = r_squared(&n, B, L * B as usize - 2).try_into().unwrap();
            let n_reversed = reversed::<L, P>(&n);
            let n0_inverse = negated_inverse(n[0], B);
            let mut operands = vec![
                [0; L],
                core::array::from_fn(|i| u32::from(i == 0)),
                n_minus_1,
                top,
            ];
            operands.extend((0..6).map(|_| random(&twice_n)));
            for a in &operands {
                for b in &operands {
                    let product = mul::<L, P, B>(&n_reversed, n0_inverse, a, b);
                    assert!(
                        less_than(&product, &twice_n),
                        "{L} limbs: a * b / R below 2n"
                    );
                    let mut plain = mul::<L, P, B>(&n_reversed, n0_inverse, &product, &r_squared);
                    reduce(&mut plain, &n, B);
                    assert_eq!(
                        plain.to_vec(),
                        mul_mod_by_doubling(a, b, &n, B),
                        "{L} limbs of {B} bits, pattern {pattern}: {a:?} * {b:?}"
                    );
                }
                assert_eq!(
                    square::<L, P, B>(&n_reversed, n0_inverse, a),
                    mul::<L, P, B>(&n_reversed, n0_inverse, a, a),
                    "{L} limbs of {B} bits, pattern {pattern}: {a:?} squared"
                );
            }
        }
    }

    #[test]
    fn products_match_the_slow_reference_for_odd_and_even_limb_counts() {
        check_products::<1, { 1 + PAD }, 28>();
        check_products::<2, { 2 + PAD }, 28>();
        check_products::<3, { 3 + PAD }, 29>();
        check_products::<4, { 4 + PAD }, 27>();
        check_products::<5, { 5 + PAD }, 29>();
        check_products::<8, { 8 + PAD }, 28>();
        check_products::<9, { 9 + PAD }, 28>();
    }

    fn check_layout((limbs, bits): (usize, u32), sizes: &[usize]) {
        for &modulus_bits in sizes {
            // All zeros below the top bit puts `n` just above `2^(bits-1)`, all ones just
            // below `2^bits`: the quotient estimate's two extremes.
            for pattern in 0..3 {
                let n = modulus(limbs, bits, modulus_bits, pattern);
                assert_eq!(
                    r_squared(&n, bits, modulus_bits),
                    r_squared_by_doubling(&n, bits),
                    "{modulus_bits}-bit modulus, pattern {pattern}, {limbs} limbs of {bits} bits"
                );
            }
        }
    }

    #[test]
    fn column_sums_fit_their_u64s() {
        let product = |bits: u32| ((1u128 << bits) - 1).pow(2);
        for (limbs, bits) in SCALAR_LAYOUTS {
            // One u64: a column's products and its reduction's, up to 2L (a square's
            // doubled cross terms count twice), and the carry from the column before.
            let worst = 2 * limbs as u128 * product(bits) + (1 << (64 - bits));
            assert!(worst < 1 << 64, "{limbs} x {bits}");
        }
        for (limbs, bits) in SIMD_LAYOUTS {
            // Per lane, a quarter of a product's L terms and of the reduction's L, or of a
            // square's L/2 doubled cross terms and the reduction's L.
            let quarter = |terms: usize| terms.div_ceil(4) as u128;
            let mul = 2 * quarter(limbs) * product(bits);
            let square =
                quarter(limbs.div_ceil(2)) * 2 * product(bits) + quarter(limbs) * product(bits);
            assert!(mul.max(square) < 1 << 64, "{limbs} x {bits}");
        }
    }

    #[test]
    fn r_squared_matches_doubling_for_every_size_class() {
        // Tiny moduli (exact quotients), the 35/36-bit edge of the estimate, RSA sizes,
        // and each layout's largest modulus, for the layouts of both builds.
        check_layout(
            (74, 28),
            &[2, 12, 34, 35, 36, 37, 64, 1024, 2047, 2048, 2049, 2070],
        );
        check_layout((71, 29), &[3, 34, 35, 36, 37, 2048, 2057]);
        check_layout((106, 29), &[2058, 3072]);
        check_layout((110, 28), &[2071, 3072, 3078]);
        check_layout((152, 27), &[3079, 4096, 4102]);
        check_layout((147, 28), &[3073, 4114]);
        check_layout((228, 27), &[6144, 6154]);
        check_layout((220, 28), &[6158]);
        check_layout((304, 27), &[8192, 8206]);
        check_layout((293, 28), &[8202]);
    }
}
