// Verification cost in Node: kmsjwt-verify (WebAssembly) next to jose@6, fast-jwt and
// jsonwebtoken, on the same tokens with the same checks (signature, iss, aud, exp).
// "cached": the key parsed once; "cold": key text passed on every call.
// Usage: node bench.mjs [path/to/pkg/node.js]   (make bench-js runs it through runs.mjs)
//   BENCH_ALGS=ES256,ES256K node bench.mjs      only those rows
//   BENCH_JSON=out.json node bench.mjs          also writes every row's batches there
import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

import { createVerifier } from "fast-jwt";
import { SignJWT, importSPKI, jwtVerify } from "jose";
import jsonwebtoken from "jsonwebtoken";

import { KEYS } from "./keys.mjs";
import { median, perRoundRatio } from "./stats.mjs";

const pkg =
  process.argv[2] ?? new URL("../pkg/node.js", import.meta.url).pathname;
const kmsjwt = await import(pathToFileURL(pkg).href);

const ISSUER = "https://issuer.example";
const AUDIENCE = "api://bench";
const selected = (alg) =>
  !process.env.BENCH_ALGS || process.env.BENCH_ALGS.split(",").includes(alg);

async function fixture(alg) {
  const [type, params] = KEYS[alg];
  const { publicKey, privateKey } = generateKeyPairSync(type, params);
  const token = await new SignJWT({ scope: "read" })
    .setProtectedHeader({ alg, typ: "JWT" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject("user-1")
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(privateKey);
  return {
    pem: publicKey.export({ type: "spki", format: "pem" }),
    publicKey,
    token,
  };
}

// Interleaved timed batches, in µs per call: batch k of every verifier runs right after
// batch k of the others. A verifier's time is the median of its batches; a ratio is the
// median of the per-round ratios (batch k over the peer's batch k, run moments apart), so
// the machine's changes of speed (large and sudden on a shared two-core machine) cancel
// out of it. Async calls are awaited one at a time, as a request handler would. Each
// function first runs for WARM_MS: V8 compiles hot wasm with its optimizing tier in the
// background, which on two cores can outlast the batches (without the warm-up the first
// row measured up to 2x slow).
const WARM_MS = Number(process.env.WARM_MS ?? 500);
const BATCHES = 21;

async function measureTogether(fns, { minMs = 50 } = {}) {
  const plans = [];
  for (const [name, fn] of Object.entries(fns)) {
    if (fn === undefined) continue;
    const warmStart = performance.now();
    while (performance.now() - warmStart < WARM_MS) await fn();
    let iterations = 1;
    for (;;) {
      const start = performance.now();
      for (let i = 0; i < iterations; i += 1) await fn();
      if (performance.now() - start >= minMs / 4) break;
      iterations *= 2;
    }
    plans.push({ name, fn, iterations, batches: [] });
  }
  for (let batch = 0; batch < BATCHES; batch += 1) {
    for (const plan of plans) {
      const start = performance.now();
      for (let i = 0; i < plan.iterations; i += 1) await plan.fn();
      plan.batches.push(((performance.now() - start) * 1000) / plan.iterations);
    }
  }
  return Object.fromEntries(plans.map((plan) => [plan.name, plan.batches]));
}

const us = (batches) =>
  batches === undefined ? "n/a" : median(batches).toFixed(1);
const ratio = (batches, base) =>
  batches === undefined ? "n/a" : `${perRoundRatio(batches, base).toFixed(2)}x`;

const options = { issuer: ISSUER, audience: AUDIENCE };
const rows = [];
for (const alg of Object.keys(KEYS).filter(selected)) {
  const { pem, publicKey, token } = await fixture(alg);
  const kmsVerifier = new kmsjwt.Verifier(pem, options);
  const joseKey = await importSPKI(pem, alg);
  const fastCached = createVerifier({
    key: pem,
    algorithms: [alg],
    allowedIss: ISSUER,
    allowedAud: AUDIENCE,
  });
  const jwtOptions = { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE };
  const jsonwebtokenSupports = alg !== "EdDSA";

  // Every verifier must accept the token before it is timed.
  kmsVerifier.verify(token);
  kmsjwt.verify(token, pem, options);
  await jwtVerify(token, joseKey, options);
  fastCached(token);
  if (jsonwebtokenSupports) jsonwebtoken.verify(token, publicKey, jwtOptions);

  const row = {
    alg,
    ...(await measureTogether({
      // Each kmsjwt verifier right before jose's, its ratio's denominator.
      "kmsjwt cached": () => kmsVerifier.verify(token),
      "jose cached": () => jwtVerify(token, joseKey, options),
      "kmsjwt cold": () => kmsjwt.verify(token, pem, options),
      "jose cold": async () =>
        jwtVerify(token, await importSPKI(pem, alg), options),
      "fast-jwt cached": () => fastCached(token),
      "fast-jwt cold": () =>
        createVerifier({
          key: pem,
          algorithms: [alg],
          allowedIss: ISSUER,
          allowedAud: AUDIENCE,
        })(token),
      "jsonwebtoken cached": jsonwebtokenSupports
        ? () => jsonwebtoken.verify(token, publicKey, jwtOptions)
        : undefined,
      "jsonwebtoken cold": jsonwebtokenSupports
        ? () => jsonwebtoken.verify(token, pem, jwtOptions)
        : undefined,
    })),
  };
  rows.push(row);
  kmsVerifier.free();
}

console.log(
  `Node ${process.version}, µs per verification (median of ${BATCHES} interleaved batches); ratio = time / jose's time (median of the per-round ratios)\n`,
);
console.log(
  "| alg | kmsjwt cached | jose cached | fast-jwt cached | jsonwebtoken cached | kmsjwt cold | jose cold | fast-jwt cold | jsonwebtoken cold |",
);
console.log("|---|---|---|---|---|---|---|---|---|");
for (const row of rows) {
  const cached = row["jose cached"];
  const cold = row["jose cold"];
  console.log(
    `| ${row.alg} | ${us(row["kmsjwt cached"])} (${ratio(row["kmsjwt cached"], cached)}) | ${us(cached)} | ` +
      `${us(row["fast-jwt cached"])} (${ratio(row["fast-jwt cached"], cached)}) | ` +
      `${us(row["jsonwebtoken cached"])} (${ratio(row["jsonwebtoken cached"], cached)}) | ` +
      `${us(row["kmsjwt cold"])} (${ratio(row["kmsjwt cold"], cold)}) | ${us(cold)} | ` +
      `${us(row["fast-jwt cold"])} (${ratio(row["fast-jwt cold"], cold)}) | ` +
      `${us(row["jsonwebtoken cold"])} (${ratio(row["jsonwebtoken cold"], cold)}) |`,
  );
}

// ES256K and ML-DSA: no JWT library above verifies them on Node 20, so the peers are
// @noble/curves' secp256k1 and @noble/post-quantum (pure JS), wrapped in the same JWT
// steps: split, base64url, signature, JSON, iss/aud/exp.
const { secp256k1 } = await import("@noble/curves/secp256k1.js");
const { ml_dsa44, ml_dsa65, ml_dsa87 } =
  await import("@noble/post-quantum/ml-dsa.js");
const encoder = new TextEncoder();
const b64url = (bytes) => Buffer.from(bytes).toString("base64url");

function nobleJwtVerify(verifySignature, token) {
  const [header, payload, signature] = token.split(".");
  const signingInput = encoder.encode(`${header}.${payload}`);
  if (!verifySignature(Buffer.from(signature, "base64url"), signingInput)) {
    throw new Error("signature verification failed");
  }
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  if (
    claims.iss !== ISSUER ||
    claims.aud !== AUDIENCE ||
    !(claims.exp > Date.now() / 1000)
  ) {
    throw new Error("claims check failed");
  }
  return claims;
}

function signingInputFor(alg) {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(encoder.encode(JSON.stringify({ alg, typ: "JWT" })));
  const payload = b64url(
    encoder.encode(
      JSON.stringify({
        iss: ISSUER,
        aud: AUDIENCE,
        sub: "user-1",
        iat: now,
        exp: now + 3600,
      }),
    ),
  );
  return `${header}.${payload}`;
}

const pureRows = [];
if (selected("ES256K")) {
  const secretKey = secp256k1.utils.randomSecretKey();
  const publicKey = secp256k1.getPublicKey(secretKey, false);
  const signingInput = signingInputFor("ES256K");
  const signature = secp256k1.sign(encoder.encode(signingInput), secretKey);
  const token = `${signingInput}.${b64url(signature)}`;
  const jwk = {
    kty: "EC",
    crv: "secp256k1",
    x: b64url(publicKey.subarray(1, 33)),
    y: b64url(publicKey.subarray(33)),
  };
  // lowS: false, like kmsjwt (KMS and node:crypto sign with high s half the time).
  const verifySignature = (sig, message) =>
    secp256k1.verify(sig, message, publicKey, { lowS: false });
  const verifier = new kmsjwt.Verifier(jwk, options);
  verifier.verify(token);
  nobleJwtVerify(verifySignature, token);
  pureRows.push({
    alg: "ES256K",
    peer: "@noble/curves secp256k1",
    ...(await measureTogether({
      kmsjwt: () => verifier.verify(token),
      noble: () => nobleJwtVerify(verifySignature, token),
    })),
  });
  verifier.free();
}
for (const [alg, scheme] of [
  ["ML-DSA-44", ml_dsa44],
  ["ML-DSA-65", ml_dsa65],
  ["ML-DSA-87", ml_dsa87],
].filter(([alg]) => selected(alg))) {
  const keys = scheme.keygen(new Uint8Array(32).fill(7));
  const signingInput = signingInputFor(alg);
  const signature = scheme.sign(encoder.encode(signingInput), keys.secretKey);
  const token = `${signingInput}.${b64url(signature)}`;
  const jwk = { kty: "AKP", alg, pub: b64url(keys.publicKey) };
  const verifySignature = (sig, message) =>
    scheme.verify(sig, message, keys.publicKey);
  const verifier = new kmsjwt.Verifier(jwk, options);
  verifier.verify(token);
  nobleJwtVerify(verifySignature, token);
  pureRows.push({
    alg,
    peer: "@noble/post-quantum",
    ...(await measureTogether({
      kmsjwt: () => verifier.verify(token),
      noble: () => nobleJwtVerify(verifySignature, token),
    })),
  });
  verifier.free();
}
console.log(
  "\n| alg | kmsjwt cached | pure-JS peer + the same JWT steps | ratio |",
);
console.log("|---|---|---|---|");
for (const row of pureRows) {
  console.log(
    `| ${row.alg} | ${us(row.kmsjwt)} | ${row.peer}: ${us(row.noble)} | ${ratio(row.kmsjwt, row.noble)} |`,
  );
}

if (process.env.BENCH_JSON) {
  writeFileSync(process.env.BENCH_JSON, JSON.stringify({ rows, pureRows }));
}
