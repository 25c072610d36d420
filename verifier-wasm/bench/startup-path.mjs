// What V8 compiles on the way to the first verification: a fresh Node process per alg with
// --trace-wasm-compilation-times parses one key and verifies one token, and this prints
// how many wasm functions each step compiled with Liftoff (V8 compiles a function on its
// first call) and their body bytes, largest first when the .wasm has a name section
// (KEEP_NAMES=1 bash verifier-wasm/build-pkg.sh DIR). Compile time grows with those bytes;
// the README's startup section quotes them.
// Usage: node startup-path.mjs [path/to/pkg] [functions to list per step, default 0]
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const pkg = process.argv[2] ?? new URL("../pkg", import.meta.url).pathname;
const LIST = Number(process.argv[3] ?? 0);
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

// Runs in the fresh process: markers on stderr around each step, V8's trace on stdout.
const child = `
  import { readFileSync } from "node:fs";
  const pkg = ${JSON.stringify(pathToFileURL(`${pkg}/`).href)};
  const { pem, token } = JSON.parse(process.env.FIXTURE);
  const glue = await import(pkg + "kmsjwt_verify.js");
  const api = await import(pkg + "api.js");
  glue.initSync({ module: new WebAssembly.Module(readFileSync(new URL("kmsjwt_verify_bg.wasm", pkg))) });
  console.log("STEP key");
  const verifier = new api.Verifier(pem, {});
  console.log("STEP first");
  verifier.verify(token);
  console.log("STEP end");
`;

const names = functionNames(
  new Uint8Array(readFileSync(`${pkg}/kmsjwt_verify_bg.wasm`)),
);
console.log(
  `Node ${process.version}, Liftoff compilations per step (${pkg})\n\n` +
    "| alg | first key: functions | KB | first verify: functions | KB |\n" +
    "|---|---|---|---|---|",
);
const listings = [];
for (const alg of Object.keys(ALGS)) {
  const trace = execFileSync(
    process.execPath,
    ["--trace-wasm-compilation-times", "--input-type=module", "-e", child],
    { env: { ...process.env, FIXTURE: JSON.stringify(fixture(alg)) } },
  ).toString();
  const steps = { key: [], first: [] };
  let step = null;
  for (const line of trace.split("\n")) {
    const marker = /^STEP (\w+)/.exec(line);
    if (marker) {
      step = steps[marker[1]] ?? null;
      continue;
    }
    const compiled = /#(\d+) using Liftoff.*bodysize (\d+)/.exec(line);
    if (compiled && step) {
      step.push({ index: Number(compiled[1]), bytes: Number(compiled[2]) });
    }
  }
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
