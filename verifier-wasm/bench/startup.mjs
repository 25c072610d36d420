// Startup cost in workerd (Cloudflare's runtime, the binary from npm, run directly): a
// Worker that imports kmsjwt-verify and verifies one token per request, next to the same
// Worker without it. Time inside a Worker stands still between I/O, so everything is timed
// from outside, per fresh workerd process:
//   ready: spawn until workerd reports its socket listening (the Worker is loaded: the
//          .wasm compiled, the glue evaluated and the module instantiated)
//   first: the first request (the first verify of that alg)
//   warm:  a later request
// Startup cost = (ready + first) of the kmsjwt Worker - (ready + first) of the plain one.
// It splits in two with a third Worker that imports the package (so workerd loads the
// .wasm and the glue instantiates it) but answers like the plain one:
//   load:         import-only Worker - plain Worker
//   first verify: kmsjwt Worker - import-only Worker
// The kmsjwt Worker calls verify(token, jwk), so its first request also parses the key. A
// fourth Worker builds a Verifier from the JWK at load (its global scope, which workerd
// runs before serving) and calls verifier.verify(token) per request:
//   key at load:          its ready - the import-only Worker's ready
//   prepared first verify: its first request - the plain Worker's first request
// which is the issue's "instantiate + first verify" less the instantiation (inside load;
// startup-v8.mjs times it on its own).
// workerd is driven directly rather than through Miniflare: Miniflare's own work on a
// larger Worker (reading and parsing its modules in Node, its proxy service) added 15-35 ms
// that no deployed Worker pays.
// Usage: node startup.mjs [path/to/pkg ...]   (make bench-startup)
//   With several packages, each round runs every package's Workers one after the other,
//   so that the machine's phase (README, Performance) hits them alike: the way to compare
//   two builds, e.g. node startup.mjs /tmp/pkg-before ../pkg
//   WORKERD_V8_FLAGS="--no-wasm-lazy-compilation" node startup.mjs   V8 flags for workerd
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

import { signedToken } from "./keys.mjs";
import { median } from "./stats.mjs";

// esbuild and workerd are the versions the package tests pin.
const require = createRequire(
  new URL("../js-tests/package.json", import.meta.url),
);
const { build } = require("esbuild");
const workerd = require("workerd").default;

const packages = process.argv.slice(2);
if (packages.length === 0) {
  packages.push(new URL("../pkg", import.meta.url).pathname);
}
const ROUNDS = Number(process.env.ROUNDS ?? 21);
const ALGS = ["ES256", "RS256", "EdDSA"];
const V8_FLAGS = (process.env.WORKERD_V8_FLAGS ?? "")
  .split(" ")
  .filter(Boolean);

// A JWK (the form a Worker usually holds) and a token per alg.
const FIXTURES = Object.fromEntries(
  ALGS.map((alg) => {
    const { jwk, token } = signedToken(alg);
    return [alg, { jwk, token }];
  }),
);

// variant: "plain", "import" (the package loaded, not called), "kmsjwt" (verify(token,
// jwk) per request) or "prepared" (a Verifier built at load); one Worker per alg.
const workerSource = (variant, alg) => {
  const { jwk, token } = FIXTURES[alg];
  const imports = {
    plain: "",
    import: 'import { verify } from "kmsjwt-verify";',
    kmsjwt: 'import { verify } from "kmsjwt-verify";',
    prepared: 'import { Verifier } from "kmsjwt-verify";',
  }[variant];
  const payload = {
    kmsjwt: "verify(token, jwk).payload",
    prepared: "verifier.verify(token).payload",
  }[variant];
  return `${imports}
const token = ${JSON.stringify(token)};
const jwk = ${JSON.stringify(jwk)};
${variant === "import" ? 'if (typeof verify !== "function") throw new Error("no verify");' : ""}
${variant === "prepared" ? "const verifier = new Verifier(jwk);" : ""}
export default {
  async fetch() {
    const payload = ${payload ?? "JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')))"};
    return new Response(payload.sub);
  },
};`;
};

// Bundles the Worker with package number `index` and writes a workerd config next to it;
// returns the config's path.
async function bundle(dir, variant, alg, index) {
  const entry = join(dir, `entry-${variant}-${alg}-${index}.mjs`);
  writeFileSync(entry, workerSource(variant, alg));
  const outdir = join(dir, `out-${variant}-${alg}-${index}`);
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker"],
    loader: { ".wasm": "copy" },
    alias: { "kmsjwt-verify": join(packages[index], "workerd.js") },
    outdir,
    logLevel: "warning",
  });
  // The entry module first: workerd runs the first module listed.
  const files = readdirSync(outdir).sort(
    (a, b) => Number(b.startsWith("entry")) - Number(a.startsWith("entry")),
  );
  const modules = files.map((file) =>
    file.endsWith(".wasm")
      ? `(name = "${file}", wasm = embed "${file}")`
      : `(name = "${file}", esModule = embed "${file}")`,
  );
  const config = join(outdir, "config.capnp");
  writeFileSync(
    config,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
  v8Flags = ${JSON.stringify(V8_FLAGS)},
);
const worker :Workerd.Worker = (
  modules = [${modules.join(", ")}],
  compatibilityDate = "2025-09-01",
);
`,
  );
  return config;
}

// One fresh workerd process: its port comes over the control pipe once it listens.
async function round(config, alg) {
  const start = performance.now();
  const child = spawn(workerd, ["serve", config, "--control-fd=3"], {
    stdio: ["ignore", "inherit", "inherit", "pipe"],
  });
  try {
    let port;
    for await (const line of createInterface(child.stdio[3])) {
      const message = JSON.parse(line);
      if (message.event === "listen" && message.socket === "http") {
        port = message.port;
        break;
      }
    }
    if (port === undefined) throw new Error("workerd exited before listening");
    const ready = performance.now();
    const url = `http://127.0.0.1:${port}/${alg}`;
    const first = await (await fetch(url)).text();
    const afterFirst = performance.now();
    if (first !== "user-1") throw new Error(`first request: ${first}`);
    await (await fetch(url)).text();
    const afterWarm = performance.now();
    return {
      ready: ready - start,
      first: afterFirst - ready,
      warm: afterWarm - afterFirst,
    };
  } finally {
    child.kill();
    await new Promise((resolve) =>
      child.exitCode === null ? child.once("exit", resolve) : resolve(),
    );
  }
}

const dir = mkdtempSync(join(tmpdir(), "kmsjwt-startup-"));
try {
  const variants = ["plain", "import", "kmsjwt", "prepared"];
  const several = packages.length > 1;
  console.log(
    `workerd ${require("workerd/package.json").version}, medians of ${ROUNDS} fresh processes each, ms${V8_FLAGS.length ? `, V8 flags ${V8_FLAGS.join(" ")}` : ""}\n\n` +
      `| alg |${several ? " package |" : ""} plain ready + first | kmsjwt ready + first | startup cost | of which load | of which first verify | key at load | prepared first verify | kmsjwt warm request |\n` +
      `|---|${several ? "---|" : ""}---|---|---|---|---|---|---|---|`,
  );
  for (const alg of ALGS) {
    // configs[index][variant]; the plain Worker has no package, but each package gets
    // its own copy so that every package's row is computed alike.
    const configs = [];
    for (const index of packages.keys()) {
      configs[index] = {};
      for (const variant of variants) {
        configs[index][variant] = await bundle(dir, variant, alg, index);
      }
    }
    const rows = packages.map(() =>
      Object.fromEntries(variants.map((variant) => [variant, []])),
    );
    for (let i = 0; i < ROUNDS; i += 1) {
      for (const variant of variants) {
        for (const index of packages.keys()) {
          rows[index][variant].push(await round(configs[index][variant], alg));
        }
      }
    }
    for (const [index, pkg] of packages.entries()) {
      const of = (variant, step) => median(rows[index][variant].map(step));
      const total = (variant) => of(variant, (r) => r.ready + r.first);
      const ready = (variant) => of(variant, (r) => r.ready);
      const first = (variant) => of(variant, (r) => r.first);
      const cells = [
        total("plain"),
        total("kmsjwt"),
        total("kmsjwt") - total("plain"),
        total("import") - total("plain"),
        total("kmsjwt") - total("import"),
        ready("prepared") - ready("import"),
        first("prepared") - first("plain"),
      ].map((ms) => ms.toFixed(1));
      const warm = of("kmsjwt", (r) => r.warm).toFixed(2);
      console.log(
        `| ${alg} |${several ? ` ${pkg} |` : ""} ${cells.join(" | ")} | ${warm} |`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
