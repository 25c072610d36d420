// Node.js and Deno: the module is read from disk and instantiated synchronously.
import { readFileSync } from "node:fs";
import { initSync } from "./kmsjwt_verify.js";
import { simdSupported } from "./simd.js";

const file = simdSupported
  ? "./kmsjwt_verify_bg.wasm"
  : "./kmsjwt_verify_baseline_bg.wasm";
initSync({ module: readFileSync(new URL(file, import.meta.url)) });

export * from "./api.js";
