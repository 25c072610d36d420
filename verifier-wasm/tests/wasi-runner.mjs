// Cargo's runner for wasm32-wasip1 test binaries: runs one in Node's WASI, so that the
// Rust tests also check the code only a WebAssembly build compiles (the SIMD build's RSA
// layouts and P-521 product). The file system is visible as it is (tests read key files
// by absolute path).
// Usage (make wasm-rust-test sets it up): node wasi-runner.mjs TEST.wasm [libtest args]
import { readFileSync } from "node:fs";
import { WASI } from "node:wasi";

const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({
  version: "preview1",
  args: [file, ...args],
  env: process.env,
  preopens: { "/": "/" },
  returnOnExit: true,
});
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
