// Which build of the module this runtime gets: the one with WebAssembly SIMD (every
// current browser, Node, Deno, Bun and workerd support it; RSA verifies about twice as
// fast) or, where SIMD is missing, the baseline build of the same code.
// The probe is the smallest module using a SIMD instruction (i8x16.popcnt).
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8,
  0, 65, 0, 253, 15, 253, 98, 11,
]);

export const simdSupported = WebAssembly.validate(SIMD_PROBE);
