// The one-off cost of the fixed-base tables: a key's first two verifications use small
// per-call tables, and its third builds the key's own table (and, with the first key of a
// curve, the generator's). For each curve, four fresh keys in one Node process; prints the
// third verification of each (the first key's includes the generator's table) next to the
// fourth, which uses the tables. Medians of ROUNDS fresh processes (default 5), in ms.
// Usage: node tables.mjs [path/to/pkg]   (make bench-startup)
import { execFileSync } from "node:child_process";
import { pathToFileURL } from "node:url";

import { signedToken } from "./keys.mjs";
import { median } from "./stats.mjs";

const pkg = process.argv[2] ?? new URL("../pkg", import.meta.url).pathname;
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const ALGS = ["ES256", "ES384", "ES512", "ES256K", "EdDSA"];
const KEYS_PER_ROUND = 4;

// Runs in the fresh process, on the keys and tokens in FIXTURES.
const child = `
  const { Verifier } = await import(${JSON.stringify(pathToFileURL(`${pkg}/node.js`).href)});
  const times = [];
  for (const { jwk, token } of JSON.parse(process.env.FIXTURES)) {
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

console.log(
  `Node ${process.version}, ms, medians of ${ROUNDS} fresh processes\n\n` +
    "| alg | third verification, first key (both tables) | third, further keys (key table) | fourth (tables in use) |\n" +
    "|---|---|---|---|",
);
for (const alg of ALGS) {
  const rounds = Array.from({ length: ROUNDS }, () =>
    JSON.parse(
      execFileSync(process.execPath, ["--input-type=module", "-e", child], {
        env: {
          ...process.env,
          FIXTURES: JSON.stringify(
            Array.from({ length: KEYS_PER_ROUND }, () => signedToken(alg)),
          ),
        },
      }).toString(),
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
