//! Fixed-base tables: for a point `P`, every `j * 2^(w*i) * P` with `1 <= j <= 2^(w-1)`,
//! in the group's entry form (affine). A scalar written in signed base-`2^w` digits then
//! costs one mixed addition per non-zero digit and no doublings, so `u1*G + u2*Q` is about
//! `2 * bits / w` additions into one accumulator. The generator's table is built once per
//! curve; a public key's once per parsed key, the first time it verifies. The same tables
//! serve both curve forms here: short Weierstrass for ECDSA, twisted Edwards for Ed25519.

/// The group operations a table needs: sums in a projective form, table entries in an
/// affine form that makes mixed additions cheap.
pub trait Group: core::fmt::Debug {
    type Point: Copy;
    type Entry: Copy + core::fmt::Debug;
    fn identity(&self) -> Self::Point;
    fn lift(&self, entry: &Self::Entry) -> Self::Point;
    fn double(&self, point: &Self::Point) -> Self::Point;
    fn add(&self, p: &Self::Point, q: &Self::Point) -> Self::Point;
    /// `p + entry`, or `p - entry` when `negative`.
    fn add_entry(&self, p: &Self::Point, entry: &Self::Entry, negative: bool) -> Self::Point;
    /// The entries of many points with one field inversion; `None` if one of them has no
    /// entry (the identity, on the Weierstrass form).
    fn to_entries(&self, points: &[Self::Point]) -> Option<Vec<Self::Entry>>;
}

#[derive(Debug)]
pub struct Table<G: Group> {
    window_bits: usize,
    windows: usize,
    /// Window `i`, multiple `j` at `i * 2^(w-1) + j - 1`.
    points: Vec<G::Entry>,
}

impl<G: Group> Table<G> {
    /// The table of `base` for scalars of up to `scalar_bits` bits; `None` when a multiple
    /// has no entry (never for a validated point of large order).
    pub fn new(
        group: &G,
        base: &G::Entry,
        scalar_bits: usize,
        window_bits: usize,
    ) -> Option<Table<G>> {
        let windows = windows_for(scalar_bits, window_bits);
        Table::with_windows(group, base, windows, window_bits)
    }

    /// A table of one window: the multiples `1..=2^(w-1)` of `base`, for
    /// [`double_scalar_mul`].
    pub fn small(group: &G, base: &G::Entry, window_bits: usize) -> Option<Table<G>> {
        Table::with_windows(group, base, 1, window_bits)
    }

    fn with_windows(
        group: &G,
        base: &G::Entry,
        windows: usize,
        window_bits: usize,
    ) -> Option<Table<G>> {
        debug_assert!((2..=8).contains(&window_bits));
        let half = 1usize << (window_bits - 1);
        let mut points = Vec::with_capacity(windows * half);
        let mut window_base = group.lift(base);
        for _ in 0..windows {
            let mut multiple = window_base;
            points.push(multiple);
            multiple = group.double(&window_base);
            points.push(multiple);
            for _ in 3..=half {
                multiple = group.add(&multiple, &window_base);
                points.push(multiple);
            }
            // 2^w * base = 2 * (2^(w-1) * base), the last multiple pushed.
            window_base = group.double(&multiple);
        }
        let points = group.to_entries(&points)?;
        Some(Table {
            window_bits,
            windows,
            points,
        })
    }

    /// `acc + k * P` for a plain scalar `k` below `2^scalar_bits`.
    pub fn add_multiple<const N: usize>(
        &self,
        group: &G,
        mut acc: G::Point,
        scalar: &[u32; N],
    ) -> G::Point {
        for (window, digit) in signed_digits(scalar, self.window_bits, self.windows)
            .into_iter()
            .enumerate()
        {
            acc = self.add_digit(group, acc, window, digit);
        }
        acc
    }

    /// `acc + digit * 2^(w*window) * P` for `|digit| <= 2^(w-1)`.
    fn add_digit(&self, group: &G, acc: G::Point, window: usize, digit: i32) -> G::Point {
        if digit == 0 {
            return acc;
        }
        let half = 1usize << (self.window_bits - 1);
        let entry = &self.points[window * half + digit.unsigned_abs() as usize - 1];
        group.add_entry(&acc, entry, digit < 0)
    }
}

/// `a * P + b * Q` from the one-window tables of `P` and `Q` (same window size) by
/// Shamir's trick: one shared chain of doublings, `w` per digit, and at most two
/// additions per digit. The path for a key's first verifications, before its own
/// fixed-base table pays for itself.
pub fn double_scalar_mul<G: Group, const N: usize>(
    group: &G,
    (p, a): (&Table<G>, &[u32; N]),
    (q, b): (&Table<G>, &[u32; N]),
    scalar_bits: usize,
) -> G::Point {
    debug_assert_eq!(p.window_bits, q.window_bits);
    let window_bits = p.window_bits;
    let windows = windows_for(scalar_bits, window_bits);
    let a_digits = signed_digits(a, window_bits, windows);
    let b_digits = signed_digits(b, window_bits, windows);
    let mut acc = group.identity();
    for window in (0..windows).rev() {
        for _ in 0..window_bits {
            acc = group.double(&acc);
        }
        acc = p.add_digit(group, acc, 0, a_digits[window]);
        acc = q.add_digit(group, acc, 0, b_digits[window]);
    }
    acc
}

/// Windows for scalars below `2^scalar_bits`: enough that the top digit absorbs the
/// recoding's carry (`2^k` with `k <= w - 2` bits left in the top window).
fn windows_for(scalar_bits: usize, window_bits: usize) -> usize {
    (scalar_bits + 2).div_ceil(window_bits)
}

/// `scalar` as `windows` signed base-`2^w` digits in `[-2^(w-1), 2^(w-1))`, least
/// significant first; `windows` must leave room for the final carry.
fn signed_digits<const N: usize>(
    scalar: &[u32; N],
    window_bits: usize,
    windows: usize,
) -> Vec<i32> {
    let half = 1i32 << (window_bits - 1);
    let mut carry = 0;
    let mut digits = Vec::with_capacity(windows);
    for window in 0..windows {
        let value = bits(scalar, window * window_bits, window_bits) as i32 + carry;
        let digit = if value >= half {
            value - 2 * half
        } else {
            value
        };
        carry = i32::from(value >= half);
        digits.push(digit);
    }
    debug_assert_eq!(carry, 0, "the windows cover the scalar and its carry");
    digits
}

/// `count` (at most 8) bits of `limbs` from bit `start`, zero past the top.
fn bits<const N: usize>(limbs: &[u32; N], start: usize, count: usize) -> u32 {
    let (limb, offset) = (start / 32, start % 32);
    let low = limbs.get(limb).map_or(0, |value| value >> offset);
    let high = match offset {
        0 => 0,
        _ => limbs
            .get(limb + 1)
            .map_or(0, |value| value << (32 - offset)),
    };
    (low | high) & ((1 << count) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_digits_sum_to_the_scalar() {
        for scalar in [
            0u64,
            1,
            15,
            16,
            31,
            0xdead_beef_cafe_f00d,
            u64::MAX,
            u64::MAX >> 1,
        ] {
            let limbs = [scalar as u32, (scalar >> 32) as u32];
            for window_bits in 2..=8 {
                let windows = windows_for(64, window_bits);
                let digits = signed_digits(&limbs, window_bits, windows);
                let half = 1i32 << (window_bits - 1);
                assert!(digits.iter().all(|digit| (-half..half).contains(digit)));
                let sum = digits.iter().rev().fold(0i128, |acc, digit| {
                    (acc << window_bits) + i128::from(*digit)
                });
                assert_eq!(sum, i128::from(scalar), "{scalar:#x}, w = {window_bits}");
            }
        }
    }

    #[test]
    fn bits_cross_limb_boundaries() {
        let limbs = [0x8000_0001u32, 0x0000_0003];
        assert_eq!(bits(&limbs, 0, 4), 1);
        assert_eq!(bits(&limbs, 30, 4), 0b1110);
        assert_eq!(bits(&limbs, 62, 5), 0);
        assert_eq!(bits(&limbs, 64, 5), 0);
    }
}
