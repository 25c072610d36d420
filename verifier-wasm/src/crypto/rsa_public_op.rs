//! The RSA public-key operation (RSAVP1, `s^e mod n`) for verification, and the two
//! encodings checked on its output (EMSA-PKCS1-v1_5 and EMSA-PSS, RFC 8017).
//!
//! Why by hand: every input of a signature check is public (signature, message, key), so
//! constant-time arithmetic buys nothing here, and the general-purpose big-integer code
//! in the `rsa` crate uses 64-bit limbs, which wasm32 emulates. This is Montgomery
//! multiplication (FIOS) over 32-bit limbs, whose 32x32->64 products wasm does natively,
//! on fixed-size arrays, with the per-key constants computed once when the key is parsed.
//! The `rsa` crate stays the reference: the tests compare both on Wycheproof vectors and
//! random inputs.

use super::montgomery::{self, be_from_limbs, less_than};
use crate::alg::HashAlg;

/// The limb counts the arithmetic is compiled for (2048, 3072, 4096, 6144 and 8192 bits);
/// a modulus between two of them is padded with zero limbs to the next: Montgomery
/// multiplication only needs `R = 2^(32 * limbs)` above the modulus.
const LIMB_COUNTS: [usize; 5] = [64, 96, 128, 192, 256];

/// A modulus with its Montgomery constants, limbs little-endian.
#[derive(Clone, Debug)]
pub struct Modulus {
    /// Padded with zero limbs to one of [`LIMB_COUNTS`].
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
    /// that the modulus is odd and at most 8192 bits, and the exponent odd and above 1.
    pub fn new(modulus: &[u8], exponent: &[u8]) -> Modulus {
        let needed = modulus.len().div_ceil(4);
        let count = LIMB_COUNTS
            .into_iter()
            .find(|count| *count >= needed)
            .unwrap_or(needed);
        let mut limbs = vec![0u32; count];
        montgomery::limbs_from_be(modulus, &mut limbs);
        let n0_inverse = montgomery::negated_inverse_mod_2_32(limbs[0]);
        let bits = modulus.len() * 8 - modulus[0].leading_zeros() as usize;
        let r_squared = montgomery::r_squared(&limbs);
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
        let mut s = vec![0u32; self.limbs.len()];
        montgomery::limbs_from_be(signature, &mut s);
        if !less_than(&s, &self.limbs) {
            return None;
        }
        // A modulus over 8192 bits (refused by the caller) has no size here and fails.
        let em = match self.limbs.len() {
            64 => self.power::<64, 129>(&s),
            96 => self.power::<96, 193>(&s),
            128 => self.power::<128, 257>(&s),
            192 => self.power::<192, 385>(&s),
            256 => self.power::<256, 513>(&s),
            _ => None,
        }?;
        Some(be_from_limbs(&em, self.len))
    }

    /// `s^e mod n` for `s < n`, plain limbs in and out, for a modulus of exactly `N` limbs
    /// (`W = 2N + 1`, the squaring's scratch); `None` for any other size.
    fn power<const N: usize, const W: usize>(&self, s: &[u32]) -> Option<Vec<u32>> {
        let n: &[u32; N] = self.limbs.as_slice().try_into().ok()?;
        let s: &[u32; N] = s.try_into().ok()?;
        let r_squared: &[u32; N] = self.r_squared.as_slice().try_into().ok()?;
        let mul = |a: &[u32; N], b: &[u32; N]| montgomery::mul_fixed(n, self.n0_inverse, a, b);
        let base = mul(s, r_squared);
        let mut acc = base;
        for bit in &self.exponent_tail {
            // A dedicated squaring: about a quarter faster than `mul` at these sizes.
            acc = montgomery::square_fixed::<N, W>(n, self.n0_inverse, &acc);
            if *bit {
                acc = mul(&acc, &base);
            }
        }
        let mut one = [0u32; N];
        one[0] = 1;
        Some(mul(&acc, &one).to_vec())
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

#[cfg(test)]
mod tests {
    use super::*;

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
