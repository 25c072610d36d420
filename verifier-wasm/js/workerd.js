// Cloudflare Workers (workerd): Wasm is imported as a compiled module by the bundler.
// workerd always has WebAssembly SIMD, so only that build is imported (and deployed).
import wasmModule from "./kmsjwt_verify_bg.wasm";
import { initSync } from "./kmsjwt_verify.js";

initSync({ module: wasmModule });

export * from "./api.js";
