// The WebAssembly boundary, measured: the verified result returned as JSON text for
// JSON.parse (what the package does) against JS objects built by serde-wasm-bindgen.
// Usage: bash boundary.sh (builds the experiment build and runs this).
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [pkgDir, vectorsPath] = process.argv.slice(2);
const glue = await import(pathToFileURL(`${pkgDir}/kmsjwt_verify.js`).href);
glue.initSync({ module: readFileSync(`${pkgDir}/kmsjwt_verify_bg.wasm`) });

const vectors = JSON.parse(readFileSync(vectorsPath, "utf8"));
const vector = vectors.find((candidate) => candidate.name === "EdDSA with PEM");
const keys = new glue.Keys(vector.key);
const options = new glue.Options(
  JSON.stringify({ currentDate: vector.options.currentDate }),
);

function measure(fn) {
  for (let i = 0; i < 2000; i += 1) fn();
  const samples = [];
  for (let batch = 0; batch < 7; batch += 1) {
    const start = performance.now();
    for (let i = 0; i < 3000; i += 1) fn();
    samples.push(((performance.now() - start) * 1000) / 3000);
  }
  return samples.sort((a, b) => a - b)[3];
}

const viaJson = () =>
  JSON.parse(glue.verifyToken(keys, options, vector.token, 0));
const viaSerde = () => glue.verifyTokenValue(keys, options, vector.token, 0);
if (JSON.stringify(viaJson()) !== JSON.stringify(viaSerde()))
  throw new Error("results differ");

const json = measure(viaJson);
const serde = measure(viaSerde);
console.log(`EdDSA verify incl. boundary, µs/op (median of 7 x 3000):`);
console.log(`| JSON text + JSON.parse | ${json.toFixed(1)} |`);
console.log(`| serde-wasm-bindgen objects | ${serde.toFixed(1)} |`);
console.log(`serde-wasm-bindgen / JSON text = ${(serde / json).toFixed(2)}x`);
