// Serves a static folder (default: www/dist) on 127.0.0.1 for local use:
//   node www/serve.mjs [DIR]        WWW_PORT=8080 (0 picks a free port)
// Also used by the tests, which read `requests` to see every path that was asked for.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** Starts the server; resolves to `{ origin, requests, close }`. */
export async function serveStatic(root, { port = 0, host = "127.0.0.1" } = {}) {
  const base = resolve(root);
  const requests = [];
  const server = createServer(async (request, response) => {
    const url = new URL(request.url, "http://localhost");
    requests.push(url.pathname + url.search);
    let path;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      path = "/";
    }
    const file = join(
      base,
      normalize(path.endsWith("/") ? `${path}index.html` : path),
    );
    const headers = {
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "no-cache",
    };
    if (!file.startsWith(base) || request.method !== "GET") {
      response.writeHead(404, headers).end();
      return;
    }
    try {
      const body = await readFile(file);
      const type = TYPES[extname(file)] ?? "application/octet-stream";
      response.writeHead(200, { ...headers, "content-type": type }).end(body);
    } catch {
      response.writeHead(404, headers).end();
    }
  });
  await new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(port, host, done);
  });
  return {
    origin: `http://${host}:${server.address().port}`,
    requests,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(done);
      }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root =
    process.argv[2] ??
    join(fileURLToPath(new URL(".", import.meta.url)), "dist");
  const port = Number(process.env.WWW_PORT ?? 8080);
  const { origin } = await serveStatic(root, { port });
  console.log(`JWT inspector: ${origin}/ (serving ${root}; Ctrl-C stops)`);
}
