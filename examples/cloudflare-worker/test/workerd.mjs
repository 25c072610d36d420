// Builds the example Worker the way wrangler does (esbuild with the "workerd" export
// condition, the package's .wasm kept as a compiled WebAssembly module, jwks.json
// bundled) and runs it offline in workerd through Miniflare. Used by the Worker's tests
// and by `make demo`.
//
// esbuild and Miniflare 4 come from verifier-wasm/js-tests (`make js-deps`); this does
// not need `npm install` in the example (which would pull wrangler).
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  mkdirSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const exampleDir = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "..",
);
export const repoRoot = resolve(exampleDir, "../..");
const tools = createRequire(
  join(repoRoot, "verifier-wasm/js-tests/package.json"),
);

/**
 * `main`, `compatibility_date` and `[vars]` from wrangler.toml (flat `key = "value"`
 * lines only, which is all this example's config uses).
 */
export function wranglerConfig() {
  const config = { vars: {} };
  let section = "";
  const text = readFileSync(join(exampleDir, "wrangler.toml"), "utf8");
  for (const line of text.split("\n")) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      section = header[1];
      continue;
    }
    const entry = /^\s*([A-Za-z_][\w-]*)\s*=\s*"([^"]*)"\s*$/.exec(line);
    if (!entry) continue;
    if (section === "") config[entry[1]] = entry[2];
    else if (section === "vars") config.vars[entry[1]] = entry[2];
  }
  return config;
}

/** Resolves the Worker's `../jwks.json` import to `jwksPath`. */
function bundledJwks(jwksPath) {
  return {
    name: "bundled-jwks",
    setup(build) {
      build.onResolve({ filter: /^\.\.\/jwks\.json$/ }, () => ({
        path: resolve(jwksPath),
      }));
    },
  };
}

/**
 * Bundles and starts the Worker.
 * - jwksPath: the JWK Set to bundle in place of jwks.json
 * - nodeModules: a node_modules folder holding kmsjwt-verify; default: a link to the
 *   package built in verifier-wasm/pkg (`make wasm`)
 * - vars: overrides for wrangler.toml's [vars]
 * - outboundService: answers the Worker's fetch() calls (Miniflare's option)
 * Returns `{ fetch(path, init), vars, dispose() }`.
 */
export async function startWorker({
  jwksPath,
  nodeModules,
  vars = {},
  outboundService,
}) {
  const { build } = tools("esbuild");
  const { Miniflare } = tools("miniflare");
  const config = wranglerConfig();
  const work = mkdtempSync(join(tmpdir(), "kmsjwt-example-worker-"));
  if (nodeModules === undefined) {
    nodeModules = join(work, "node_modules");
    mkdirSync(nodeModules);
    symlinkSync(
      join(repoRoot, "verifier-wasm/pkg"),
      join(nodeModules, "kmsjwt-verify"),
    );
  }
  const outdir = join(work, "dist");
  let worker;
  try {
    await build({
      entryPoints: [join(exampleDir, config.main)],
      bundle: true,
      format: "esm",
      platform: "neutral",
      conditions: ["workerd", "worker"],
      loader: { ".wasm": "copy", ".json": "json" },
      nodePaths: [nodeModules],
      plugins: [bundledJwks(jwksPath)],
      outdir,
      entryNames: "index",
      logLevel: "warning",
    });
    const bindings = { ...config.vars, ...vars };
    for (const [name, value] of Object.entries(bindings)) {
      if (value === undefined) delete bindings[name];
    }
    worker = new Miniflare({
      workers: [
        {
          name: config.name ?? "worker",
          modules: true,
          scriptPath: join(outdir, "index.js"),
          modulesRoot: outdir,
          modulesRules: [
            { type: "ESModule", include: ["**/*.js"] },
            { type: "CompiledWasm", include: ["**/*.wasm"] },
          ],
          compatibilityDate: config.compatibility_date,
          bindings,
          ...(outboundService ? { outboundService } : {}),
        },
      ],
    });
    await worker.ready;
    return {
      vars: bindings,
      fetch: (path, init) =>
        worker.dispatchFetch(new URL(path, "http://localhost").href, init),
      dispose: async () => {
        await worker.dispose();
        rmSync(work, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await worker?.dispose();
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}
