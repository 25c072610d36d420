// Startup cost in workerd (Cloudflare's runtime, via Miniflare): a Worker that imports
// kmsjwt-verify and verifies one token per request, next to the same Worker without it.
// Time inside a Worker is frozen between I/O, so everything is timed from outside:
//   ready: new Miniflare(...) until the Worker is loaded (includes compiling the .wasm)
//   first: the first request (instantiation is done; the first verify of that alg)
//   warm:  a later request
// Startup cost = (ready + first) of the kmsjwt Worker - (ready + first) of the plain one.
// Usage: node startup.mjs [path/to/pkg]   (make bench-startup)
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { SignJWT, exportJWK } from "jose";

// esbuild and Miniflare are the versions the package tests pin.
const require = createRequire(
  new URL("../js-tests/package.json", import.meta.url),
);
const { build } = require("esbuild");
const { Miniflare } = require("miniflare");

const pkg = process.argv[2] ?? new URL("../pkg", import.meta.url).pathname;
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const ALGS = {
  ES256: ["ec", { namedCurve: "P-256" }],
  RS256: ["rsa", { modulusLength: 2048 }],
  EdDSA: ["ed25519", {}],
};

async function fixtures() {
  const out = {};
  for (const [alg, [type, params]] of Object.entries(ALGS)) {
    const { publicKey, privateKey } = generateKeyPairSync(type, params);
    const token = await new SignJWT({ sub: "user-1" })
      .setProtectedHeader({ alg })
      .setIssuer("https://issuer.example")
      .setExpirationTime("1h")
      .sign(privateKey);
    out[alg] = { token, jwk: { ...(await exportJWK(publicKey)), alg } };
  }
  return out;
}

const workerSource = (withKmsjwt) => `
${withKmsjwt ? 'import { verify } from "kmsjwt-verify";' : ""}
const FIXTURES = globalThis.FIXTURES;
export default {
  async fetch(request) {
    const alg = new URL(request.url).pathname.slice(1);
    const { token, jwk } = FIXTURES[alg];
    ${
      withKmsjwt
        ? 'const { payload } = verify(token, jwk, { issuer: "https://issuer.example" });'
        : "const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));"
    }
    return new Response(payload.sub);
  },
};`;

async function bundle(dir, withKmsjwt, fixtureData) {
  const entry = join(dir, `entry-${withKmsjwt}.mjs`);
  writeFileSync(
    entry,
    `globalThis.FIXTURES = ${JSON.stringify(fixtureData)};\n${workerSource(withKmsjwt)}`,
  );
  const outdir = join(dir, `out-${withKmsjwt}`);
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker"],
    loader: { ".wasm": "copy" },
    alias: { "kmsjwt-verify": join(pkg, "workerd.js") },
    outdir,
    logLevel: "warning",
  });
  return outdir;
}

async function round(outdir, alg) {
  const start = performance.now();
  const worker = new Miniflare({
    modules: true,
    scriptPath: join(outdir, `entry-${outdir.endsWith("true")}.js`),
    modulesRoot: outdir,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2025-09-01",
  });
  await worker.ready;
  const ready = performance.now();
  const first = await worker.dispatchFetch(`http://localhost/${alg}`);
  if ((await first.text()) !== "user-1")
    throw new Error("first request failed");
  const afterFirst = performance.now();
  await (await worker.dispatchFetch(`http://localhost/${alg}`)).text();
  const afterWarm = performance.now();
  await worker.dispose();
  return {
    ready: ready - start,
    first: afterFirst - ready,
    warm: afterWarm - afterFirst,
  };
}

const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];
const dir = mkdtempSync(join(tmpdir(), "kmsjwt-startup-"));
try {
  const data = await fixtures();
  const plain = await bundle(dir, false, data);
  const withKmsjwt = await bundle(dir, true, data);
  console.log(
    `workerd via Miniflare, medians of ${ROUNDS} fresh Workers, ms\n\n` +
      "| alg | plain ready + first | kmsjwt ready + first | startup cost | kmsjwt warm request |\n" +
      "|---|---|---|---|---|",
  );
  for (const alg of Object.keys(ALGS)) {
    const rows = { plain: [], kmsjwt: [] };
    for (let i = 0; i < ROUNDS; i += 1) {
      rows.plain.push(await round(plain, alg));
      rows.kmsjwt.push(await round(withKmsjwt, alg));
    }
    const total = (list) => median(list.map((r) => r.ready + r.first));
    const plainTotal = total(rows.plain);
    const kmsjwtTotal = total(rows.kmsjwt);
    console.log(
      `| ${alg} | ${plainTotal.toFixed(1)} | ${kmsjwtTotal.toFixed(1)} | ` +
        `${(kmsjwtTotal - plainTotal).toFixed(1)} | ${median(rows.kmsjwt.map((r) => r.warm)).toFixed(2)} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
