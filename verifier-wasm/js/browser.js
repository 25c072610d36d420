// Browsers and bundlers: the module is fetched and instantiated before this import
// resolves (top-level await), so the API is synchronous for every importer. Both URLs
// are literals so that bundlers copy both builds.
import init from "./kmsjwt_verify.js";
import { simdSupported } from "./simd.js";

await init({
  module_or_path: simdSupported
    ? new URL("./kmsjwt_verify_bg.wasm", import.meta.url)
    : new URL("./kmsjwt_verify_baseline_bg.wasm", import.meta.url),
});

export * from "./api.js";
