// What V8 compiles on the way to the first verification: fresh Node processes per alg with
// --trace-wasm-compilation-times parse one key and verify one token, and this prints
// how many wasm functions each step compiled with Liftoff (V8 compiles a function on its
// first call) and their body bytes, largest first when the .wasm has a name section
// (KEEP_NAMES=1 bash verifier-wasm/build-pkg.sh DIR). Compile time grows with those bytes;
// the README's startup section quotes them.
// Usage: node startup-path.mjs [path/to/pkg] [functions to list per step, default 0]
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

import { signedToken } from "./keys.mjs";

const pkg = process.argv[2] ?? new URL("../pkg", import.meta.url).pathname;
const LIST = Number(process.argv[3] ?? 0);
const ALGS = ["ES256", "RS256", "EdDSA"];

// The module's function names by index, from its name section (empty without one).
function functionNames(bytes) {
  const names = new Map();
  const leb = (at) => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) return [value, at];
    }
  };
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at++];
    let size;
    [size, at] = leb(at);
    const end = at + size;
    if (id === 0) {
      let [nameLength, inner] = leb(at);
      const section = Buffer.from(bytes.subarray(inner, inner + nameLength));
      inner += nameLength;
      while (section.toString() === "name" && inner < end) {
        const kind = bytes[inner++];
        let subsectionSize;
        [subsectionSize, inner] = leb(inner);
        const subsectionEnd = inner + subsectionSize;
        if (kind === 1) {
          let count;
          [count, inner] = leb(inner);
          for (let k = 0; k < count; k += 1) {
            let index;
            let length;
            [index, inner] = leb(inner);
            [length, inner] = leb(inner);
            const name = Buffer.from(bytes.subarray(inner, inner + length));
            names.set(index, name.toString().replace(/::h[0-9a-f]{16}$/, ""));
            inner += length;
          }
        }
        inner = subsectionEnd;
      }
    }
    at = end;
  }
  return names;
}

// Runs in the fresh process, up to and including step STEPS of: instantiate (0), the
// first key (1), the first verification (2). Markers printed between steps would not
// order reliably against V8's trace, which goes through its own buffer, so each step's
// functions are told apart by running the steps before it alone.
const child = `
  import { readFileSync } from "node:fs";
  const pkg = ${JSON.stringify(pathToFileURL(`${pkg}/`).href)};
  const { pem, token } = JSON.parse(process.env.FIXTURE);
  const steps = Number(process.env.STEPS);
  const glue = await import(pkg + "kmsjwt_verify.js");
  const api = await import(pkg + "api.js");
  glue.initSync({ module: new WebAssembly.Module(readFileSync(new URL("kmsjwt_verify_bg.wasm", pkg))) });
  const verifier = steps >= 1 ? new api.Verifier(pem, {}) : null;
  if (steps >= 2) verifier.verify(token);
`;

// The functions Liftoff compiled in a fresh process running `steps` steps: index -> bytes.
function compiledBy(steps, fixture) {
  const trace = execFileSync(
    process.execPath,
    ["--trace-wasm-compilation-times", "--input-type=module", "-e", child],
    {
      env: {
        ...process.env,
        FIXTURE: JSON.stringify(fixture),
        STEPS: String(steps),
      },
    },
  ).toString();
  const compiled = new Map();
  for (const match of trace.matchAll(/#(\d+) using Liftoff.*bodysize (\d+)/g)) {
    compiled.set(Number(match[1]), Number(match[2]));
  }
  return compiled;
}

// Functions compiled by a step: those of its process and not of the one before.
const added = (after, before) =>
  [...after]
    .filter(([index]) => !before.has(index))
    .map(([index, bytes]) => ({ index, bytes }));

const names = functionNames(
  new Uint8Array(readFileSync(`${pkg}/kmsjwt_verify_bg.wasm`)),
);
console.log(
  `Node ${process.version}, Liftoff compilations per step (${pkg})\n\n` +
    "| alg | first key: functions | KB | first verify: functions | KB |\n" +
    "|---|---|---|---|---|",
);
const listings = [];
for (const alg of ALGS) {
  const fixture = signedToken(alg);
  const [instantiated, keyed, verified] = [0, 1, 2].map((steps) =>
    compiledBy(steps, fixture),
  );
  const steps = {
    key: added(keyed, instantiated),
    first: added(verified, keyed),
  };
  const kb = (list) =>
    (list.reduce((sum, entry) => sum + entry.bytes, 0) / 1000).toFixed(1);
  console.log(
    `| ${alg} | ${steps.key.length} | ${kb(steps.key)} | ${steps.first.length} | ${kb(steps.first)} |`,
  );
  for (const [name, list] of Object.entries(steps)) {
    const largest = [...list].sort((a, b) => b.bytes - a.bytes).slice(0, LIST);
    for (const entry of largest) {
      const label = names.get(entry.index) ?? `function #${entry.index}`;
      listings.push(`${alg} ${name}: ${entry.bytes} B ${label}`);
    }
  }
}
if (listings.length > 0) console.log(`\n${listings.join("\n")}`);
