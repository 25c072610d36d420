// Shared by the *.test.mjs files: where the consumer project is, and its vectors.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const consumer = process.env.KMSJWT_CONSUMER;
if (!consumer)
  throw new Error(
    "run through run.sh (make js-test): KMSJWT_CONSUMER is not set",
  );

export const vectors = JSON.parse(
  readFileSync(join(consumer, "verify.json"), "utf8"),
);

/** The package as the consumer project resolves it (with the "node" condition). */
export const importPackage = () =>
  import(pathToFileURL(join(consumer, "entry.mjs")).href);

/** The shared suite, loaded from the consumer project like every runtime loads it. */
export const importSuite = () =>
  import(pathToFileURL(join(consumer, "suite.mjs")).href);

/** Fails with every failing case named, or passes with the count. */
export function assertAllPassed(assert, results, where) {
  const failed = results.filter((result) => !result.ok);
  assert.deepEqual(
    failed,
    [],
    `${where}: ${failed.length} of ${results.length} failed`,
  );
  assert.ok(
    results.length > vectors.length,
    `${where} ran ${results.length} cases`,
  );
}

/** A static file server for `root` on 127.0.0.1 that records every request path. */
export async function serveStatic(root) {
  const { createServer } = await import("node:http");
  const { readFile } = await import("node:fs/promises");
  const { extname, normalize } = await import("node:path");
  const types = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".wasm": "application/wasm",
    ".css": "text/css",
  };
  const requests = [];
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
    requests.push(path);
    const file = join(
      root,
      normalize(path.endsWith("/") ? `${path}index.html` : path),
    );
    try {
      const body = await readFile(file);
      response.writeHead(200, {
        "content-type": types[extname(file)] ?? "application/octet-stream",
      });
      response.end(body);
    } catch {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

export { launchChromium } from "./chromium.mjs";
