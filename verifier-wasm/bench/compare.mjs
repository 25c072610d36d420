// Two or more builds of the package on one alg, side by side in one process: each
// Verifier is warmed up for 1.5 s, then batches of 100 verifications alternate between the
// builds (BATCHES each, default 20), so the machine's speed changes hit every build alike.
// Prints the minimum and the median per build, in µs per verification, and each build's
// time over the first build's: the median of the per-round ratios (batch k over the first
// build's batch k, run moments apart), which a change of the machine's speed in the middle
// of a run leaves alone.
// Usage: node compare.mjs ALG PKG_DIR [PKG_DIR ...]
//   e.g. node --no-liftoff compare.mjs RS256 /tmp/pkg-before ../pkg
//   (ALG: RS256, PS256, ES256, ES384, ES512 or EdDSA; --no-liftoff leaves V8's baseline
//   compiler out of the warm-up)
import { generateKeyPairSync } from "node:crypto";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

import { SignJWT } from "jose";

import { KEYS } from "./keys.mjs";
import { median, perRoundRatio } from "./stats.mjs";

const [alg, ...packages] = process.argv.slice(2);
if (!KEYS[alg] || packages.length === 0) {
  console.error("usage: node compare.mjs ALG PKG_DIR [PKG_DIR ...]");
  process.exit(2);
}

const { publicKey, privateKey } = generateKeyPairSync(...KEYS[alg]);
const token = await new SignJWT({ scope: "read" })
  .setProtectedHeader({ alg })
  .setIssuer("https://issuer.example")
  .setAudience("api://bench")
  .setExpirationTime("1h")
  .sign(privateKey);
const pem = publicKey.export({ type: "spki", format: "pem" });
const options = { issuer: "https://issuer.example", audience: "api://bench" };

const verifiers = [];
for (const dir of packages) {
  const entry = pathToFileURL(join(resolve(dir), "node.js")).href;
  const { Verifier } = await import(entry);
  verifiers.push(new Verifier(pem, options));
}
for (const verifier of verifiers) {
  const start = performance.now();
  while (performance.now() - start < 1500) verifier.verify(token);
}
const BATCHES = Number(process.env.BATCHES ?? 20);
const results = verifiers.map(() => []);
for (let batch = 0; batch < BATCHES; batch += 1) {
  for (const [index, verifier] of verifiers.entries()) {
    const start = performance.now();
    for (let i = 0; i < 100; i += 1) verifier.verify(token);
    results[index].push(((performance.now() - start) * 1000) / 100);
  }
}
for (const [index, times] of results.entries()) {
  const ratio = perRoundRatio(times, results[0]);
  console.log(
    `${alg} ${packages[index]}: min ${Math.min(...times).toFixed(1)} µs, median ${median(times).toFixed(1)} µs, ${ratio.toFixed(3)}x the first`,
  );
}
