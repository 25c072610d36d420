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
import { generateKeyPairSync, sign } from "node:crypto";
import { pathToFileURL } from "node:url";

const pkg = process.argv[2] ?? new URL("../pkg", import.meta.url).pathname;
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const ALGS = {
  ES256: [
    ["ec", { namedCurve: "P-256" }],
    "sha256",
    { dsaEncoding: "ieee-p1363" },
  ],
  RS256: [["rsa", { modulusLength: 2048 }], "sha256", {}],
  EdDSA: [["ed25519", {}], null, {}],
};

function fixture(alg) {
  const [keyType, hash, signOptions] = ALGS[alg];
  const { publicKey, privateKey } = generateKeyPairSync(...keyType);
  const part = (value) =>
    Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${part({ alg })}.${part({ sub: "user-1", exp: 2e9 })}`;
  const signature = sign(hash, Buffer.from(input), {
    key: privateKey,
    ...signOptions,
  });
  return {
    pem: publicKey.export({ type: "spki", format: "pem" }),
    token: `${input}.${signature.toString("base64url")}`,
  };
}

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

const median = (values) =>
  values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const steps = ["compile", "instantiate", "key", "first", "second"];

console.log(
  `Node ${process.version}, ms, medians of ${ROUNDS} fresh processes\n`,
);
console.log(`| alg | ${steps.join(" | ")} | compile to first verify |`);
console.log(`|---|${steps.map(() => "---|").join("")}---|`);
for (const alg of Object.keys(ALGS)) {
  const env = { ...process.env, FIXTURE: JSON.stringify(fixture(alg)) };
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
