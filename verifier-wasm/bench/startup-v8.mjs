// Where startup goes, timed inside V8 (Node), the engine workerd and Chromium run: each
// round is a fresh Node process that compiles the SIMD .wasm, instantiates it, parses one
// key and verifies one token, then a second token. Prints medians per alg.
//   compile:     new WebAssembly.Module(bytes)
//   instantiate: the glue's initSync
//   key:         the first new Verifier(pem) of the process
//   first:       its first verify()
//   second:      the next verify() (compiled code is ready)
// V8 compiles a wasm function the first time it is called (lazy compilation), so "key"
// and "first" include compiling every function on their path.
// Usage: node [V8 flags] startup-v8.mjs [path/to/pkg]   (make bench-startup); the flags
// reach every fresh process, e.g. --no-wasm-lazy-compilation.
import { execFileSync } from "node:child_process";
import { pathToFileURL } from "node:url";

import { signedToken } from "./keys.mjs";
import { median } from "./stats.mjs";

const pkg = process.argv[2] ?? new URL("../pkg", import.meta.url).pathname;
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const ALGS = ["ES256", "RS256", "EdDSA"];

// Runs in the fresh process; the package's own files, no entry point, so that each step
// is timed on its own.
const child = `
  import { readFileSync } from "node:fs";
  const pkg = ${JSON.stringify(pathToFileURL(`${pkg}/`).href)};
  const { pem, token } = JSON.parse(process.env.FIXTURE);
  const glue = await import(pkg + "kmsjwt_verify.js");
  const api = await import(pkg + "api.js");
  const bytes = readFileSync(new URL("kmsjwt_verify_bg.wasm", pkg));
  const t0 = performance.now();
  const module = new WebAssembly.Module(bytes);
  const t1 = performance.now();
  glue.initSync({ module });
  const t2 = performance.now();
  const verifier = new api.Verifier(pem, {});
  const t3 = performance.now();
  verifier.verify(token);
  const t4 = performance.now();
  verifier.verify(token);
  const t5 = performance.now();
  console.log(JSON.stringify({
    compile: t1 - t0, instantiate: t2 - t1, key: t3 - t2, first: t4 - t3, second: t5 - t4,
  }));
`;

const steps = ["compile", "instantiate", "key", "first", "second"];

console.log(
  `Node ${process.version}, ms, medians of ${ROUNDS} fresh processes\n`,
);
console.log(`| alg | ${steps.join(" | ")} | compile to first verify |`);
console.log(`|---|${steps.map(() => "---|").join("")}---|`);
for (const alg of ALGS) {
  const env = { ...process.env, FIXTURE: JSON.stringify(signedToken(alg)) };
  const rounds = Array.from({ length: ROUNDS }, () =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [...process.execArgv, "--input-type=module", "-e", child],
        {
          env,
        },
      ),
    ),
  );
  const medians = steps.map((step) =>
    median(rounds.map((round) => round[step])),
  );
  const total = median(
    rounds.map(
      (round) => round.compile + round.instantiate + round.key + round.first,
    ),
  );
  console.log(
    `| ${alg} | ${medians.map((value) => value.toFixed(1)).join(" | ")} | ${total.toFixed(1)} |`,
  );
}
