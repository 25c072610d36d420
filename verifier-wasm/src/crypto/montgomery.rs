//! Montgomery arithmetic over 32-bit limbs (little-endian), variable-time, for public data
//! only: the EC field and scalar arithmetic (fixed sizes), and limb helpers the RSA code
//! shares. wasm32 multiplies 32x32->64 natively, while 64-bit limbs would need an emulated
//! 64x64->128 product. (RSA's long moduli use narrower limbs: `rsa_montgomery`.)
//!
//! The products take fixed-size arrays and are `#[inline(always)]`, so each caller gets
//! loops of known length that the compiler unrolls.

/// Montgomery product `a * b / R mod n` (`R = 2^(32N)`) for `a, b < n`; the result is
/// `< n`.
///
/// FIOS: each outer step adds `a_i * b` and `m * n` in one pass with two carries, and
/// shifts one limb down. Arrays of a size known at compile time, not slices: the compiler
/// unrolls and drops every bounds check (measured about 2x faster than the slice form
/// natively for 8 limbs).
#[inline(always)]
pub fn mul_fixed<const N: usize>(
    n: &[u32; N],
    n0_inverse: u32,
    a: &[u32; N],
    b: &[u32; N],
) -> [u32; N] {
    let mut t = Accumulator::ZERO;
    for &a_i in a {
        t.add_step(a_i, b, n, n0_inverse);
    }
    t.reduced(n)
}

/// [`mul_fixed`] with its outer loop written out too, for up to 8 limbs: P-256's product,
/// most of an ES256 verification. LLVM leaves the outer loop of [`mul_fixed`] a loop and
/// unrolls only the inner one; written out, ES256 measured 0.78-0.82x the time in V8
/// (`compare.mjs`). P-384's 12 limbs measured no faster written out (its field has
/// 29-bit limbs since, `ec/montgomery29.rs`), and secp256k1 keeps the loop too: ES256K is far inside its target, and its copy would take
/// the baseline build past 150 KB gzip.
#[cfg(feature = "ecdsa")]
#[inline(always)]
pub fn mul_fixed_unrolled<const N: usize>(
    n: &[u32; N],
    n0_inverse: u32,
    a: &[u32; N],
    b: &[u32; N],
) -> [u32; N] {
    const { assert!(N <= 8) };
    let mut t = Accumulator::ZERO;
    macro_rules! steps {
        ($($i:literal)*) => {$(
            if let Some(&a_i) = a.get($i) {
                t.add_step(a_i, b, n, n0_inverse);
            }
        )*};
    }
    steps!(0 1 2 3 4 5 6 7);
    t.reduced(n)
}

/// The running value of a FIOS product: `N` limbs and the carry above them.
struct Accumulator<const N: usize> {
    limbs: [u32; N],
    top: u32,
}

impl<const N: usize> Accumulator<N> {
    const ZERO: Self = Accumulator {
        limbs: [0; N],
        top: 0,
    };

    /// `(self + a_i * b + m * n) / 2^32`, with `m` chosen so that the division is exact.
    #[inline(always)]
    fn add_step(&mut self, a_i: u32, b: &[u32; N], n: &[u32; N], n0_inverse: u32) {
        let t = &mut self.limbs;
        let a_i = u64::from(a_i);
        let first = u64::from(t[0]) + a_i * u64::from(b[0]);
        let m = u64::from((first as u32).wrapping_mul(n0_inverse));
        let mut carry_ab = first >> 32;
        let mut carry_mn = (u64::from(first as u32) + m * u64::from(n[0])) >> 32;
        for j in 1..N {
            let ab = u64::from(t[j]) + a_i * u64::from(b[j]) + carry_ab;
            carry_ab = ab >> 32;
            let mn = u64::from(ab as u32) + m * u64::from(n[j]) + carry_mn;
            carry_mn = mn >> 32;
            t[j - 1] = mn as u32;
        }
        let sum = u64::from(self.top) + carry_ab + carry_mn;
        t[N - 1] = sum as u32;
        self.top = (sum >> 32) as u32;
    }

    /// The value below `n`: one subtraction at most, since it is below `2n`.
    #[inline(always)]
    fn reduced(mut self, n: &[u32; N]) -> [u32; N] {
        if self.top != 0 || !less_than(&self.limbs, n) {
            subtract(&mut self.limbs, n);
        }
        self.limbs
    }
}

/// `a = a - b mod p` for `a, b < p`.
pub fn subtract_mod<const N: usize>(a: &mut [u32; N], b: &[u32; N], p: &[u32; N]) {
    if subtract(a, b) {
        add(a, p);
    }
}

/// `-n^-1 mod 2^32` for odd `n0`, the constant [`mul_fixed`] takes.
pub const fn negated_inverse_mod_2_32(n0: u32) -> u32 {
    // Newton's iteration: each step doubles the number of correct low bits.
    let mut inverse = 1u32;
    let mut step = 0;
    while step < 5 {
        inverse = inverse.wrapping_mul(2u32.wrapping_sub(n0.wrapping_mul(inverse)));
        step += 1;
    }
    inverse.wrapping_neg()
}

/// `r = 2r mod n`, for `r < n`.
pub fn double_mod(r: &mut [u32], n: &[u32]) {
    let mut carry = 0u32;
    for limb in r.iter_mut() {
        let next = *limb >> 31;
        *limb = *limb << 1 | carry;
        carry = next;
    }
    if carry != 0 || !less_than(r, n) {
        subtract(r, n);
    }
}

/// `R^2 mod n` with `R = 2^(32 * n.len())`: the constant that enters Montgomery form.
pub fn r_squared(n: &[u32]) -> Vec<u32> {
    let mut r = vec![0u32; n.len()];
    r[0] = 1;
    for _ in 0..2 * 32 * n.len() {
        double_mod(&mut r, n);
    }
    r
}

/// Bits of the value in little-endian 32-bit limbs, up to its highest one set.
pub fn bit_length(limbs: &[u32]) -> usize {
    limbs
        .iter()
        .rposition(|limb| *limb != 0)
        .map_or(0, |top| 32 * top + 32 - limbs[top].leading_zeros() as usize)
}

/// `a < b`, both the same number of limbs.
#[inline(always)]
pub fn less_than(a: &[u32], b: &[u32]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x < y;
        }
    }
    false
}

/// `a -= b` modulo `2^(32 * limbs)`; returns whether it borrowed.
#[inline(always)]
pub fn subtract(a: &mut [u32], b: &[u32]) -> bool {
    let mut borrow = 0i64;
    for (x, y) in a.iter_mut().zip(b) {
        let difference = i64::from(*x) - i64::from(*y) + borrow;
        *x = difference as u32;
        borrow = difference >> 32;
    }
    borrow != 0
}

/// `a += b` modulo `2^(32 * limbs)`; returns whether it carried.
#[inline(always)]
pub fn add(a: &mut [u32], b: &[u32]) -> bool {
    let mut carry = 0u64;
    for (x, y) in a.iter_mut().zip(b) {
        let sum = u64::from(*x) + u64::from(*y) + carry;
        *x = sum as u32;
        carry = sum >> 32;
    }
    carry != 0
}

/// `value >>= bits` for `0 < bits < 32`.
pub fn shift_right(value: &mut [u32], bits: usize) {
    debug_assert!(bits > 0 && bits < 32);
    for index in 0..value.len() {
        let high = value.get(index + 1).map_or(0, |next| next << (32 - bits));
        value[index] = value[index] >> bits | high;
    }
}

/// Big-endian bytes into `out` (little-endian limbs); false when they do not fit.
pub fn limbs_from_be(bytes: &[u8], out: &mut [u32]) -> bool {
    out.fill(0);
    for (index, byte) in bytes.iter().rev().enumerate() {
        if index / 4 >= out.len() {
            if *byte != 0 {
                return false;
            }
            continue;
        }
        out[index / 4] |= u32::from(*byte) << (8 * (index % 4));
    }
    true
}

/// The low `len` bytes of `limbs`, big-endian.
pub fn be_from_limbs(limbs: &[u32], len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    for (index, byte) in out.iter_mut().rev().enumerate() {
        *byte = limbs
            .get(index / 4)
            .map_or(0, |limb| (limb >> (8 * (index % 4))) as u8);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_and_limb_conversions() {
        for x in [1u32, 3, 0xffff_ffff, 0x1234_5679] {
            assert_eq!(x.wrapping_mul(negated_inverse_mod_2_32(x)), u32::MAX);
        }
        let bytes = [0x01, 0x02, 0x03, 0x04, 0x05];
        let mut limbs = [0u32; 2];
        assert!(limbs_from_be(&bytes, &mut limbs));
        assert_eq!(limbs, [0x0203_0405, 0x01]);
        assert_eq!(be_from_limbs(&limbs, 5), bytes);
        assert!(!limbs_from_be(&[1, 0, 0, 0, 0], &mut [0u32; 1]));
        assert!(limbs_from_be(&[0, 0, 0, 0, 7], &mut [0u32; 1]));
    }

    #[test]
    fn small_modulus_matches_plain_arithmetic() {
        // n = 3233 (one limb, R = 2^32): a * b / R mod n checked with u128 math.
        let n = [3233u32];
        let n0 = negated_inverse_mod_2_32(n[0]);
        let r_inverse = (1..3233u128)
            .find(|x| (x << 32) % 3233 == 1)
            .expect("R is invertible mod 3233");
        for (a, b) in [(0u32, 5u32), (1, 1), (3232, 3232), (1234, 2345)] {
            let expected = u128::from(a) * u128::from(b) % 3233 * r_inverse % 3233;
            let product = mul_fixed(&n, n0, &[a], &[b]);
            assert_eq!(u128::from(product[0]), expected, "{a} * {b}");
        }
    }
}
