//! Loads of four `u32` limbs into a wasm SIMD vector, for the column sums of RSA's and
//! P-521's products (SIMD build only).

use core::arch::wasm32::v128;

/// The first four limbs of `limbs` (checked by the indexing).
#[inline(always)]
pub fn load(limbs: &[u32]) -> v128 {
    let limbs = &limbs[..4];
    // SAFETY: `limbs` is four u32s, the 16 bytes a v128 load reads; wasm loads need no
    // alignment. (Building the vectors lane by lane measured 2x slower.)
    unsafe { core::arch::wasm32::v128_load(limbs.as_ptr().cast()) }
}

/// As [`load`], but LLVM may not move the load or reuse its value: a loop-invariant
/// operand of `extmul` otherwise gets widened once, outside the loop, and the products
/// become `i64x2.mul`, which V8 emulates on x64 (P-521's product 1.35x slower than with
/// scalar sums).
// P-521's product is its only user; an RSA-only build has no EC code.
#[cfg_attr(not(any(feature = "ecdsa", feature = "eddsa")), allow(dead_code))]
#[inline(always)]
pub fn load_in_place(limbs: &[u32]) -> v128 {
    let limbs = &limbs[..4];
    // SAFETY: as in `load`; a volatile read of initialised memory of the right size.
    unsafe { core::ptr::read_volatile(limbs.as_ptr().cast::<v128>()) }
}
