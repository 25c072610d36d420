// Browsers and bundlers: the module is fetched and instantiated before this import
// resolves (top-level await), so the API is synchronous for every importer.
import init from "./kmsjwt_verify.js";

await init({
  module_or_path: new URL("./kmsjwt_verify_bg.wasm", import.meta.url),
});

export * from "./api.js";
