//! The four ECDSA curves of JOSE: their primes, orders and generators (SEC 2, FIPS 186-5),
//! each set up once per process with its generator table.

use std::sync::OnceLock;

use super::super::montgomery;
use super::field::{Element, Field, hex_bytes};
use super::fixed_base::FixedBase;
use super::montgomery29;
use super::point::{Affine, Arithmetic, CoefficientA};

/// A curve ready for verification: coordinate arithmetic, scalar field, generator table.
#[derive(Debug)]
pub struct Curve<const N: usize> {
    pub arithmetic: Arithmetic<N>,
    /// The curve's `b` coefficient, in Montgomery form.
    b: Element<N>,
    /// Bytes of a coordinate.
    pub field_len: usize,
    /// Integers modulo the group order `n`.
    pub scalars: Field<N>,
    pub order_bits: usize,
    /// Bytes of `r` and of `s` in a JOSE signature.
    pub scalar_len: usize,
    /// The generator and the tables of `u1*G + u2*Q`.
    pub base: FixedBase<Arithmetic<N>>,
}

struct Parameters {
    prime: &'static str,
    b: &'static str,
    order: &'static str,
    generator_x: &'static str,
    generator_y: &'static str,
    a: Coefficient,
    /// Window bits of the tables: 8 for the generator's (7 for secp256k1; built once
    /// per process; for P-521, 66 windows of 128 points, about 1.2 MB), 7 for a key's (6
    /// for P-521 and secp256k1; one per key in use; 151 KB for P-256, 88 KB for
    /// secp256k1, 400 KB for P-384 (14 limbs since session 12, 340 KB with 12), 400 KB
    /// for P-521). Against the 5-6 and 4-5 bits used
    /// before (`compare.mjs`): ES384 15% and ES512 13% faster (and EdDSA 15%, whose
    /// tables, in `ed25519.rs`, have the same sizes as P-256's). P-384 then went to 6 bits
    /// for keys (about 10% faster again) and, in session 6, to 8 and 7 bits: 12-15% faster
    /// again, for a generator table of 590 KB that takes 55-65 ms instead of 34 to build
    /// with the first key's, and 18-23 ms instead of 10.5 for each further key's table
    /// (`bench/tables.mjs`; 8 and 6 bits measured 6% faster).
    /// P-256 went from 7 and 6 bits to 8 and 7 in session 8: ES256 10-12% faster
    /// (`compare.mjs` 0.877-0.897), for 22-26 ms instead of 15 on the first key's third
    /// verification and 6.7-7.5 instead of 4.1 for each further key's. 9 and 7 bits
    /// (0.846x, 34 ms for the first key) and 8 and 8 (0.841x, 10.4 ms per key) were
    /// faster still, for much more time per table.
    /// P-521 keys at 6 bits were faster too but took 28 ms to build; once P-521 had its
    /// 29-bit field (session 7, `mersenne521`), 6 bits took 17 ms per key (the old
    /// package's 5 bits took 15) for 9% faster ES512 (`compare.mjs`), and 400 KB per key.
    /// Its generator's 8-bit table then made ES512 4.4% faster again, for 1.2 MB and 68 ms
    /// instead of 52 on the first key's third verification (`tables.mjs`).
    generator_window_bits: usize,
    key_window_bits: usize,
}

/// A curve's `a`, as written in its parameters.
enum Coefficient {
    MinusThree,
    Zero,
}

const P256: Parameters = Parameters {
    prime: "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
    b: "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
    order: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
    generator_x: "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
    generator_y: "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5",
    a: Coefficient::MinusThree,
    generator_window_bits: 8,
    key_window_bits: 7,
};

const P384: Parameters = Parameters {
    prime: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe\
            ffffffff0000000000000000ffffffff",
    b: "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875a\
        c656398d8a2ed19d2a85c8edd3ec2aef",
    order: "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf\
            581a0db248b0a77aecec196accc52973",
    generator_x: "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a38\
                  5502f25dbf55296c3a545e3872760ab7",
    generator_y: "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c0\
                  0a60b1ce1d7e819d7a431d7c90ea0e5f",
    a: Coefficient::MinusThree,
    generator_window_bits: 8,
    key_window_bits: 7,
};

const P521: Parameters = Parameters {
    prime: "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\
            ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    b: "0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef1\
        09e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00",
    order: "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\
            fa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
    generator_x: "00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d\
                  3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66",
    generator_y: "011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e\
                  662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650",
    a: Coefficient::MinusThree,
    generator_window_bits: 8,
    key_window_bits: 6,
};

const SECP256K1: Parameters = Parameters {
    prime: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",
    b: "07",
    order: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
    generator_x: "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
    generator_y: "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8",
    a: Coefficient::Zero,
    generator_window_bits: 7,
    key_window_bits: 6,
};

pub fn p256() -> &'static Curve<8> {
    static CURVE: OnceLock<Curve<8>> = OnceLock::new();
    CURVE.get_or_init(|| Curve::new(&P256, |prime| Field::new(prime).with_special_mul(p256_mul)))
}

/// 14 limbs: 29-bit ones for the coordinates ([`Field::montgomery29`]), so the scalars
/// (modulo the order, in Montgomery form) take 14 32-bit limbs too, the top two zero.
pub fn p384() -> &'static Curve<14> {
    static CURVE: OnceLock<Curve<14>> = OnceLock::new();
    CURVE.get_or_init(|| Curve::new(&P384, Field::montgomery29::<montgomery29::P384>))
}

/// 18 limbs: 29-bit ones for the coordinates ([`Field::mersenne521`]), so the scalars
/// (modulo the order, in Montgomery form) take 18 32-bit limbs too, the top one zero.
pub fn p521() -> &'static Curve<18> {
    static CURVE: OnceLock<Curve<18>> = OnceLock::new();
    CURVE.get_or_init(|| Curve::new(&P521, Field::mersenne521))
}

pub fn secp256k1() -> &'static Curve<8> {
    static CURVE: OnceLock<Curve<8>> = OnceLock::new();
    CURVE.get_or_init(|| {
        Curve::new(&SECP256K1, |prime| {
            Field::new(prime).with_special_mul(secp256k1_mul)
        })
    })
}

/// The Montgomery product compiled for one prime: with its limbs known to the compiler,
/// the multiplications by the 0 and 1 limbs the NIST primes are made of disappear, and
/// those by 0xffffffff become a shift and a subtraction (ES256 12-14% faster in Node).
/// `$product` is `mul_fixed` or (P-256) `mul_fixed_unrolled`. The limbs are written
/// out again here, least significant first; a test checks each product against the
/// generic one with the prime parsed from the parameters.
macro_rules! prime_mul {
    ($name:ident, $limbs:literal, $product:ident, $prime:expr) => {
        fn $name(_: &Field<$limbs>, a: &Element<$limbs>, b: &Element<$limbs>) -> Element<$limbs> {
            const PRIME: [u32; $limbs] = $prime;
            const N0_INVERSE: u32 = montgomery::negated_inverse_mod_2_32(PRIME[0]);
            montgomery::$product(&PRIME, N0_INVERSE, a, b)
        }
    };
}

const ONES: u32 = 0xffff_ffff;
prime_mul!(
    p256_mul,
    8,
    mul_fixed_unrolled,
    [ONES, ONES, ONES, 0, 0, 0, 1, ONES]
);
prime_mul!(secp256k1_mul, 8, mul_fixed, {
    let mut limbs = [ONES; 8];
    (limbs[0], limbs[1]) = (0xffff_fc2f, 0xffff_fffe);
    limbs
});
impl<const N: usize> Curve<N> {
    /// `field_of` sets up the coordinate field for `parameters.prime`, with the product
    /// compiled for it.
    fn new(parameters: &Parameters, field_of: fn([u32; N]) -> Field<N>) -> Curve<N> {
        let order_bytes = hex_bytes(parameters.order);
        let prime = limbs::<N>(&hex_bytes(parameters.prime));
        let field_len = montgomery::bit_length(&prime).div_ceil(8);
        let field = field_of(prime);
        let b = field
            .element(&hex_bytes(parameters.b))
            .expect("b is below the prime");
        let generator = Affine {
            x: field
                .element(&hex_bytes(parameters.generator_x))
                .expect("the generator's x is below the prime"),
            y: field
                .element(&hex_bytes(parameters.generator_y))
                .expect("the generator's y is below the prime"),
        };
        let order = limbs::<N>(&order_bytes);
        let order_bits = montgomery::bit_length(&order);
        let a = match parameters.a {
            Coefficient::MinusThree => CoefficientA::MinusThree,
            Coefficient::Zero => CoefficientA::Zero,
        };
        let arithmetic = Arithmetic { field, a };
        let base = FixedBase::new(
            &arithmetic,
            generator,
            order_bits,
            (parameters.generator_window_bits, parameters.key_window_bits),
        );
        Curve {
            arithmetic,
            b,
            field_len,
            scalars: Field::new(order),
            order_bits,
            scalar_len: order_bits.div_ceil(8),
            base,
        }
    }

    /// A SEC1 point (uncompressed `04 x y` or compressed `02/03 x`) on the curve; `None`
    /// for any other encoding, a coordinate not below the prime, or a point off the
    /// curve (every curve here has cofactor 1, so on the curve means in the group).
    pub fn decode_point(&self, sec1: &[u8]) -> Option<Affine<N>> {
        let field = &self.arithmetic.field;
        let len = self.field_len;
        let (&tag, coordinates) = sec1.split_first()?;
        match (tag, coordinates.len()) {
            (0x04, length) if length == 2 * len => {
                let point = Affine {
                    x: field.element(&coordinates[..len])?,
                    y: field.element(&coordinates[len..])?,
                };
                (field.square(&point.y) == self.right_hand_side(&point.x)).then_some(point)
            }
            (0x02 | 0x03, length) if length == len => {
                let x = field.element(coordinates)?;
                let y = field.sqrt(&self.right_hand_side(&x))?;
                let y_is_odd = field
                    .to_be_bytes(&y, len)
                    .last()
                    .is_some_and(|low| low & 1 == 1);
                let y = if y_is_odd == (tag == 0x03) {
                    y
                } else {
                    field.negate(&y)
                };
                Some(Affine { x, y })
            }
            _ => None,
        }
    }

    /// `(x, y)` big-endian, each [`Self::field_len`] bytes.
    pub fn encode_coordinates(&self, point: &Affine<N>) -> (Vec<u8>, Vec<u8>) {
        let field = &self.arithmetic.field;
        (
            field.to_be_bytes(&point.x, self.field_len),
            field.to_be_bytes(&point.y, self.field_len),
        )
    }

    /// `x^3 + ax + b`.
    fn right_hand_side(&self, x: &Element<N>) -> Element<N> {
        let field = &self.arithmetic.field;
        let cube = field.mul(&field.square(x), x);
        let with_b = field.add(&cube, &self.b);
        match self.arithmetic.a {
            CoefficientA::Zero => with_b,
            CoefficientA::MinusThree => {
                let three_x = field.add(&field.double(x), x);
                field.sub(&with_b, &three_x)
            }
        }
    }
}

fn limbs<const N: usize>(bytes: &[u8]) -> [u32; N] {
    let mut limbs = [0u32; N];
    assert!(montgomery::limbs_from_be(bytes, &mut limbs));
    limbs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::ec::field::Product;
    use crate::crypto::montgomery::be_from_limbs;

    /// The transcribed constants against the RustCrypto crates' own.
    fn check<const N: usize>(curve: &Curve<N>, order: &[u8], generator_sec1: &[u8]) {
        let len = curve.scalar_len;
        assert_eq!(be_from_limbs(curve.scalars.modulus(), order.len()), order);
        let field = &curve.arithmetic.field;
        assert!(
            curve.decode_point(generator_sec1).is_some(),
            "G is on the curve"
        );
        let x = field.element(&generator_sec1[1..1 + len]).unwrap();
        let y = field.element(&generator_sec1[1 + len..]).unwrap();
        // The first table entry is G itself.
        let one = {
            let mut one = [0u32; N];
            one[0] = 1;
            one
        };
        let g = curve.base.generator_table(&curve.arithmetic).add_multiple(
            &curve.arithmetic,
            super::super::point::Jacobian::IDENTITY,
            &one,
        );
        assert!(curve.arithmetic.has_affine_x(&g, &x));
        assert_eq!(g.y, y, "z is one for a single table entry");
    }

    #[test]
    fn constants_match_the_curve_crates() {
        use elliptic_curve_reference::*;
        check(p256(), &p256_order(), &p256_generator());
        check(p384(), &p384_order(), &p384_generator());
        check(p521(), &p521_order(), &p521_generator());
        check(secp256k1(), &k256_order(), &k256_generator());
    }

    #[test]
    fn prime_specific_products_match_the_generic_one() {
        // Against mul_fixed with the prime parsed from the parameters: a limb written
        // wrong in prime_mul! changes products.
        fn check<const N: usize>(parameters: &Parameters, special: Product<N>) {
            let prime = limbs::<N>(&hex_bytes(parameters.prime));
            let field = Field::new(prime);
            let n0_inverse = montgomery::negated_inverse_mod_2_32(prime[0]);
            for seed in 1..100u32 {
                let value = |salt: u32| -> [u32; N] {
                    let mut value: [u32; N] = core::array::from_fn(|i| {
                        (seed ^ salt)
                            .wrapping_mul(0x9e37_79b9)
                            .rotate_left(i as u32 * 5 + seed)
                    });
                    value[N - 1] %= prime[N - 1].max(1);
                    value
                };
                let (a, b) = (value(1), value(0xabcd));
                assert_eq!(
                    special(&field, &a, &b),
                    montgomery::mul_fixed(&prime, n0_inverse, &a, &b)
                );
            }
        }
        check(&P256, p256_mul);
        check(&SECP256K1, secp256k1_mul);
    }

    /// The crates' orders and generators, big-endian / uncompressed SEC1.
    mod elliptic_curve_reference {
        use p256::elliptic_curve::Curve as _;
        use p256::elliptic_curve::sec1::ToSec1Point as _;

        pub fn p256_order() -> Vec<u8> {
            p256::NistP256::ORDER.to_be_bytes().to_vec()
        }
        pub fn p384_order() -> Vec<u8> {
            p384::NistP384::ORDER.to_be_bytes().to_vec()
        }
        pub fn p521_order() -> Vec<u8> {
            p521::NistP521::ORDER.to_be_bytes().to_vec()
        }
        pub fn k256_order() -> Vec<u8> {
            k256::Secp256k1::ORDER.to_be_bytes().to_vec()
        }
        pub fn p256_generator() -> Vec<u8> {
            p256::AffinePoint::GENERATOR
                .to_sec1_point(false)
                .as_bytes()
                .to_vec()
        }
        pub fn p384_generator() -> Vec<u8> {
            p384::AffinePoint::GENERATOR
                .to_sec1_point(false)
                .as_bytes()
                .to_vec()
        }
        pub fn p521_generator() -> Vec<u8> {
            p521::AffinePoint::GENERATOR
                .to_sec1_point(false)
                .as_bytes()
                .to_vec()
        }
        pub fn k256_generator() -> Vec<u8> {
            k256::AffinePoint::GENERATOR
                .to_sec1_point(false)
                .as_bytes()
                .to_vec()
        }
    }
}
