// Cloudflare's runtime: the consumer's Worker, bundled with esbuild under the "workerd"
// export condition (the .wasm imported as a compiled module), run offline in workerd.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { build } from "esbuild";
import { Miniflare } from "miniflare";

import { assertAllPassed, consumer } from "./harness.mjs";

const outdir = mkdtempSync(join(tmpdir(), "kmsjwt-worker-"));
let worker;

before(async () => {
  await build({
    entryPoints: [join(consumer, "worker/index.mjs")],
    absWorkingDir: consumer,
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker"],
    loader: { ".wasm": "copy" },
    outdir,
    logLevel: "warning",
  });
  worker = new Miniflare({
    workers: [
      {
        name: "consumer",
        modules: true,
        scriptPath: join(outdir, "index.js"),
        modulesRoot: outdir,
        modulesRules: [
          { type: "ESModule", include: ["**/*.js"] },
          { type: "CompiledWasm", include: ["**/*.wasm"] },
        ],
        compatibilityDate: "2025-09-01",
      },
    ],
  });
  await worker.ready;
});

after(async () => {
  await worker?.dispose();
  rmSync(outdir, { recursive: true, force: true });
});

test("workerd: the shared suite passes inside a Worker", async () => {
  const response = await worker.dispatchFetch("http://localhost/suite");
  assert.equal(response.status, 200);
  assertAllPassed(assert, await response.json(), "workerd");
});

test("workerd: verify is synchronous as soon as the module is loaded", async () => {
  const response = await worker.dispatchFetch("http://localhost/first-verify");
  const { sub } = await response.json();
  assert.equal(sub, "user-1");
});
