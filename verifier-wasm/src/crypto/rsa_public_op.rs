//! The RSA public-key operation (RSAVP1, `s^e mod n`) for verification, and the two
//! encodings checked on its output (EMSA-PKCS1-v1_5 and EMSA-PSS, RFC 8017).
//!
//! Why by hand: every input of a signature check is public (signature, message, key), so
//! constant-time arithmetic buys nothing here, and the general-purpose big-integer code
//! in the `rsa` crate uses 64-bit limbs, which wasm32 emulates. This is Montgomery
//! multiplication (FIOS) over 32-bit limbs, whose 32x32->64 products wasm does natively,
//! with the per-key constants computed once when the key is parsed. The `rsa` crate stays
//! the reference: the tests compare both on Wycheproof vectors and random inputs.

use crate::alg::HashAlg;

/// A modulus with its Montgomery constants, limbs little-endian.
#[derive(Clone, Debug)]
pub struct Modulus {
    limbs: Vec<u32>,
    /// `-n^-1 mod 2^32`.
    n0_inverse: u32,
    /// `R^2 mod n` with `R = 2^(32 * limbs)`, to enter Montgomery form.
    r_squared: Vec<u32>,
    /// The public exponent's bits, most significant first, without the leading one.
    exponent_tail: Vec<bool>,
    /// Bytes in the modulus (`k` in RFC 8017).
    len: usize,
    bits: usize,
}

impl Modulus {
    /// `modulus` and `exponent` big-endian without leading zeros; the caller has checked
    /// that the modulus is odd and large, and the exponent odd and above 1.
    pub fn new(modulus: &[u8], exponent: &[u8]) -> Modulus {
        let limbs = limbs_from_be(modulus, modulus.len().div_ceil(4));
        let n0_inverse = inverse_mod_2_32(limbs[0]).wrapping_neg();
        let bits = modulus.len() * 8 - modulus[0].leading_zeros() as usize;
        let mut r_squared = vec![0u32; limbs.len()];
        r_squared[0] = 1;
        for _ in 0..2 * 32 * limbs.len() {
            double_mod(&mut r_squared, &limbs);
        }
        let exponent_tail = exponent
            .iter()
            .flat_map(|byte| (0..8).rev().map(move |bit| byte >> bit & 1 == 1))
            .skip_while(|bit| !bit)
            .skip(1)
            .collect();
        Modulus {
            limbs,
            n0_inverse,
            r_squared,
            exponent_tail,
            len: modulus.len(),
            bits,
        }
    }

    /// RSAVP1: the encoded message `s^e mod n` as `k` bytes, or `None` when the signature
    /// is not exactly `k` bytes or not below `n`.
    pub fn public_op(&self, signature: &[u8]) -> Option<Vec<u8>> {
        if signature.len() != self.len {
            return None;
        }
        let s = limbs_from_be(signature, self.limbs.len());
        if !less_than(&s, &self.limbs) {
            return None;
        }
        let mut scratch = vec![0u32; 2 * self.limbs.len() + 1];
        let mut base = vec![0u32; self.limbs.len()];
        self.mul(&s, &self.r_squared, &mut base, &mut scratch);
        let mut acc = base.clone();
        let mut next = vec![0u32; self.limbs.len()];
        for bit in &self.exponent_tail {
            self.square(&acc, &mut next, &mut scratch);
            std::mem::swap(&mut acc, &mut next);
            if *bit {
                self.mul(&acc, &base, &mut next, &mut scratch);
                std::mem::swap(&mut acc, &mut next);
            }
        }
        let mut one = vec![0u32; self.limbs.len()];
        one[0] = 1;
        self.mul(&acc, &one, &mut next, &mut scratch);
        Some(be_from_limbs(&next, self.len))
    }

    /// Montgomery product `a * b / R mod n` for `a, b < n`; the result is `< n`.
    ///
    /// FIOS: each outer step adds `a_i * b` and `m * n` in one pass with two carries, and
    /// shifts one limb down. Slicing every operand to exactly `s` limbs first lets the
    /// compiler drop the bounds checks from the inner loop.
    fn mul(&self, a: &[u32], b: &[u32], out: &mut [u32], t: &mut [u32]) {
        let s = self.limbs.len();
        // `t` may be longer (the squaring scratch); only `s + 1` limbs are used.
        let (n, a, b, t) = (&self.limbs[..s], &a[..s], &b[..s], &mut t[..s + 1]);
        t.fill(0);
        for &a_i in a {
            let a_i = u64::from(a_i);
            let first = u64::from(t[0]) + a_i * u64::from(b[0]);
            let m = u64::from((first as u32).wrapping_mul(self.n0_inverse));
            let mut carry_ab = first >> 32;
            let mut carry_mn = (u64::from(first as u32) + m * u64::from(n[0])) >> 32;
            for j in 1..s {
                let ab = u64::from(t[j]) + a_i * u64::from(b[j]) + carry_ab;
                carry_ab = ab >> 32;
                let mn = u64::from(ab as u32) + m * u64::from(n[j]) + carry_mn;
                carry_mn = mn >> 32;
                t[j - 1] = mn as u32;
            }
            let top = u64::from(t[s]) + carry_ab + carry_mn;
            t[s - 1] = top as u32;
            t[s] = (top >> 32) as u32;
        }
        if t[s] != 0 || !less_than(&t[..s], n) {
            subtract(&mut t[..s], n);
        }
        out.copy_from_slice(&t[..s]);
    }

    /// Montgomery square `a * a / R mod n` for `a < n`: the full square first, with each
    /// cross product computed once and doubled (about half the multiplications of
    /// `mul`), then a separate Montgomery reduction. `x` needs `2s + 1` limbs.
    fn square(&self, a: &[u32], out: &mut [u32], x: &mut [u32]) {
        let s = self.limbs.len();
        let (n, a, x) = (&self.limbs[..s], &a[..s], &mut x[..2 * s + 1]);
        x.fill(0);
        for i in 0..s {
            let a_i = u64::from(a[i]);
            let mut carry = 0u64;
            for j in i + 1..s {
                let sum = u64::from(x[i + j]) + a_i * u64::from(a[j]) + carry;
                x[i + j] = sum as u32;
                carry = sum >> 32;
            }
            x[i + s] = carry as u32;
        }
        let mut shifted_out = 0u32;
        for limb in x[..2 * s].iter_mut() {
            let next = *limb >> 31;
            *limb = *limb << 1 | shifted_out;
            shifted_out = next;
        }
        let mut carry = 0u64;
        for i in 0..s {
            let square = u64::from(a[i]) * u64::from(a[i]);
            let low = u64::from(x[2 * i]) + (square & 0xffff_ffff) + carry;
            x[2 * i] = low as u32;
            let high = u64::from(x[2 * i + 1]) + (square >> 32) + (low >> 32);
            x[2 * i + 1] = high as u32;
            carry = high >> 32;
        }
        for i in 0..s {
            let m = u64::from(x[i].wrapping_mul(self.n0_inverse));
            let mut carry = 0u64;
            for j in 0..s {
                let sum = u64::from(x[i + j]) + m * u64::from(n[j]) + carry;
                x[i + j] = sum as u32;
                carry = sum >> 32;
            }
            let mut k = i + s;
            while carry != 0 {
                let sum = u64::from(x[k]) + carry;
                x[k] = sum as u32;
                carry = sum >> 32;
                k += 1;
            }
        }
        let high = &mut x[s..];
        if high[s] != 0 || !less_than(&high[..s], n) {
            subtract(&mut high[..s], n);
        }
        out.copy_from_slice(&high[..s]);
    }

    /// `emBits` of RFC 8017: the modulus bits less one.
    fn em_bits(&self) -> usize {
        self.bits - 1
    }
}

/// RSASSA-PKCS1-v1_5 verification: the whole expected encoding is rebuilt and compared.
pub fn verify_pkcs1v15(modulus: &Modulus, hash: HashAlg, message: &[u8], signature: &[u8]) -> bool {
    let Some(em) = modulus.public_op(signature) else {
        return false;
    };
    let digest_info = digest_info_prefix(hash);
    let digest = hash.digest(message);
    let t_len = digest_info.len() + digest.len();
    if modulus.len < t_len + 11 {
        return false;
    }
    let padding = modulus.len - t_len - 3;
    let expected = [
        &[0x00, 0x01][..],
        &vec![0xff; padding],
        &[0x00],
        digest_info,
        &digest,
    ]
    .concat();
    em == expected
}

/// RSASSA-PSS verification (RFC 8017 section 9.1.2) with MGF1 over the same hash and a
/// salt exactly as long as the hash.
pub fn verify_pss(modulus: &Modulus, hash: HashAlg, message: &[u8], signature: &[u8]) -> bool {
    let Some(em) = modulus.public_op(signature) else {
        return false;
    };
    let em_bits = modulus.em_bits();
    let em_len = em_bits.div_ceil(8);
    // I2OSP gave k bytes; when emBits is a multiple of 8 the first byte must be zero.
    let (leading, em) = em.split_at(em.len() - em_len);
    if leading.iter().any(|byte| *byte != 0) {
        return false;
    }
    let h_len = hash.output_len();
    let salt_len = h_len;
    if em_len < h_len + salt_len + 2 || em[em_len - 1] != 0xbc {
        return false;
    }
    let (masked_db, rest) = em.split_at(em_len - h_len - 1);
    let h = &rest[..h_len];
    let unused_bits = 8 * em_len - em_bits;
    if unused_bits > 0 && masked_db[0] >> (8 - unused_bits) != 0 {
        return false;
    }
    let mut db = mgf1(hash, h, masked_db.len());
    for (byte, masked) in db.iter_mut().zip(masked_db) {
        *byte ^= masked;
    }
    db[0] &= 0xff >> unused_bits;
    let separator = em_len - h_len - salt_len - 2;
    if db[..separator].iter().any(|byte| *byte != 0) || db[separator] != 0x01 {
        return false;
    }
    let salt = &db[db.len() - salt_len..];
    let m_prime = [&[0u8; 8][..], &hash.digest(message), salt].concat();
    hash.digest(&m_prime) == h
}

fn mgf1(hash: HashAlg, seed: &[u8], len: usize) -> Vec<u8> {
    let mut mask = Vec::with_capacity(len + hash.output_len());
    let mut counter = 0u32;
    while mask.len() < len {
        mask.extend(hash.digest(&[seed, &counter.to_be_bytes()].concat()));
        counter += 1;
    }
    mask.truncate(len);
    mask
}

fn digest_info_prefix(hash: HashAlg) -> &'static [u8] {
    match hash {
        HashAlg::Sha256 => &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ],
        HashAlg::Sha384 => &[
            0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x02, 0x05, 0x00, 0x04, 0x30,
        ],
        HashAlg::Sha512 => &[
            0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x03, 0x05, 0x00, 0x04, 0x40,
        ],
    }
}

/// `x^-1 mod 2^32` for odd `x`, by Newton's iteration (each step doubles the bits).
fn inverse_mod_2_32(x: u32) -> u32 {
    let mut inverse = 1u32;
    for _ in 0..5 {
        inverse = inverse.wrapping_mul(2u32.wrapping_sub(x.wrapping_mul(inverse)));
    }
    inverse
}

/// `r = 2r mod n`, for `r < n`.
fn double_mod(r: &mut [u32], n: &[u32]) {
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

/// `a < b`, both the same number of limbs.
fn less_than(a: &[u32], b: &[u32]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x < y;
        }
    }
    false
}

/// `a -= b` modulo `2^(32 * limbs)`.
fn subtract(a: &mut [u32], b: &[u32]) {
    let mut borrow = 0i64;
    for (x, y) in a.iter_mut().zip(b) {
        let difference = i64::from(*x) - i64::from(*y) + borrow;
        *x = difference as u32;
        borrow = difference >> 32;
    }
}

fn limbs_from_be(bytes: &[u8], limbs: usize) -> Vec<u32> {
    let mut out = vec![0u32; limbs];
    for (index, byte) in bytes.iter().rev().enumerate() {
        out[index / 4] |= u32::from(*byte) << (8 * (index % 4));
    }
    out
}

fn be_from_limbs(limbs: &[u32], len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    for (index, byte) in out.iter_mut().rev().enumerate() {
        *byte = (limbs[index / 4] >> (8 * (index % 4))) as u8;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_and_limb_conversions() {
        for x in [1u32, 3, 0xffff_ffff, 0x1234_5679] {
            assert_eq!(x.wrapping_mul(inverse_mod_2_32(x)), 1);
        }
        let bytes = [0x01, 0x02, 0x03, 0x04, 0x05];
        let limbs = limbs_from_be(&bytes, 2);
        assert_eq!(limbs, [0x0203_0405, 0x01]);
        assert_eq!(be_from_limbs(&limbs, 5), bytes);
    }

    #[test]
    fn square_equals_multiplying_by_itself() {
        // A 2048-bit odd modulus of mixed limbs, and values below it.
        let modulus_bytes: Vec<u8> = (0..256u32)
            .map(|i| (i.wrapping_mul(97) % 251) as u8 | 0x80)
            .collect();
        let mut modulus_bytes = modulus_bytes;
        *modulus_bytes.last_mut().unwrap() |= 1;
        let modulus = Modulus::new(&modulus_bytes, &[1, 0, 1]);
        let s = modulus.limbs.len();
        let mut scratch = vec![0u32; 2 * s + 1];
        for seed in [1u32, 7, 0xdead_beef, 0xffff_ffff] {
            let mut value: Vec<u32> = (0..s as u32)
                .map(|i| seed.wrapping_mul(i + 1).rotate_left(i))
                .collect();
            value[s - 1] >>= 1;
            let (mut squared, mut multiplied) = (vec![0u32; s], vec![0u32; s]);
            modulus.square(&value, &mut squared, &mut scratch);
            modulus.mul(&value, &value, &mut multiplied, &mut scratch);
            assert_eq!(squared, multiplied, "seed {seed:#x}");
        }
    }

    #[test]
    fn small_modulus_matches_plain_arithmetic() {
        // n = 3233 = 61 * 53, e = 17: textbook RSA, s^e mod n checked with u64 math.
        let modulus = Modulus::new(&[0x0c, 0xa1], &[17]);
        for s in [0u64, 1, 2, 65, 3232, 855, 2790] {
            let expected = (0..17).fold(1u64, |acc, _| acc * s % 3233);
            let em = modulus.public_op(&(s as u16).to_be_bytes()).unwrap();
            assert_eq!(
                u64::from(u16::from_be_bytes([em[0], em[1]])),
                expected,
                "s = {s}"
            );
        }
        assert!(modulus.public_op(&3233u16.to_be_bytes()).is_none(), "s = n");
        assert!(modulus.public_op(&[1]).is_none(), "wrong length");
    }
}
