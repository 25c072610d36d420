// The one-off cost of the fixed-base tables: a key's first two verifications use small
// per-call tables, and its third builds the key's own table (and, with the first key of a
// curve, the generator's). For each curve, four fresh keys in one Node process; prints the
// third verification of each (the first key's includes the generator's table) next to the
// fourth, which uses the tables. Medians of ROUNDS fresh processes (default 5), in ms.
// Usage: node tables.mjs [path/to/pkg]   (make bench-startup)
import { execFileSync } from "node:child_process";
import { pathToFileURL } from "node:url";

const pkg = process.argv[2] ?? new URL("../pkg", import.meta.url).pathname;
const ROUNDS = Number(process.env.ROUNDS ?? 5);
// [key type and options, hash] for node:crypto.
const ALGS = {
  ES256: '["ec", { namedCurve: "P-256" }], "sha256"',
  ES384: '["ec", { namedCurve: "P-384" }], "sha384"',
  ES512: '["ec", { namedCurve: "P-521" }], "sha512"',
  ES256K: '["ec", { namedCurve: "secp256k1" }], "sha256"',
  EdDSA: '["ed25519", {}], null',
};

const child = (alg) => `
  import { generateKeyPairSync, sign } from "node:crypto";
  const { Verifier } = await import(${JSON.stringify(pathToFileURL(`${pkg}/node.js`).href)});
  const [keyType, hash] = [${ALGS[alg]}];
  const part = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const times = [];
  for (let key = 0; key < 4; key += 1) {
    const { publicKey, privateKey } = generateKeyPairSync(...keyType);
    const input = part({ alg: ${JSON.stringify(alg)} }) + "." + part({ sub: "user-1" });
    const signature = sign(hash, Buffer.from(input), { key: privateKey, dsaEncoding: "ieee-p1363" });
    const token = input + "." + signature.toString("base64url");
    const jwk = { ...publicKey.export({ format: "jwk" }), alg: ${JSON.stringify(alg)} };
    const verifier = new Verifier(jwk, {});
    verifier.verify(token);
    verifier.verify(token);
    const start = performance.now();
    verifier.verify(token);
    const third = performance.now();
    verifier.verify(token);
    times.push([third - start, performance.now() - third]);
    verifier.free();
  }
  console.log(JSON.stringify(times));
`;

const median = (values) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

console.log(
  `Node ${process.version}, ms, medians of ${ROUNDS} fresh processes\n\n` +
    "| alg | third verification, first key (both tables) | third, further keys (key table) | fourth (tables in use) |\n" +
    "|---|---|---|---|",
);
for (const alg of Object.keys(ALGS)) {
  const rounds = Array.from({ length: ROUNDS }, () =>
    JSON.parse(
      execFileSync(process.execPath, [
        "--input-type=module",
        "-e",
        child(alg),
      ]).toString(),
    ),
  );
  const first = median(rounds.map((times) => times[0][0]));
  const further = median(
    rounds.flatMap((times) => times.slice(1).map(([third]) => third)),
  );
  const fourth = median(
    rounds.flatMap((times) => times.map(([, fourthTime]) => fourthTime)),
  );
  console.log(
    `| ${alg} | ${first.toFixed(1)} | ${further.toFixed(1)} | ${fourth.toFixed(2)} |`,
  );
}
