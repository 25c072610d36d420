//! `u1*G + u2*Q` over any [`Group`]: the generator's tables, built once per curve, and a
//! public point's own table, built once the key is in use.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

use super::table::{Group, Table, double_scalar_mul};

/// Verifications with a key before it gets its own fixed-base table: building one costs
/// as much as tens of verifications (`bench/tables.mjs` in Node: 6.7-7.5 ms for P-256,
/// 5.0 for Ed25519, 4.7 for secp256k1, 18-23 for P-384, 16-17 for P-521), so a key used
/// once or twice never pays for it.
const TABLE_AFTER_USES: u32 = 2;

/// Window bits of the one-window tables of [`double_scalar_mul`].
const SMALL_WINDOW_BITS: usize = 5;

/// A validated public point of a group; a key in use gets a fixed-base table.
#[derive(Debug)]
pub struct PublicPoint<G: Group> {
    pub(super) point: G::Entry,
    /// Shared by clones of the key, so a cached key builds its table once.
    usage: Arc<KeyUsage<G>>,
}

impl<G: Group> PublicPoint<G> {
    pub fn new(point: G::Entry) -> PublicPoint<G> {
        PublicPoint {
            point,
            usage: Arc::new(KeyUsage {
                verifications: AtomicU32::new(0),
                table: OnceLock::new(),
            }),
        }
    }
}

impl<G: Group> Clone for PublicPoint<G> {
    fn clone(&self) -> Self {
        PublicPoint {
            point: self.point,
            usage: Arc::clone(&self.usage),
        }
    }
}

/// How often a key has verified, and its table once built (`None` inside: no table can be
/// built, which never happens for a validated point).
#[derive(Debug)]
struct KeyUsage<G: Group> {
    verifications: AtomicU32,
    table: OnceLock<Option<Table<G>>>,
}

/// A group's generator with its tables, and the window sizes of its keys' tables.
#[derive(Debug)]
pub struct FixedBase<G: Group> {
    generator: G::Entry,
    scalar_bits: usize,
    generator_window_bits: usize,
    key_window_bits: usize,
    /// The generator's multiples for [`double_scalar_mul`].
    generator_small: Table<G>,
    /// The generator's fixed-base table, built when the first key gets its own.
    generator_table: OnceLock<Table<G>>,
}

impl<G: Group> FixedBase<G> {
    /// For scalars below `2^scalar_bits`; `generator` must have a large prime order.
    pub fn new(
        group: &G,
        generator: G::Entry,
        scalar_bits: usize,
        (generator_window_bits, key_window_bits): (usize, usize),
    ) -> FixedBase<G> {
        FixedBase {
            generator_small: Table::small(group, &generator, SMALL_WINDOW_BITS)
                .expect("the generator has prime order"),
            generator,
            scalar_bits,
            generator_window_bits,
            key_window_bits,
            generator_table: OnceLock::new(),
        }
    }

    pub fn generator(&self) -> &G::Entry {
        &self.generator
    }

    /// The generator's fixed-base table, built on first use (a few milliseconds).
    pub fn generator_table(&self, group: &G) -> &Table<G> {
        self.generator_table.get_or_init(|| {
            Table::new(
                group,
                &self.generator,
                self.scalar_bits,
                self.generator_window_bits,
            )
            .expect("the generator has prime order")
        })
    }

    /// `u1*G + u2*Q` for `Q = key`: from fixed-base tables once the key is in use, else by
    /// Shamir's trick with small per-call tables. `None` only for a point without a table.
    pub fn linear_combination<const N: usize>(
        &self,
        group: &G,
        key: &PublicPoint<G>,
        u1: &[u32; N],
        u2: &[u32; N],
    ) -> Option<G::Point> {
        let earlier = key.usage.verifications.fetch_add(1, Ordering::Relaxed);
        if earlier < TABLE_AFTER_USES && key.usage.table.get().is_none() {
            let key_small = Table::small(group, &key.point, SMALL_WINDOW_BITS)?;
            return Some(double_scalar_mul(
                group,
                (&self.generator_small, u1),
                (&key_small, u2),
                self.scalar_bits,
            ));
        }
        let key_table = key
            .usage
            .table
            .get_or_init(|| Table::new(group, &key.point, self.scalar_bits, self.key_window_bits));
        let sum = self
            .generator_table(group)
            .add_multiple(group, group.identity(), u1);
        Some(key_table.as_ref()?.add_multiple(group, sum, u2))
    }
}
