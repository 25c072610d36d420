// Headless Chromium: (a) a plain page with <script type="module"> and an import map, no
// bundler; (b) a Vite bundle of a small consumer app. Both run the shared suite.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { build } from "vite";

import {
  assertAllPassed,
  consumer,
  launchChromium,
  serveStatic,
} from "./harness.mjs";

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

async function runPage(root, path) {
  const server = await serveStatic(root);
  const page = await browser.newPage();
  const outside = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(server.origin)) outside.push(request.url());
  });
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  try {
    await page.goto(`${server.origin}${path}`);
    await page.waitForFunction(
      () => window.results !== undefined || document.title === "",
      null,
      {
        timeout: 30_000,
      },
    );
    const results = await page.evaluate(() => window.results);
    assert.deepEqual(errors, []);
    assert.deepEqual(outside, [], "no request leaves 127.0.0.1");
    return { results, requests: server.requests };
  } finally {
    await page.close();
    await server.close();
  }
}

test("Chromium: plain page with an import map, no bundler", async () => {
  const { results, requests } = await runPage(consumer, "/page/index.html");
  assertAllPassed(assert, results, "chromium page");
  assert.ok(
    requests.includes("/node_modules/kmsjwt-verify/kmsjwt_verify_bg.wasm"),
    requests.join(),
  );
});

test("Chromium: a Vite bundle of a consumer app", async () => {
  const outDir = join(consumer, "app/dist");
  await build({
    root: join(consumer, "app"),
    logLevel: "warn",
    build: { outDir, target: "esnext", emptyOutDir: true },
  });
  const { results, requests } = await runPage(outDir, "/index.html");
  assertAllPassed(assert, results, "chromium vite bundle");
  assert.ok(
    requests.some((path) => path.endsWith(".wasm")),
    requests.join(),
  );
});
