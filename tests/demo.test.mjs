// `make demo` end to end: once non-interactively (DEMO_EXIT=1), then interactively,
// with the page opened in headless Chromium and the demo stopped with Ctrl-C (SIGINT to
// its process group). Checks what it prints against what it wrote, checks the tokens
// independently with node:crypto, and checks that nothing it started is left running.
//   node --test tests/demo.test.mjs      (make demo-test; needs make wasm first)
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createPublicKey, verify as cryptoVerify } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = mkdtempSync(join(tmpdir(), "kmsjwt-demo-test-"));
after(() => rmSync(out, { recursive: true, force: true }));

const ALGS = ["RS256", "ES256", "EdDSA"];
const STEPS = [
  "Installing and building what is missing",
  "Starting the local KMS (ministack) on 127.0.0.1",
  "Creating KMS keys (kmsjwt create-key)",
  "Signing a token with each key",
  "Verifying each token in Node with the npm package",
  "Verifying each token through the example Worker in workerd",
  "Serving the inspector page with the first token and the JWK Set",
];

/** Starts demo/run.sh in its own process group; `done` resolves to { code, signal, output }. */
function startDemo(env) {
  const child = spawn("bash", [join(root, "demo/run.sh")], {
    cwd: root,
    env: { ...process.env, DEMO_OUT: out, ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const listeners = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => {
      output += chunk;
      for (const listener of listeners) listener(output);
    });
  }
  const done = new Promise((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, output })),
  );
  /** Resolves with the first match of `pattern` in the output so far or to come. */
  const waitFor = (pattern, ms) =>
    new Promise((resolve, reject) => {
      const check = (text) => {
        const match = pattern.exec(text);
        if (match) resolve(match);
      };
      listeners.push(check);
      check(output);
      const timer = setTimeout(
        () => reject(new Error(`no ${pattern} in ${ms} ms:\n${output}`)),
        ms,
      );
      done.then(() => {
        clearTimeout(timer);
        reject(new Error(`the demo exited before ${pattern}:\n${output}`));
      });
    });
  return { child, done, waitFor, output: () => output };
}

const portOf = (url) => Number(new URL(url).port);

/** Whether something accepts connections on 127.0.0.1:port. */
const listening = (port) =>
  new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.on("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });

/** Whether any process is left in the process group `pgid`. */
function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

const pgids = () =>
  ["ministack", "page"].map((name) =>
    Number(readFileSync(join(out, `${name}.pgid`), "utf8")),
  );

/** Everything the demo started is gone: its process groups and its ports. */
async function assertStopped(output) {
  const kms = /KMS endpoint: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)[1];
  const page = /^(http:\/\/127\.0\.0\.1:\d+)\/#token=/m.exec(output)[1];
  for (const pgid of pgids()) {
    assert.ok(pgid > 1, `process group ${pgid}`);
    assert.equal(groupAlive(pgid), false, `process group ${pgid} still runs`);
  }
  assert.equal(await listening(portOf(kms)), false, `${kms} still answers`);
  assert.equal(await listening(portOf(page)), false, `${page} still answers`);
}

/** The token's signature checked with node:crypto and the JWK from jwks.json. */
function cryptoCheck(token, jwk) {
  const [header, payload, signature] = token.split(".");
  const hash = jwk.kty === "OKP" ? null : "sha256";
  return cryptoVerify(
    hash,
    Buffer.from(`${header}.${payload}`),
    {
      key: createPublicKey({ key: jwk, format: "jwk" }),
      dsaEncoding: "ieee-p1363",
    },
    Buffer.from(signature, "base64url"),
  );
}

const decodePart = (part) => JSON.parse(Buffer.from(part, "base64url"));

test("DEMO_EXIT=1: every step runs, the tokens verify in Node and workerd, and it stops", async () => {
  const demo = startDemo({ DEMO_EXIT: "1" });
  const { code, output } = await demo.done;
  assert.equal(code, 0, output);

  // The steps, in order.
  let at = 0;
  STEPS.forEach((title, index) => {
    const next = output.indexOf(`==> [${index + 1}/7] ${title}`, at);
    assert.ok(
      next >= at,
      `step ${index + 1} "${title}" missing or out of order:\n${output}`,
    );
    at = next;
  });

  // tokens.txt: one line per key, in the order RSA, P-256, Ed25519.
  const lines = readFileSync(join(out, "tokens.txt"), "utf8")
    .trim()
    .split("\n");
  const tokens = lines.map((line) => line.split(" "));
  assert.deepEqual(
    tokens.map(([alg, alias]) => [alg, alias]),
    [
      ["RS256", "alias/demo-rsa"],
      ["ES256", "alias/demo-p256"],
      ["EdDSA", "alias/demo-ed25519"],
    ],
  );

  // jwks.json: three keys, one per token, found by the token's kid.
  const jwks = JSON.parse(readFileSync(join(out, "jwks.json"), "utf8"));
  assert.equal(jwks.keys.length, 3);
  assert.deepEqual(
    jwks.keys.map((key) => [key.kty, key.crv ?? "", key.alg]),
    [
      ["RSA", "", "RS256"],
      ["EC", "P-256", "ES256"],
      ["OKP", "Ed25519", "EdDSA"],
    ],
  );

  const now = Date.now() / 1000;
  for (const [alg, , token] of tokens) {
    assert.ok(output.includes(`\n    ${token}\n`), `${alg} token not printed`);
    const header = decodePart(token.split(".")[0]);
    const payload = decodePart(token.split(".")[1]);
    assert.equal(header.alg, alg);
    const jwk = jwks.keys.find((key) => key.kid === header.kid);
    assert.ok(jwk, `no key with the ${alg} token's kid ${header.kid}`);
    assert.ok(
      cryptoCheck(token, jwk),
      `${alg}: node:crypto rejects the signature`,
    );
    assert.equal(payload.iss, "https://issuer.example");
    assert.equal(payload.aud, "example-api");
    assert.equal(payload.sub, "demo-user");
    assert.ok(payload.exp > now && payload.iat <= now + 5);
  }

  for (const alg of ALGS) {
    assert.match(output, new RegExp(`${alg} +verified in Node: sub=demo-user`));
    assert.match(
      output,
      new RegExp(
        `${alg} +verified in workerd: GET /api/me -> 200, sub=demo-user`,
      ),
    );
  }
  assert.match(
    output,
    /tampered token \(sub changed to admin\) refused in Node: ERR_JWS_SIGNATURE_VERIFICATION_FAILED/,
  );
  assert.match(
    output,
    /no token: GET \/api\/me -> 401, WWW-Authenticate: Bearer realm="kmsjwt-example"\n/,
  );
  assert.match(
    output,
    /tampered token: GET \/api\/me -> 401, WWW-Authenticate: Bearer realm="kmsjwt-example", error="invalid_token", error_description="ERR_JWS_SIGNATURE_VERIFICATION_FAILED: /,
  );
  assert.doesNotMatch(output, /FAILED in/);

  // The page URL: the first token and the JWK Set in the fragment.
  const url = /^(http:\/\/127\.0\.0\.1:\d+\/#token=.*)$/m.exec(output)?.[1];
  assert.ok(url, `no page URL in:\n${output}`);
  assert.equal(readFileSync(join(out, "url.txt"), "utf8").trim(), url);
  const fragment = new URL(url).hash.slice(1);
  const [tokenPart, keyPart] = fragment.split("&");
  assert.equal(tokenPart, `token=${tokens[0][2]}`);
  assert.ok(keyPart.startsWith("key="));
  assert.deepEqual(JSON.parse(decodeURIComponent(keyPart.slice(4))), jwks);
  assert.match(output, /DEMO_EXIT=1: the page answered 200; stopping/);

  await assertStopped(output);
});

test("interactive: a second run reuses what is installed, the page verifies the token, Ctrl-C stops everything", async () => {
  const started = Date.now();
  const demo = startDemo({ DEMO_EXIT: "" });
  try {
    const [, url] = await demo.waitFor(
      /^(http:\/\/127\.0\.0\.1:\d+\/#token=\S+)$/m,
      180_000,
    );
    await demo.waitFor(/Ctrl-C stops the KMS and the page server/, 10_000);
    const seconds = (Date.now() - started) / 1000;
    const output = demo.output();
    assert.match(output, /Node app \(reused, the package is unchanged\)/);
    assert.doesNotMatch(output, /building the npm package/);
    console.log(`second run: page URL after ${seconds.toFixed(1)} s`);

    // The inspector, loaded from the demo's server, verifies the first token with the
    // JWK Set from the fragment.
    const { chromium } = createRequire(
      join(root, "verifier-wasm/js-tests/package.json"),
    )("playwright-core");
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
      ],
    });
    try {
      const page = await browser.newPage();
      const requests = [];
      page.on("request", (request) => requests.push(request.url()));
      await page.goto(url);
      const result = page.locator("#result");
      await result
        .and(page.locator('[data-state="verified"]'))
        .waitFor({ timeout: 20_000 })
        .catch(async () => {
          assert.fail(
            `the page did not verify the token: ${await result.textContent()}`,
          );
        });
      assert.match(await result.textContent(), /RS256/);
      // The fragment stays in the browser: no request carries the token.
      const token = new URL(url).hash.slice("#token=".length).split("&")[0];
      assert.ok(requests.length > 0);
      for (const request of requests) {
        assert.ok(new URL(request).origin === new URL(url).origin, request);
        assert.ok(!request.includes(token.split(".")[1]), request);
      }
    } finally {
      await browser.close();
    }

    // Ctrl-C: SIGINT to the demo's foreground process group, as a terminal sends it.
    process.kill(-demo.child.pid, "SIGINT");
    const { code, output: final } = await demo.done;
    // Ctrl-C is how the demo ends: exit 0 once it is serving.
    assert.equal(code, 0, final);
    assert.match(
      final,
      /==> stopping what the demo started \(process groups \d+ \d+\)/,
    );
    await assertStopped(final);
  } finally {
    if (demo.child.exitCode === null) {
      try {
        process.kill(-demo.child.pid, "SIGTERM");
      } catch {}
      await demo.done;
    }
  }
});

test("output piped into a reader that goes away (| head): the demo still stops what it started", async () => {
  const child = spawn("bash", [join(root, "demo/run.sh")], {
    cwd: root,
    env: { ...process.env, DEMO_OUT: out, DEMO_EXIT: "1" },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  let output = "";
  child.stdout.setEncoding("utf8");
  await new Promise((resolve) => {
    child.stdout.on("data", (chunk) => {
      output += chunk;
      if (/KMS endpoint: /.test(output)) resolve();
    });
  });
  const kms = /KMS endpoint: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)[1];
  const pgid = Number(readFileSync(join(out, "ministack.pgid"), "utf8"));
  child.stdout.destroy();
  child.stderr.destroy();
  const code = await exited;
  assert.notEqual(code, 0);
  assert.equal(groupAlive(pgid), false, `ministack (group ${pgid}) still runs`);
  assert.equal(await listening(portOf(kms)), false, `${kms} still answers`);
});
