// What a key the verifier has not seen costs: `new Verifier(pem)` (PEM, DER, the key's
// constants, e.g. RSA's `R^2 mod n`) and its first verification, on 40 fresh keys, for
// two or more builds side by side in one process (rounds alternate between them, as in
// compare.mjs). Prints µs per key: the median over ROUNDS (default 30) and each build's
// median per-round ratio to the first build's.
// Usage: node newkey.mjs ALG PKG_DIR [PKG_DIR ...]   (ALG: RS256, ES256, ES384, ES512,
// ES256K or EdDSA)
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

import { signedToken } from "./keys.mjs";
import { median, perRoundRatio } from "./stats.mjs";

const [alg, ...packages] = process.argv.slice(2);
if (!alg || packages.length === 0) {
  console.error("usage: node newkey.mjs ALG PKG_DIR [PKG_DIR ...]");
  process.exit(2);
}
const ROUNDS = Number(process.env.ROUNDS ?? 30);
const fixtures = Array.from({ length: 40 }, () => signedToken(alg));
const builds = await Promise.all(
  packages.map((dir) => import(pathToFileURL(`${resolve(dir)}/node.js`).href)),
);

// Each build verifies every fixture once before timing: compiled code, not key setup, is
// what a first round would measure.
for (const { Verifier } of builds) {
  for (const { pem, token } of fixtures) new Verifier(pem).verify(token);
}
const times = builds.map(() => []);
for (let round = 0; round < ROUNDS; round += 1) {
  builds.forEach(({ Verifier }, build) => {
    const start = performance.now();
    for (const { pem, token } of fixtures) {
      const verifier = new Verifier(pem);
      verifier.verify(token);
      verifier.free();
    }
    times[build].push(((performance.now() - start) * 1000) / fixtures.length);
  });
}
console.log(
  `${alg}: µs per fresh key (new Verifier(pem) + first verification)`,
);
packages.forEach((dir, build) => {
  console.log(
    `${dir}: median ${median(times[build]).toFixed(1)}, ` +
      `ratio to the first ${perRoundRatio(times[build], times[0]).toFixed(3)}`,
  );
});
