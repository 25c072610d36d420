//! ECDSA verification on P-256, P-384, P-521 and secp256k1, and Ed25519's on the
//! Weierstrass form of its curve ([`ed25519`]), variable-time and written for wasm32.
//!
//! Why by hand: every input of a signature check is public, so the constant-time
//! arithmetic of the RustCrypto curve crates buys nothing here, and their 64-bit limbs
//! are emulated on wasm32 (measured 4-6x slower than jose + node:crypto). This computes
//! `u1*G + u2*Q` with Montgomery arithmetic over 32-bit limbs and fixed-base tables for
//! both `G` and the key `Q`, so a verification is only mixed additions. Public points are
//! decoded and validated here too (SEC1, on the curve), which keeps the curve crates'
//! general arithmetic out of the .wasm; those crates stay the reference: Wycheproof and
//! the differential tests and fuzz target run both.

// Shared by ECDSA and Ed25519: a build with only one of them leaves some of it unused.
#![cfg_attr(not(all(feature = "ecdsa", feature = "eddsa")), allow(dead_code))]

mod curves;
#[cfg(feature = "eddsa")]
mod ed25519;
mod field;
mod point;
mod table;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

pub use curves::Curve;
use curves::SMALL_WINDOW_BITS;
#[cfg(feature = "ecdsa")]
pub use curves::{p256, p384, p521, secp256k1};
#[cfg(feature = "eddsa")]
pub use ed25519::{KeyRejection, edwards25519};
use point::{Affine, Jacobian};
use table::{Table, double_scalar_mul};

use super::montgomery;

/// Verifications with a key before it gets its own fixed-base table: building one costs
/// about as much as twenty verifications (measured in Node: 4 ms for P-256, 8 for P-384,
/// 12 for P-521), so a key used once or twice never pays for it.
const TABLE_AFTER_USES: u32 = 2;

/// A validated public point on one curve; a key in use gets a fixed-base table.
#[derive(Clone, Debug)]
pub struct PreparedKey<const N: usize> {
    point: Affine<N>,
    /// Shared by clones of the key, so a cached key builds its table once.
    usage: Arc<KeyUsage<N>>,
}

/// How often a key has verified, and its table once built (`None` inside: no table can be
/// built, which never happens for a validated point).
#[derive(Debug, Default)]
struct KeyUsage<const N: usize> {
    verifications: AtomicU32,
    table: OnceLock<Option<Table<N>>>,
}

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
    pub fn prepare(&self, sec1: &[u8]) -> Option<PreparedKey<N>> {
        Some(PreparedKey {
            point: self.decode_point(sec1)?,
            usage: Arc::default(),
        })
    }

    /// ECDSA verification (SEC 1 4.1.4) of a JOSE `r || s` signature over a message
    /// digest. `r` and `s` must be in `[1, n-1]`; high `s` is accepted.
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
        let Some(sum) = self.linear_combination(key, &u1, &u2) else {
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

impl<const N: usize> Curve<N> {
    /// `u1*G + u2*Q`: from fixed-base tables once the key is in use, else by Shamir's
    /// trick with small per-call tables. `None` only for a point without a table.
    fn linear_combination(
        &self,
        key: &PreparedKey<N>,
        u1: &[u32; N],
        u2: &[u32; N],
    ) -> Option<Jacobian<N>> {
        let arithmetic = &self.arithmetic;
        let earlier = key.usage.verifications.fetch_add(1, Ordering::Relaxed);
        if earlier < TABLE_AFTER_USES && key.usage.table.get().is_none() {
            let key_small = Table::small(arithmetic, &key.point, SMALL_WINDOW_BITS)?;
            return Some(double_scalar_mul(
                arithmetic,
                (&self.generator_small, u1),
                (&key_small, u2),
                self.order_bits,
            ));
        }
        let key_table = key.usage.table.get_or_init(|| {
            Table::new(
                arithmetic,
                &key.point,
                self.order_bits,
                self.key_window_bits,
            )
        });
        let sum = self
            .generator_table()
            .add_multiple(arithmetic, Jacobian::IDENTITY, u1);
        Some(key_table.as_ref()?.add_multiple(arithmetic, sum, u2))
    }
}
