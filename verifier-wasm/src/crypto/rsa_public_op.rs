//! The RSA public-key operation (RSAVP1, `s^e mod n`) for verification, and the two
//! encodings checked on its output (EMSA-PKCS1-v1_5 and EMSA-PSS, RFC 8017).
//!
//! Why by hand: every input of a signature check is public (signature, message, key), so
//! constant-time arithmetic buys nothing here, and the general-purpose big-integer code
//! in the `rsa` crate uses 64-bit limbs, which wasm32 emulates. This is Montgomery
//! multiplication over 27- to 29-bit limbs (`rsa_montgomery`), whose 32x32->64 products
//! wasm does natively, on fixed-size arrays, with the per-key constants computed once when
//! the key is parsed.
//! The `rsa` crate stays the reference: the tests compare both on Wycheproof vectors and
//! random inputs.

use super::montgomery::less_than;
use super::rsa_montgomery as arith;
use crate::alg::HashAlg;

/// A modulus with its Montgomery constants, limbs little-endian.
#[derive(Clone, Debug)]
pub struct Modulus {
    /// Limbs of `limb_bits` bits, padded with zero limbs to one of the compiled layouts:
    /// Montgomery multiplication only needs `R = 2^(limb_bits * limbs)` above `4n`.
    limbs: Vec<u32>,
    /// The same limbs as `arith::write_reversed` lays them out (most significant first,
    /// between zeros), as the products read them.
    limbs_reversed: Vec<u32>,
    limb_bits: u32,
    /// `-n^-1 mod 2^limb_bits`.
    n0_inverse: u32,
    /// `R^2 mod n`, to enter Montgomery form.
    r_squared: Vec<u32>,
    /// The public exponent's bits, most significant first, without the leading one.
    exponent_tail: Vec<bool>,
    /// Bytes in the modulus (`k` in RFC 8017).
    len: usize,
    bits: usize,
}

/// Runs `$function::<L, B>($args)` for the layout with `$limbs` limbs, or gives `None`.
/// The arms are the build's `rsa_montgomery::LAYOUTS`; a test below checks that each of
/// them is here (natively the scalar build's, under `make wasm-rust-test` the SIMD one's).
macro_rules! with_layout {
    ($limbs:expr, $function:ident($($args:expr),*)) => {
        match $limbs {
            #[cfg(target_feature = "simd128")]
            71 => Some($function::<71, { 71 + arith::PAD }, 29>($($args),*)),
            #[cfg(target_feature = "simd128")]
            106 => Some($function::<106, { 106 + arith::PAD }, 29>($($args),*)),
            #[cfg(target_feature = "simd128")]
            147 => Some($function::<147, { 147 + arith::PAD }, 28>($($args),*)),
            #[cfg(target_feature = "simd128")]
            220 => Some($function::<220, { 220 + arith::PAD }, 28>($($args),*)),
            #[cfg(target_feature = "simd128")]
            293 => Some($function::<293, { 293 + arith::PAD }, 28>($($args),*)),
            #[cfg(not(target_feature = "simd128"))]
            74 => Some($function::<74, { 74 + arith::PAD }, 28>($($args),*)),
            #[cfg(not(target_feature = "simd128"))]
            110 => Some($function::<110, { 110 + arith::PAD }, 28>($($args),*)),
            #[cfg(not(target_feature = "simd128"))]
            152 => Some($function::<152, { 152 + arith::PAD }, 27>($($args),*)),
            #[cfg(not(target_feature = "simd128"))]
            228 => Some($function::<228, { 228 + arith::PAD }, 27>($($args),*)),
            #[cfg(not(target_feature = "simd128"))]
            304 => Some($function::<304, { 304 + arith::PAD }, 27>($($args),*)),
            _ => None,
        }
    };
}

impl Modulus {
    /// `modulus` and `exponent` big-endian without leading zeros; the caller has checked
    /// that the modulus is odd and at most 8192 bits, and the exponent odd and above 1.
    pub fn new(modulus: &[u8], exponent: &[u8]) -> Modulus {
        let bits = modulus.len() * 8 - modulus[0].leading_zeros() as usize;
        // Over 8192 bits (refused by the caller) there is no layout: no limbs, and every
        // signature fails.
        let (count, limb_bits) = arith::layout_for(bits).unwrap_or((0, 28));
        let mut limbs = vec![0u32; count];
        arith::from_be_bytes(modulus, limb_bits, &mut limbs);
        let n0_inverse = limbs
            .first()
            .map_or(0, |n0| arith::negated_inverse(*n0, limb_bits));
        let mut limbs_reversed = vec![0u32; count + arith::PAD];
        arith::write_reversed(&limbs, &mut limbs_reversed);
        let r_squared = arith::r_squared(&limbs, limb_bits, bits);
        let exponent_tail = exponent
            .iter()
            .flat_map(|byte| (0..8).rev().map(move |bit| byte >> bit & 1 == 1))
            .skip_while(|bit| !bit)
            .skip(1)
            .collect();
        Modulus {
            limbs_reversed,
            limbs,
            limb_bits,
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
        if !arith::from_be_bytes(signature, self.limb_bits, &mut s) || !less_than(&s, &self.limbs) {
            return None;
        }
        let em = with_layout!(self.limbs.len(), power(self, &s))??;
        Some(arith::to_be_bytes(&em, self.limb_bits, self.len))
    }

    /// `emBits` of RFC 8017: the modulus bits less one.
    fn em_bits(&self) -> usize {
        self.bits - 1
    }
}

/// `s^e mod n` for `s < n`, plain limbs in and out, for a modulus of exactly `L` limbs of
/// `B` bits; `None` for any other size.
///
/// Not inlined: V8 compiles a wasm function on its first call, so a key then compiles the
/// code of its own layout only, not of all five.
#[inline(never)]
fn power<const L: usize, const P: usize, const B: u32>(
    modulus: &Modulus,
    s: &[u32],
) -> Option<Vec<u32>> {
    let n: &[u32; L] = modulus.limbs.as_slice().try_into().ok()?;
    let n_reversed: &[u32; P] = modulus.limbs_reversed.as_slice().try_into().ok()?;
    let s: &[u32; L] = s.try_into().ok()?;
    let r_squared: &[u32; L] = modulus.r_squared.as_slice().try_into().ok()?;
    let n0_inverse = modulus.n0_inverse;
    let base = arith::mul::<L, P, B>(n_reversed, n0_inverse, s, r_squared);
    let mut acc = base;
    let (last_bit, bits) = modulus.exponent_tail.split_last()?;
    for bit in bits {
        acc = arith::square::<L, P, B>(n_reversed, n0_inverse, &acc);
        if *bit {
            acc = arith::mul::<L, P, B>(n_reversed, n0_inverse, &acc, &base);
        }
    }
    acc = arith::square::<L, P, B>(n_reversed, n0_inverse, &acc);
    // The exponent is odd: its last bit multiplies by `s` itself, not its Montgomery form,
    // which also leaves Montgomery form (`s^(e-1) R * s / R`): one product fewer of 19.
    let last = if *last_bit {
        s
    } else {
        &core::array::from_fn(|i| u32::from(i == 0))
    };
    let mut plain = arith::mul::<L, P, B>(n_reversed, n0_inverse, &acc, last);
    arith::reduce(&mut plain, n, B);
    Some(plain.to_vec())
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
    use crate::crypto::rsa_montgomery::LAYOUTS;

    #[test]
    fn every_layout_computes_at_its_largest_modulus() {
        // n = 2^(bits-1) + 2^(bits/2) + 1 at the top of each layout (R just above 4n),
        // e = 3: 2^3 = 8 and (n-1)^3 = -1 = n-1 (mod n) exercise both ends of the range,
        // and a layout arm with the wrong limb width could not get them right.
        for (limbs, limb_bits) in LAYOUTS {
            let bits = limbs * limb_bits as usize - 2;
            let len = bits.div_ceil(8);
            let mut n = vec![0u8; len];
            n[0] = 1 << ((bits - 1) % 8);
            n[len - 1 - bits / 16] |= 1 << (bits / 2 % 8);
            n[len - 1] |= 1;
            let modulus = Modulus::new(&n, &[3]);
            assert_eq!(modulus.limbs.len(), limbs, "{bits} bits");
            let mut two = vec![0u8; len];
            two[len - 1] = 2;
            let mut eight = vec![0u8; len];
            eight[len - 1] = 8;
            assert_eq!(modulus.public_op(&two), Some(eight), "{bits} bits: 2^3");
            let mut n_minus_1 = n.clone();
            n_minus_1[len - 1] -= 1;
            assert_eq!(
                modulus.public_op(&n_minus_1),
                Some(n_minus_1.clone()),
                "{bits} bits: (n-1)^3"
            );
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
