//! Arithmetic modulo an odd prime of `N` 32-bit limbs, in Montgomery form: the field of
//! a curve's coordinates, or its scalars (modulo the group order). The exceptions, both
//! in 29-bit limbs: P-521's coordinates, plain residues ([`mersenne521`]), and P-384's,
//! in Montgomery form with `R = 2^406` ([`montgomery29`]).

use super::super::montgomery;
use super::inverse;
use super::mersenne521;
use super::montgomery29;

/// A residue in Montgomery form (`x * R mod p`), fully reduced, limbs little-endian; for
/// [`Field::mersenne521`]'s field (18 limbs), the plain residue in 29-bit limbs, and for
/// [`Field::montgomery29`]'s, `x * 2^(29 N) mod p` in 29-bit limbs.
pub type Element<const N: usize> = [u32; N];

/// A field's product of two elements. The field comes first so that one pointer type
/// covers the generic Montgomery product, which reads the modulus from it, and the
/// products compiled for one prime, which ignore it.
pub type Product<const N: usize> = fn(&Field<N>, &Element<N>, &Element<N>) -> Element<N>;

/// How a field's elements use their limbs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Limbs {
    /// 32 bits each: Montgomery form, or plain residues with [`Field::with_plain_mul`].
    Words,
    /// 29 bits each, plain residues modulo `2^521 - 1`: [`mersenne521`].
    Mersenne521,
    /// 29 bits each, Montgomery form with `R = 2^(29 N)`: [`montgomery29`].
    Montgomery29,
}

#[derive(Debug)]
pub struct Field<const N: usize> {
    modulus: [u32; N],
    n0_inverse: u32,
    /// `R^2 mod p`, to enter Montgomery form.
    r_squared: Element<N>,
    /// `R^3 mod p`: turns the plain inverse of a Montgomery element into Montgomery form.
    r_cubed: Element<N>,
    /// `R mod p`: one, in Montgomery form.
    one: Element<N>,
    /// The modulus in 29-bit limbs, for [`Field::montgomery29`]'s sums (zero otherwise).
    modulus29: [i64; N],
    /// `(p + 1) / 4`, the exponent of square roots (every prime here is 3 mod 4).
    sqrt_exponent: [u32; N],
    /// The modulus as the inversion's divsteps take it.
    inverse_modulus: inverse::Modulus,
    /// The product: the generic Montgomery one, or one compiled for this very prime.
    product: Product<N>,
    limbs: Limbs,
}

impl<const N: usize> Field<N> {
    /// `modulus` must be an odd prime (P-521's order leaves its 18th limb zero).
    pub fn new(modulus: [u32; N]) -> Field<N> {
        let mut field = Field::with_modulus(modulus);
        let r_squared: Element<N> = montgomery::r_squared(&modulus)
            .try_into()
            .expect("one limb per limb");
        field.r_squared = r_squared;
        field.r_cubed = field.mul(&r_squared, &r_squared);
        field.one = field.montgomery_form(&one_plain());
        field
    }

    /// What every field of `modulus` has, whatever form its elements take; the
    /// Montgomery constants are all 1, which is right for plain residues (`R = 1`).
    fn with_modulus(modulus: [u32; N]) -> Field<N> {
        // (p + 1) / 4 = (p >> 2) + 1 when p = 3 mod 4.
        let mut sqrt_exponent = modulus;
        montgomery::shift_right(&mut sqrt_exponent, 2);
        montgomery::add(&mut sqrt_exponent, &one_plain::<N>());
        let n0_inverse = montgomery::negated_inverse_mod_2_32(modulus[0]);
        Field {
            modulus,
            n0_inverse,
            r_squared: one_plain(),
            r_cubed: one_plain(),
            one: one_plain(),
            modulus29: [0; N],
            sqrt_exponent,
            inverse_modulus: inverse::Modulus::new(&modulus, n0_inverse),
            product: Field::generic_mul,
            limbs: Limbs::Words,
        }
    }

    pub fn modulus(&self) -> &[u32; N] {
        &self.modulus
    }

    pub fn one(&self) -> Element<N> {
        self.one
    }

    /// Montgomery product; also maps a plain value times a Montgomery one to a plain value.
    // Inlined as one indirect call: the point arithmetic then calls the field's product
    // directly, with no wrapper's frame around each of the thousands of products a
    // verification makes (V8's baseline code, which runs a key's first verifications,
    // gained the most).
    #[inline(always)]
    pub fn mul(&self, a: &Element<N>, b: &Element<N>) -> Element<N> {
        (self.product)(self, a, b)
    }

    // One copy per field size: inlining the unrolled loops at every call site made the
    // module much larger for no measured speed.
    #[inline(never)]
    fn generic_mul(&self, a: &Element<N>, b: &Element<N>) -> Element<N> {
        montgomery::mul_fixed(&self.modulus, self.n0_inverse, a, b)
    }

    /// The same field, multiplying with `special`: [`mul_fixed`](montgomery::mul_fixed)
    /// compiled for this modulus (see `curves::prime_mul!`).
    pub fn with_special_mul(mut self, special: Product<N>) -> Self {
        self.product = special;
        self
    }

    /// The same field with elements kept as plain residues (`R = 1`), multiplying with
    /// `plain`, a product `a * b mod p` for a prime whose shape reduces faster than
    /// Montgomery's method (2^255 - 19). Every other operation is unchanged: with
    /// `R = 1`, "Montgomery form" is the value itself and the constants `R^2`, `R^3` and
    /// one are all 1.
    pub fn with_plain_mul(mut self, plain: Product<N>) -> Self {
        self.product = plain;
        self.r_squared = one_plain();
        self.r_cubed = one_plain();
        self.one = one_plain();
        self
    }

    /// Whether this is [`Field::mersenne521`]'s field. False at compile time for every
    /// limb count but 18, so that the other curves' inlined additions carry no branch for
    /// it (with the branch, ES256 measured 4.6% slower).
    #[inline(always)]
    fn is_mersenne521(&self) -> bool {
        N == mersenne521::LIMBS && self.limbs == Limbs::Mersenne521
    }

    /// Whether this is a [`Field::montgomery29`] field; false at compile time for every
    /// limb count but P-384's in 29-bit limbs (14), as above.
    #[inline(always)]
    fn is_montgomery29(&self) -> bool {
        N == montgomery29::P384::LIMBS && self.limbs == Limbs::Montgomery29
    }

    /// `a * a`: the multiplication itself (a dedicated squaring measured slower here for
    /// 32-bit limbs, and no faster for `mersenne521`'s: 171 products instead of 324, but
    /// on offsets that change per column).
    #[inline]
    pub fn square(&self, a: &Element<N>) -> Element<N> {
        self.mul(a, a)
    }
}

impl Field<{ mersenne521::LIMBS }> {
    /// The field of `2^521 - 1` (`modulus`, in 32-bit limbs), its elements plain residues
    /// in 29-bit limbs: see [`mersenne521`] for why. Constants, bytes and the inversion
    /// convert from and to 32-bit limbs; everything else stays in 29-bit limbs.
    pub fn mersenne521(modulus: [u32; mersenne521::LIMBS]) -> Self {
        Field {
            product: |_, a, b| mersenne521::mul(a, b),
            limbs: Limbs::Mersenne521,
            ..Field::with_modulus(modulus)
        }
    }
}

impl<const N: usize> Field<N> {
    /// The field of `P` (`modulus`, in 32-bit limbs, zero above the prime), its elements
    /// in Montgomery form with `R = 2^(29 N)` in 29-bit limbs. Constants, bytes and the
    /// inversion convert from and to 32-bit limbs; everything else stays in 29-bit limbs.
    pub fn montgomery29<P: montgomery29::Prime<N>>(modulus: [u32; N]) -> Self {
        // `is_montgomery29` knows this form by its limb count at compile time: another
        // prime in this form adds its count there.
        const { assert!(N == montgomery29::P384::LIMBS) };
        debug_assert_eq!(modulus, P::WORDS);
        // `R mod p`, then on from it to `R^2 mod p`, by doubling.
        let mut power = one_plain();
        let mut powers = [[0u32; N]; 2];
        for entry in &mut powers {
            for _ in 0..29 * N {
                montgomery::double_mod(&mut power, &modulus);
            }
            *entry = montgomery29::from_words(&power);
        }
        let [one, r_squared] = powers;
        Field {
            product: |_, a, b| montgomery29::mul::<P, N>(a, b),
            limbs: Limbs::Montgomery29,
            modulus29: P::LIMBS29,
            r_squared,
            one,
            ..Field::with_modulus(modulus)
        }
    }
}

impl<const N: usize> Field<N> {
    // Inlined, unlike `mul`: a few limbs' carry chain, cheaper than the call and the copies
    // through memory (ES256 5%, ES384 2%, EdDSA 5-12% faster in Node for 1.2 KB gzip).
    #[inline]
    pub fn add(&self, a: &Element<N>, b: &Element<N>) -> Element<N> {
        if self.is_mersenne521() {
            return bits29_op(mersenne521::add, a, b);
        }
        if self.is_montgomery29() {
            return montgomery29::add(a, b, &self.modulus29);
        }
        let mut sum = *a;
        let carried = montgomery::add(&mut sum, b);
        if carried || !montgomery::less_than(&sum, &self.modulus) {
            montgomery::subtract(&mut sum, &self.modulus);
        }
        sum
    }

    #[inline]
    pub fn sub(&self, a: &Element<N>, b: &Element<N>) -> Element<N> {
        if self.is_mersenne521() {
            return bits29_op(mersenne521::sub, a, b);
        }
        if self.is_montgomery29() {
            return montgomery29::sub(a, b, &self.modulus29);
        }
        let mut difference = *a;
        montgomery::subtract_mod(&mut difference, b, &self.modulus);
        difference
    }

    #[inline]
    pub fn double(&self, a: &Element<N>) -> Element<N> {
        self.add(a, a)
    }

    #[inline]
    pub fn negate(&self, a: &Element<N>) -> Element<N> {
        self.sub(&[0; N], a)
    }

    /// A plain value below the modulus into Montgomery form.
    pub fn montgomery_form(&self, plain: &[u32; N]) -> Element<N> {
        if self.is_mersenne521() {
            return bits29_convert(mersenne521::from_words, plain);
        }
        if self.is_montgomery29() {
            return self.mul(&montgomery29::from_words(plain), &self.r_squared);
        }
        self.mul(plain, &self.r_squared)
    }

    /// The plain value of `a` in 32-bit limbs.
    fn plain(&self, a: &Element<N>) -> [u32; N] {
        if self.is_mersenne521() {
            return bits29_convert(mersenne521::to_words, a);
        }
        if self.is_montgomery29() {
            return montgomery29::to_words(&self.mul(a, &one_plain()));
        }
        self.mul(a, &one_plain())
    }

    /// Big-endian bytes into Montgomery form; `None` unless the value is below the modulus.
    pub fn element(&self, bytes: &[u8]) -> Option<Element<N>> {
        let plain = self.plain_element(bytes)?;
        Some(self.montgomery_form(&plain))
    }

    /// Big-endian bytes as a plain value; `None` unless it is below the modulus.
    pub fn plain_element(&self, bytes: &[u8]) -> Option<[u32; N]> {
        let mut plain = [0u32; N];
        (montgomery::limbs_from_be(bytes, &mut plain)
            && montgomery::less_than(&plain, &self.modulus))
        .then_some(plain)
    }

    /// `a^-1`, or zero for zero. Safegcd divsteps ([`inverse`], variable-time; all inputs
    /// are public) take `aR` to the plain value `a^-1 R^-1`, and one product with `R^3`
    /// brings it to Montgomery form: many times cheaper than `a^(p-2)`.
    pub fn invert(&self, a: &Element<N>) -> Element<N> {
        // The fields in 29-bit limbs: from and to 32-bit limbs around the divsteps.
        if self.is_mersenne521() || self.is_montgomery29() {
            let inverse = inverse::inverse_vartime(&self.plain(a), &self.inverse_modulus);
            return self.montgomery_form(&inverse);
        }
        let plain_inverse = inverse::inverse_vartime(a, &self.inverse_modulus);
        self.mul(&plain_inverse, &self.r_cubed)
    }

    /// The inverses of many values with one inversion (Montgomery's trick); `None` if one
    /// of them is zero.
    pub fn invert_all(&self, values: &[Element<N>]) -> Option<Vec<Element<N>>> {
        let mut inverses = Vec::with_capacity(values.len());
        let mut product = self.one;
        for value in values {
            product = self.mul(&product, value);
            inverses.push(product);
        }
        let mut inverse = self.invert(&product);
        if is_zero(&inverse) {
            return None;
        }
        // From the last value down, `inverse` is the inverse of the product of the values
        // up to `index`, and `inverses[index - 1]` still holds the product before it.
        for index in (0..values.len()).rev() {
            inverses[index] = match index {
                0 => inverse,
                _ => self.mul(&inverse, &inverses[index - 1]),
            };
            inverse = self.mul(&inverse, &values[index]);
        }
        Some(inverses)
    }

    /// A square root of `a`, if `a` is a square: `a^((p+1)/4)`, checked (`p = 3 mod 4`).
    pub fn sqrt(&self, a: &Element<N>) -> Option<Element<N>> {
        let root = self.pow(a, &self.sqrt_exponent);
        (self.square(&root) == *a).then_some(root)
    }

    /// The plain value of `a`, big-endian in `len` bytes.
    pub fn to_be_bytes(&self, a: &Element<N>, len: usize) -> Vec<u8> {
        montgomery::be_from_limbs(&self.plain(a), len)
    }

    /// `a^exponent` with a fixed 4-bit window; variable-time in the exponent, which is
    /// always a public constant here.
    pub fn pow(&self, a: &Element<N>, exponent: &[u32; N]) -> Element<N> {
        let mut powers = [self.one; 16];
        for index in 1..16 {
            powers[index] = self.mul(&powers[index - 1], a);
        }
        let mut result = self.one;
        let mut started = false;
        for limb in exponent.iter().rev() {
            for shift in (0..8).rev() {
                let nibble = (limb >> (4 * shift) & 0xf) as usize;
                if started {
                    for _ in 0..4 {
                        result = self.square(&result);
                    }
                }
                if nibble != 0 {
                    result = if started {
                        self.mul(&result, &powers[nibble])
                    } else {
                        powers[nibble]
                    };
                    started = true;
                }
            }
        }
        result
    }
}

/// A [`mersenne521`] operation on a field's elements, which have its 18 limbs whenever
/// the field is [`Field::mersenne521`] (checked there).
#[inline(always)]
fn bits29_op<const N: usize>(
    op: impl FnOnce(&mersenne521::Limbs, &mersenne521::Limbs) -> mersenne521::Limbs,
    a: &[u32; N],
    b: &[u32; N],
) -> [u32; N] {
    bits29_convert(|a| op(a, as_bits29(b)), a)
}

#[inline(always)]
fn bits29_convert<const N: usize>(
    convert: impl FnOnce(&mersenne521::Limbs) -> mersenne521::Limbs,
    a: &[u32; N],
) -> [u32; N] {
    let result = convert(as_bits29(a));
    result
        .as_slice()
        .try_into()
        .expect("a field of 2^521 - 1 has 18 limbs")
}

#[inline(always)]
fn as_bits29<const N: usize>(a: &[u32; N]) -> &mersenne521::Limbs {
    a.as_slice()
        .try_into()
        .expect("a field of 2^521 - 1 has 18 limbs")
}

/// Bytes from lowercase hex (whitespace ignored): the curves' constants as published.
pub fn hex_bytes(hex: &str) -> Vec<u8> {
    let digits: Vec<u8> = hex
        .bytes()
        .filter(|byte| !byte.is_ascii_whitespace())
        .map(|byte| match byte {
            b'0'..=b'9' => byte - b'0',
            b'a'..=b'f' => byte - b'a' + 10,
            _ => unreachable!("curve constants are lowercase hex"),
        })
        .collect();
    digits
        .chunks(2)
        .map(|pair| pair[0] << 4 | pair[1])
        .collect()
}

pub fn is_zero<const N: usize>(a: &[u32; N]) -> bool {
    a.iter().all(|limb| *limb == 0)
}

fn one_plain<const N: usize>() -> [u32; N] {
    let mut one = [0u32; N];
    one[0] = 1;
    one
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two<const N: usize>() -> [u32; N] {
        let mut two = [0u32; N];
        two[0] = 2;
        two
    }

    /// The P-256 prime, little-endian limbs.
    const P256: [u32; 8] = [
        0xffff_ffff,
        0xffff_ffff,
        0xffff_ffff,
        0,
        0,
        0,
        1,
        0xffff_ffff,
    ];

    fn sample(field: &Field<8>, seed: u32) -> Element<8> {
        let mut plain: [u32; 8] = core::array::from_fn(|i| seed.wrapping_mul(i as u32 + 7));
        plain[7] >>= 1;
        field.montgomery_form(&plain)
    }

    #[test]
    fn inverse_times_value_is_one() {
        let field = Field::new(P256);
        for seed in [1u32, 2, 0xdead_beef, 0xffff_ffff] {
            let a = sample(&field, seed);
            assert_eq!(
                field.mul(&a, &field.invert(&a)),
                field.one(),
                "seed {seed:#x}"
            );
        }
        assert!(is_zero(&field.invert(&[0; 8])));
    }

    #[test]
    fn inverse_matches_fermat_on_every_field() {
        // Each curve's coordinate field and scalar field, and Ed25519's: the divsteps
        // inverse against a^(p-2), on values across the range, sparse ones, powers of two
        // and the ends (1, 2, p-1).
        fn check<const N: usize>(modulus: [u32; N]) {
            let field = Field::new(modulus);
            let mut p_minus_2 = modulus;
            montgomery::subtract(&mut p_minus_2, &two::<N>());
            let mut p_minus_1 = modulus;
            montgomery::subtract(&mut p_minus_1, &one_plain::<N>());
            let mut values = vec![one_plain::<N>(), two::<N>(), p_minus_1, p_minus_2];
            for bit in (0..32 * N).step_by(7) {
                let mut power = [0u32; N];
                power[bit / 32] = 1 << (bit % 32);
                if montgomery::less_than(&power, &modulus) {
                    values.push(power);
                }
            }
            for seed in 1..200u32 {
                let mut value: [u32; N] = core::array::from_fn(|i| {
                    seed.wrapping_mul(0x9e37_79b9)
                        .rotate_left(i as u32 * 7 + seed)
                        .wrapping_add(i as u32)
                });
                // Sparse values too: long runs of zero bits in the low limbs.
                if seed % 3 == 0 {
                    value[..N / 2].fill(0);
                }
                if montgomery::less_than(&value, &modulus) {
                    values.push(value);
                }
            }
            for plain in values {
                let a = field.montgomery_form(&plain);
                assert_eq!(field.invert(&a), field.pow(&a, &p_minus_2), "{plain:x?}");
            }
        }
        fn check_curve<const N: usize>(curve: &super::super::Curve<N>) {
            check(*curve.arithmetic.field.modulus());
            check(*curve.scalars.modulus());
            // The curve's own coordinate field, whatever its limbs.
            let field = &curve.arithmetic.field;
            for seed in 1..50u32 {
                let mut plain: [u32; N] = core::array::from_fn(|i| {
                    seed.wrapping_mul(0x9e37_79b9).rotate_left(7 * i as u32)
                });
                plain[N - 1] = 0;
                let a = field.montgomery_form(&plain);
                assert_eq!(field.mul(&a, &field.invert(&a)), field.one(), "{plain:x?}");
            }
        }
        check_curve(super::super::p256());
        check_curve(super::super::secp256k1());
        check_curve(super::super::p384());
        check_curve(super::super::p521());
        // Ed25519: 2^255 - 19 and the group order.
        let mut p25519 = [u32::MAX; 8];
        (p25519[0], p25519[7]) = (u32::MAX - 18, u32::MAX >> 1);
        check(p25519);
        let mut order = [0u32; 8];
        montgomery::limbs_from_be(
            &hex_bytes("1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed"),
            &mut order,
        );
        check(order);
    }

    #[test]
    fn batch_inverses_match_single_ones() {
        let field = Field::new(P256);
        let values: Vec<Element<8>> = [1u32, 2, 0xdead_beef, 0xffff_ffff, 7]
            .iter()
            .map(|seed| sample(&field, *seed))
            .collect();
        let inverses = field.invert_all(&values).expect("no zero");
        for (value, inverse) in values.iter().zip(&inverses) {
            assert_eq!(*inverse, field.invert(value));
        }
        assert_eq!(field.invert_all(&[]), Some(vec![]));
        let with_zero = [values[0], [0; 8], values[1]];
        assert!(field.invert_all(&with_zero).is_none());
    }

    #[test]
    fn square_roots() {
        let field = Field::new(P256);
        for seed in [1u32, 2, 0xdead_beef, 0xffff_ffff] {
            let a = sample(&field, seed);
            let root = field.sqrt(&field.square(&a)).expect("a square has a root");
            assert!(root == a || root == field.negate(&a), "seed {seed:#x}");
        }
        // -1 is not a square modulo a prime that is 3 mod 4.
        assert!(field.sqrt(&field.negate(&field.one())).is_none());
        assert_eq!(field.to_be_bytes(&field.one(), 2), [0, 1]);
    }

    #[test]
    fn add_sub_negate_agree() {
        let field = Field::new(P256);
        let (a, b) = (sample(&field, 3), sample(&field, 0x8765_4321));
        assert_eq!(field.sub(&field.add(&a, &b), &b), a);
        assert!(is_zero(&field.add(&a, &field.negate(&a))));
        assert_eq!(field.double(&a), field.add(&a, &a));
        assert_eq!(field.square(&a), field.mul(&a, &a));
        // p - 1 + 1 wraps to zero.
        let mut p_minus_1 = P256;
        p_minus_1[0] -= 1;
        let minus_one = field.montgomery_form(&p_minus_1);
        assert!(is_zero(&field.add(&minus_one, &field.one())));
    }

    #[test]
    fn bytes_at_or_above_the_modulus_are_refused() {
        let field = Field::new(P256);
        let p_bytes = montgomery::be_from_limbs(&P256, 32);
        assert!(field.element(&p_bytes).is_none());
        assert!(field.element(&[0xff; 33]).is_none());
        assert_eq!(field.element(&[1]), Some(field.one()));
    }
}
