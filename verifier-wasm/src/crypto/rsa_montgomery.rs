//! Montgomery arithmetic for the RSA public operation, variable-time, for public data only.
//!
//! Limbs of `B` = 27 or 28 bits, one per `u32`, so a 32x32->64 product (native in wasm32)
//! leaves 8-10 spare bits: a whole column of partial products (up to `2L` of them) adds
//! up in one `u64` without a carry per step. The products are then independent of each
//! other, where word-sized limbs (the EC code in `montgomery.rs`) chain every step
//! through a carry: RS256 1.7x faster natively, about 1.1x in wasm without SIMD, 2x with
//! SIMD, where a column's sums take two products per instruction (README, Performance).
//! Values stay in `[0, 2n)` between products (`R > 4n`), so a product needs no final
//! subtraction.

use super::montgomery::less_than;

/// The layouts compiled, as (limbs, bits per limb), smallest first: 2070, 3078, 4102, 6154
/// and 8206 bits with two to spare (`R > 4n`). 28-bit limbs keep a column of up to 255
/// products below `2^64`; the three larger layouts have more and use 27 bits.
pub const LAYOUTS: [(usize, u32); 5] = [(74, 28), (110, 28), (152, 27), (228, 27), (304, 27)];

/// The first layout whose `R` is above `4n` for an `n` of `modulus_bits`.
pub fn layout_for(modulus_bits: usize) -> Option<(usize, u32)> {
    LAYOUTS
        .into_iter()
        .find(|(limbs, bits)| limbs * *bits as usize >= modulus_bits + 2)
}

/// Zero limbs kept after every operand of the column sums: a sum then reads whole groups
/// of four limbs (one SIMD load each) past its range's end, where the extra limbs are zero
/// or masked off, instead of finishing the range one product at a time.
pub const PAD: usize = 4;

/// `a * b / R mod n`, in `[0, 2n)`, for `a, b < 2n` with `R = 2^(B * L) > 4n`.
/// `n_reversed` is the modulus's limbs most significant first and [`PAD`] zeros (`P` is
/// `L + PAD`), the order the column sums read them in: a per-key constant, kept with the
/// key.
#[inline(never)]
pub fn mul<const L: usize, const P: usize, const B: u32>(
    n_reversed: &[u32; P],
    n0_inverse: u32,
    a: &[u32; L],
    b: &[u32; L],
) -> [u32; L] {
    let a = padded::<L, P>(a);
    let b_rev = reversed::<L, P>(b);
    // Inlined by hand: LLVM otherwise leaves each column's sums in a call of their own.
    reduce_columns::<L, P, B>(
        n_reversed,
        n0_inverse,
        #[inline(always)]
        |i, sums| {
            // a_j * b_(i-j) for every j with both limbs in range; b_(i-j) is b_rev[L-1-i+j].
            let (low, high) = (i.saturating_sub(L - 1), i.min(L - 1));
            sums.add_exact(&a[low..], &b_rev[L - 1 + low - i..], high + 1 - low)
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
    let a_rev = reversed::<L, P>(a);
    reduce_columns::<L, P, B>(
        n_reversed,
        n0_inverse,
        #[inline(always)]
        |i, sums| {
            // j < i - j, both limbs in range.
            let (low, high) = ((i + 1).saturating_sub(L), i.div_ceil(2));
            let sums = if low < high {
                sums.add_exact(&doubled[low..], &a_rev[L - 1 + low - i..], high - low)
            } else {
                sums
            };
            sums.add(middle_square(a, i))
        },
    )
}

/// Montgomery reduction by product scanning (FIPS), given column `i`'s sum of partial
/// products: column `i` adds it and `m_j * n_(i-j)`, where `m_i` is chosen at column `i`
/// so that its low `B` bits vanish, then shifts them out. A column has at most `2L`
/// products below `2^(2B)` plus a carry below `2^(64-B)`, within a `u64` for the
/// [`LAYOUTS`].
#[inline(always)]
fn reduce_columns<const L: usize, const P: usize, const B: u32>(
    n_rev: &[u32; P],
    n0_inverse: u32,
    column_products: impl Fn(usize, ColumnSum) -> ColumnSum,
) -> [u32; L] {
    const { assert!(P == L + PAD) };
    let mask = (1u32 << B) - 1;
    // Past `m_(i-1)` every entry is still zero at column `i`, and so are the padding
    // limbs past `m_(L-1)`: the sums below may read beyond their range.
    let mut m = [0u32; P];
    let mut out = [0u32; L];
    let mut acc = 0u64;
    for i in 0..L {
        let sum = column_products(i, ColumnSum::ZERO);
        acc += sum.add_zero_padded(&m, &n_rev[L - 1 - i..], i).total();
        let m_i = (acc as u32).wrapping_mul(n0_inverse) & mask;
        m[i] = m_i;
        acc += u64::from(m_i) * u64::from(n_rev[L - 1]);
        acc >>= B;
    }
    for i in L..2 * L - 1 {
        let from = i + 1 - L;
        let sum = column_products(i, ColumnSum::ZERO);
        acc += sum.add_zero_padded(&m[from..], n_rev, L - from).total();
        out[i - L] = acc as u32 & mask;
        acc >>= B;
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

/// The limbs most significant first, then [`PAD`] zeros: a column pairs one operand's low
/// limbs with the other's high ones, so the column sums walk one operand in this order.
fn reversed<const L: usize, const P: usize>(x: &[u32; L]) -> [u32; P] {
    let mut out = [0u32; P];
    for (reversed, limb) in out.iter_mut().zip(x.iter().rev()) {
        *reversed = *limb;
    }
    out
}

/// A column's running sum of limb products.
#[cfg(not(target_feature = "simd128"))]
#[derive(Clone, Copy)]
struct ColumnSum(u64);

#[cfg(not(target_feature = "simd128"))]
impl ColumnSum {
    const ZERO: ColumnSum = ColumnSum(0);

    /// Adds `sum(x_k * y_k)` for `k < len`.
    #[inline(always)]
    fn add_exact(self, x: &[u32], y: &[u32], len: usize) -> ColumnSum {
        let products: u64 = x[..len]
            .iter()
            .zip(&y[..len])
            .map(|(x, y)| u64::from(*x) * u64::from(*y))
            .sum();
        ColumnSum(self.0 + products)
    }

    /// As [`ColumnSum::add_exact`]; the SIMD build relies on `x` being zero past `len`.
    #[inline(always)]
    fn add_zero_padded(self, x: &[u32], y: &[u32], len: usize) -> ColumnSum {
        self.add_exact(x, y, len)
    }

    #[inline(always)]
    fn add(self, value: u64) -> ColumnSum {
        ColumnSum(self.0 + value)
    }

    #[inline(always)]
    fn total(self) -> u64 {
        self.0
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

    /// Adds `sum(x_k * y_k)` for `k < 4 * groups`.
    #[inline(always)]
    fn add_groups(mut self, x: &[u32], y: &[u32], groups: usize) -> ColumnSum {
        for (x, y) in x[..4 * groups]
            .chunks_exact(4)
            .zip(y[..4 * groups].chunks_exact(4))
        {
            self = self.add_group(super::simd::load(x), super::simd::load(y));
        }
        self
    }

    #[inline(always)]
    fn add_group(self, x: core::arch::wasm32::v128, y: core::arch::wasm32::v128) -> ColumnSum {
        use core::arch::wasm32::{u64x2_add, u64x2_extmul_high_u32x4, u64x2_extmul_low_u32x4};
        ColumnSum {
            low: u64x2_add(self.low, u64x2_extmul_low_u32x4(x, y)),
            high: u64x2_add(self.high, u64x2_extmul_high_u32x4(x, y)),
            scalar: self.scalar,
        }
    }

    /// Adds `sum(x_k * y_k)` for `k < len`; `x` and `y` hold at least `len` rounded up to
    /// four limbs. The last group's extra limbs are masked off.
    #[inline(always)]
    fn add_exact(self, x: &[u32], y: &[u32], len: usize) -> ColumnSum {
        let full = len / 4;
        let sums = self.add_groups(x, y, full);
        if len % 4 == 0 {
            return sums;
        }
        let last_x = core::arch::wasm32::v128_and(
            super::simd::load(&x[4 * full..]),
            Self::LAST_GROUP[len % 4],
        );
        sums.add_group(last_x, super::simd::load(&y[4 * full..]))
    }

    /// As [`ColumnSum::add_exact`] for an `x` that is zero past `len`: no mask needed.
    #[inline(always)]
    fn add_zero_padded(self, x: &[u32], y: &[u32], len: usize) -> ColumnSum {
        self.add_groups(x, y, len.div_ceil(4))
    }

    #[inline(always)]
    fn add(mut self, value: u64) -> ColumnSum {
        self.scalar += value;
        self
    }

    #[inline(always)]
    fn total(self) -> u64 {
        use core::arch::wasm32::{u64x2_add, u64x2_extract_lane};
        let sum = u64x2_add(self.low, self.high);
        self.scalar + u64x2_extract_lane::<0>(sum) + u64x2_extract_lane::<1>(sum)
    }
}

/// `a_(i/2)^2` for an even column `i`, else 0.
#[inline(always)]
fn middle_square<const L: usize>(a: &[u32; L], i: usize) -> u64 {
    if i % 2 == 0 {
        u64::from(a[i / 2]) * u64::from(a[i / 2])
    } else {
        0
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
    if less_than(a, n) {
        return;
    }
    let mut borrow = 0i64;
    for (x, y) in a.iter_mut().zip(n) {
        let difference = i64::from(*x) - i64::from(*y) + borrow;
        *x = (difference & ((1 << bits) - 1)) as u32;
        borrow = difference >> bits;
    }
}

/// `2a mod n` for `a < n`.
fn double_mod(a: &mut [u32], n: &[u32], bits: u32) {
    let mut carry = 0;
    for limb in a.iter_mut() {
        let doubled = *limb << 1 | carry;
        carry = doubled >> bits;
        *limb = doubled & ((1 << bits) - 1);
    }
    reduce(a, n, bits);
}

/// `R^2 mod n`, the constant that enters Montgomery form, for an `n` of `modulus_bits`
/// bits in layout `(L, B)`: `R mod n` by doubling `2^(modulus_bits - 1)`, then `2^(B*L)`
/// in Montgomery form by square-and-double over the bits of `B*L` (about a dozen
/// products, where doubling all the way takes thousands of passes). `n_reversed` is the
/// key's constant that [`square`] takes.
pub fn r_squared<const L: usize, const P: usize, const B: u32>(
    n: &[u32; L],
    n_reversed: &[u32; P],
    n0_inverse: u32,
    modulus_bits: usize,
) -> [u32; L] {
    let r_bits = B as usize * L;
    let mut x = [0u32; L];
    let top = modulus_bits - 1;
    x[top / B as usize] = 1 << (top % B as usize);
    for _ in top..r_bits {
        double_mod(&mut x, n, B);
    }
    // x = R mod n, the Montgomery form of 1; now raise 2 to the power r_bits.
    double_mod(&mut x, n, B);
    let exponent_bits = usize::BITS - r_bits.leading_zeros();
    for bit in (0..exponent_bits - 1).rev() {
        x = square::<L, P, B>(n_reversed, n0_inverse, &x);
        reduce(&mut x, n, B);
        if r_bits >> bit & 1 == 1 {
            double_mod(&mut x, n, B);
        }
    }
    x
}
