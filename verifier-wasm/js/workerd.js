// Cloudflare Workers (workerd): Wasm is imported as a compiled module by the bundler.
import wasmModule from "./kmsjwt_verify_bg.wasm";
import { initSync } from "./kmsjwt_verify.js";

initSync({ module: wasmModule });

export * from "./api.js";
