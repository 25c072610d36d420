// Startup cost in workerd (Cloudflare's runtime, via Miniflare): a Worker that imports
// kmsjwt-verify and verifies one token per request, next to the same Worker without it.
// Time inside a Worker is frozen between I/O, so everything is timed from outside:
//   ready: new Miniflare(...) until the Worker is loaded (includes compiling the .wasm)
//   first: the first request (instantiation is done; the first verify of that alg)
//   warm:  a later request
// Startup cost = (ready + first) of the kmsjwt Worker - (ready + first) of the plain one.
// It splits in two with a third Worker that imports the package (so workerd loads the
// .wasm and the glue instantiates it) but answers like the plain one:
//   load:         import-only Worker - plain Worker
//   first verify: kmsjwt Worker - import-only Worker
// Usage: node startup.mjs [path/to/pkg]   (make bench-startup)
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { SignJWT, exportJWK } from "jose";

import { median } from "./stats.mjs";

// esbuild and Miniflare are the versions the package tests pin.
const require = createRequire(
  new URL("../js-tests/package.json", import.meta.url),
);
const { build } = require("esbuild");
const { Miniflare } = require("miniflare");

const pkg = process.argv[2] ?? new URL("../pkg", import.meta.url).pathname;
const ROUNDS = Number(process.env.ROUNDS ?? 11);
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

// variant: "plain", "import" (the package loaded, not called) or "kmsjwt".
const workerSource = (variant) => `
${variant === "plain" ? "" : 'import { verify } from "kmsjwt-verify";'}
const FIXTURES = globalThis.FIXTURES;
export default {
  async fetch(request) {
    const alg = new URL(request.url).pathname.slice(1);
    const { token, jwk } = FIXTURES[alg];
    ${
      variant === "kmsjwt"
        ? 'const { payload } = verify(token, jwk, { issuer: "https://issuer.example" });'
        : "const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));"
    }
    ${variant === "import" ? 'if (typeof verify !== "function") throw new Error("no verify");' : ""}
    return new Response(payload.sub);
  },
};`;

async function bundle(dir, variant, fixtureData) {
  const entry = join(dir, `entry-${variant}.mjs`);
  writeFileSync(
    entry,
    `globalThis.FIXTURES = ${JSON.stringify(fixtureData)};\n${workerSource(variant)}`,
  );
  const outdir = join(dir, `out-${variant}`);
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

async function round(outdir, variant, alg) {
  const start = performance.now();
  const worker = new Miniflare({
    modules: true,
    scriptPath: join(outdir, `entry-${variant}.js`),
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

const dir = mkdtempSync(join(tmpdir(), "kmsjwt-startup-"));
try {
  const data = await fixtures();
  const variants = ["plain", "import", "kmsjwt"];
  const outdirs = {};
  for (const variant of variants) {
    outdirs[variant] = await bundle(dir, variant, data);
  }
  console.log(
    `workerd via Miniflare, medians of ${ROUNDS} fresh Workers each, ms\n\n` +
      "| alg | plain ready + first | kmsjwt ready + first | startup cost | of which load | of which first verify | kmsjwt warm request |\n" +
      "|---|---|---|---|---|---|---|",
  );
  for (const alg of Object.keys(ALGS)) {
    const rows = { plain: [], import: [], kmsjwt: [] };
    for (let i = 0; i < ROUNDS; i += 1) {
      for (const variant of variants) {
        rows[variant].push(await round(outdirs[variant], variant, alg));
      }
    }
    const total = (list) => median(list.map((r) => r.ready + r.first));
    const [plain, loaded, kmsjwt] = variants.map((variant) =>
      total(rows[variant]),
    );
    console.log(
      `| ${alg} | ${plain.toFixed(1)} | ${kmsjwt.toFixed(1)} | ` +
        `${(kmsjwt - plain).toFixed(1)} | ${(loaded - plain).toFixed(1)} | ${(kmsjwt - loaded).toFixed(1)} | ` +
        `${median(rows.kmsjwt.map((r) => r.warm)).toFixed(2)} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
