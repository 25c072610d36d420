//! Elliptic-curve verification, variable-time and written for wasm32: ECDSA on P-256,
//! P-384, P-521 and secp256k1, short Weierstrass curves (`curves`, `point`), and Ed25519
//! on its twisted Edwards curve ([`ed25519`], `edwards`). Both compute `u1*G + u2*Q` on
//! the same fixed-base tables (`table`, `fixed_base`) over the same field code (`field`).
//!
//! Why by hand: every input of a signature check is public, so the constant-time
//! arithmetic of the RustCrypto curve crates buys nothing here, and their 64-bit limbs
//! are emulated on wasm32 (measured 4-6x slower than jose + node:crypto). This computes
//! `u1*G + u2*Q` with Montgomery arithmetic over 32-bit limbs (in 29-bit limbs: P-384's
//! coordinates, `montgomery29`, and P-521's, plain residues, `mersenne521`) and
//! fixed-base tables for
//! both `G` and the key `Q`, so a verification is only mixed additions. Public points are
//! decoded and validated here too (SEC1, on the curve), which keeps the curve crates'
//! general arithmetic out of the .wasm; those crates stay the reference: Wycheproof and
//! the differential tests and fuzz target run both.

// Shared by ECDSA and Ed25519: a build with only one of them leaves some of it unused.
#![cfg_attr(not(all(feature = "ecdsa", feature = "eddsa")), allow(dead_code))]

#[cfg(feature = "ecdsa")]
mod curves;
#[cfg(feature = "eddsa")]
mod ed25519;
#[cfg(feature = "eddsa")]
mod edwards;
mod field;
mod fixed_base;
mod inverse;
mod mersenne521;
mod montgomery29;
#[cfg(feature = "ecdsa")]
mod point;
mod table;

#[cfg(feature = "ecdsa")]
pub use curves::{Curve, p256, p384, p521, secp256k1};
#[cfg(feature = "eddsa")]
pub use ed25519::{Ed25519Point, KeyRejection, edwards25519};
#[cfg(feature = "ecdsa")]
use fixed_base::PublicPoint;
#[cfg(feature = "ecdsa")]
use point::{Arithmetic, Jacobian};

#[cfg(feature = "ecdsa")]
use super::montgomery;

/// A validated public point on one of the ECDSA curves.
#[cfg(feature = "ecdsa")]
pub type PreparedKey<const N: usize> = PublicPoint<Arithmetic<N>>;

#[cfg(feature = "ecdsa")]
impl<const N: usize> PreparedKey<N> {
    /// The affine coordinates, big-endian, each the curve's field length.
    pub fn coordinates(&self, curve: &Curve<N>) -> (Vec<u8>, Vec<u8>) {
        curve.encode_coordinates(&self.point)
    }
}

#[cfg(feature = "ecdsa")]
impl<const N: usize> Curve<N> {
    /// A public key from its SEC1 encoding; `None` unless it is a point of the group
    /// other than the identity (see [`Curve::decode_point`]).
    // Not inlined into the per-curve dispatch, nor is `verify`: V8 compiles a wasm
    // function on its first call, so a key or token of one curve then compiles that
    // curve's code only, not all four (README, Performance: startup).
    #[inline(never)]
    pub fn prepare(&self, sec1: &[u8]) -> Option<PreparedKey<N>> {
        Some(PublicPoint::new(self.decode_point(sec1)?))
    }

    /// ECDSA verification (SEC 1 4.1.4) of a JOSE `r || s` signature over a message
    /// digest. `r` and `s` must be in `[1, n-1]`; high `s` is accepted.
    #[inline(never)]
    pub fn verify(&self, key: &PreparedKey<N>, digest: &[u8], signature: &[u8]) -> bool {
        if signature.len() != 2 * self.scalar_len {
            return false;
        }
        let (r_bytes, s_bytes) = signature.split_at(self.scalar_len);
        let (Some(r), Some(s)) = (self.scalar(r_bytes), self.scalar(s_bytes)) else {
            return false;
        };
        let scalars = &self.scalars;
        // Montgomery form of s^-1; a plain value times it gives a plain product.
        let s_inverse = scalars.invert(&scalars.montgomery_form(&s));
        let u1 = scalars.mul(&self.digest_scalar(digest), &s_inverse);
        let u2 = scalars.mul(&r, &s_inverse);
        let Some(sum) = self
            .base
            .linear_combination(&self.arithmetic, key, &u1, &u2)
        else {
            return false;
        };
        self.x_matches(&sum, &r)
    }

    /// A scalar of a signature: below `n` and not zero.
    fn scalar(&self, bytes: &[u8]) -> Option<[u32; N]> {
        self.scalars
            .plain_element(bytes)
            .filter(|value| !field::is_zero(value))
    }

    /// The digest as an integer modulo `n`: its leftmost `order_bits` bits (SEC 1 4.1.3
    /// step 5; only truncates when the hash is longer than the order), reduced once.
    fn digest_scalar(&self, digest: &[u8]) -> [u32; N] {
        let bytes = &digest[..digest.len().min(self.scalar_len)];
        let mut value = [0u32; N];
        montgomery::limbs_from_be(bytes, &mut value);
        let excess_bits = (8 * bytes.len()).saturating_sub(self.order_bits);
        if excess_bits > 0 {
            montgomery::shift_right(&mut value, excess_bits);
        }
        // value < 2^order_bits < 2n, so one subtraction reduces it.
        if !montgomery::less_than(&value, self.scalars.modulus()) {
            montgomery::subtract(&mut value, self.scalars.modulus());
        }
        value
    }

    /// Whether the affine x-coordinate of `sum`, reduced modulo `n`, is `r`: `x = r` or,
    /// when `r + n` is still below the prime, `x = r + n`.
    fn x_matches(&self, sum: &Jacobian<N>, r: &[u32; N]) -> bool {
        let field = &self.arithmetic.field;
        if self.arithmetic.has_affine_x(sum, &field.montgomery_form(r)) {
            return true;
        }
        let mut r_plus_n = *r;
        let carried = montgomery::add(&mut r_plus_n, self.scalars.modulus());
        !carried
            && montgomery::less_than(&r_plus_n, field.modulus())
            && self
                .arithmetic
                .has_affine_x(sum, &field.montgomery_form(&r_plus_n))
    }
}
