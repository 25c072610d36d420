// Node.js and Deno: the module is read from disk and instantiated synchronously.
import { readFileSync } from "node:fs";
import { initSync } from "./kmsjwt_verify.js";

initSync({
  module: readFileSync(new URL("./kmsjwt_verify_bg.wasm", import.meta.url)),
});

export * from "./api.js";
