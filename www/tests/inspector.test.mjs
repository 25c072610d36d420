// The inspector page in Debian's headless Chromium: verification with PEM, JWK and
// JWKS keys, failures in words, privacy (requests counted), fragment preload, keyboard.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { after, before, test } from "node:test";

import { serveStatic } from "../serve.mjs";
import { dist, launchChromium, openInspector, result } from "./browser.mjs";
import {
  ALGS,
  freshClaims,
  nowSeconds,
  publicKeys,
  signToken,
} from "./tokens.mjs";

const vectors = JSON.parse(
  readFileSync(new URL("../../tests/vectors/verify.json", import.meta.url)),
);
const vector = (name) => vectors.find((entry) => entry.name === name);

let browser;
let site;
before(async () => {
  site = await serveStatic(dist);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

/** Opens the page, runs `body`, then checks that nothing left 127.0.0.1 and nothing broke. */
async function withPage(options, body) {
  const inspector = await openInspector(browser, site.origin, options);
  try {
    await body(inspector);
    assert.deepEqual(inspector.outside, [], "no request leaves 127.0.0.1");
    assert.deepEqual(inspector.pageErrors, [], "no uncaught page error");
  } finally {
    await inspector.close();
  }
}

test("page load fetches only the page, its modules and the wasm, all from its origin", async () => {
  await withPage({}, async ({ requests, page }) => {
    const paths = requests.map((url) => new URL(url).pathname).sort();
    assert.deepEqual(paths, [
      "/",
      "/app.js",
      "/claims.js",
      "/errors.js",
      "/fragment.js",
      "/keys.js",
      "/kmsjwt-verify/api.js",
      "/kmsjwt-verify/browser.js",
      "/kmsjwt-verify/kmsjwt_verify.js",
      // The SIMD build: Chromium has WebAssembly SIMD.
      "/kmsjwt-verify/kmsjwt_verify_bg.wasm",
      "/kmsjwt-verify/simd.js",
      "/style.css",
    ]);
    for (const url of requests) assert.ok(url.startsWith(site.origin), url);
    assert.equal((await result(page)).state, "empty");
  });
});

for (const alg of ALGS) {
  test(`${alg}: verified with a PEM, a JWK and a JWKS key`, async () => {
    const token = signToken(alg, freshClaims({ scope: "orders:read" }), {
      kid: `${alg.toLowerCase()}-1`,
    });
    await withPage({}, async ({ page, sinceLoad }) => {
      await page.fill("#token", token);
      for (const [format, key] of Object.entries(publicKeys(alg))) {
        await page.fill("#key", key);
        const { state, text } = await result(page);
        assert.equal(state, "verified", `${alg} ${format}: ${text}`);
        assert.match(text, new RegExp(`The ${alg} signature is valid`));
        const kind = await page.locator("#key-kind").innerText();
        assert.match(
          kind,
          format === "PEM"
            ? /PEM PUBLIC KEY/
            : new RegExp(
                format === "JWK" ? "^Key: JWK:" : "JWK Set with 1 key",
              ),
        );
      }
      // Segments coloured, header facts, claims in words.
      const segments = await page
        .locator("#segments .seg")
        .evaluateAll((nodes) =>
          nodes.map((node) => [node.className, node.textContent]),
        );
      assert.deepEqual(
        segments,
        token
          .split(".")
          .map((part, index) => [
            `seg seg-${["header", "payload", "signature"][index]}`,
            part,
          ]),
      );
      assert.equal(await page.locator('[data-header="alg"]').innerText(), alg);
      assert.equal(
        await page.locator('[data-header="kid"]').innerText(),
        `${alg.toLowerCase()}-1`,
      );
      const exp = await page.locator('tr[data-claim="exp"]').innerText();
      assert.match(
        exp,
        /expires in 14 min, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/,
      );
      assert.match(
        await page.locator('tr[data-claim="iat"]').innerText(),
        /issued 10 min ago/,
      );
      assert.match(
        await page.locator('tr[data-claim="scope"]').innerText(),
        /custom claim/,
      );
      assert.match(
        await page.locator('tr[data-claim="iss"]').innerText(),
        /Issuer/,
      );
      assert.deepEqual(sinceLoad(), [], "no request after load");
    });
  });
}

test("a key from a file: chosen with the file input, or dropped on the page", async () => {
  const token = signToken("ES256", freshClaims());
  const { PEM, JWK } = publicKeys("ES256");
  await withPage({}, async ({ page, sinceLoad }) => {
    await page.fill("#token", token);
    await page.setInputFiles("#key-file", {
      name: "p256.pub.pem",
      mimeType: "application/x-pem-file",
      buffer: Buffer.from(PEM),
    });
    await page.waitForFunction(
      () => document.getElementById("result").dataset.state === "verified",
    );
    assert.equal(await page.inputValue("#key"), PEM);
    assert.equal(
      await page.locator("#key-status").innerText(),
      `Read p256.pub.pem (${Buffer.byteLength(PEM)} bytes) from your disk.`,
    );

    await page.fill("#key", "");
    assert.equal((await result(page)).state, "decoded");
    await page.evaluate((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], "p256.jwk.json"));
      document
        .getElementById("issuer")
        .dispatchEvent(
          new DragEvent("drop", { dataTransfer: transfer, bubbles: true }),
        );
    }, JWK);
    await page.waitForFunction(
      () => document.getElementById("result").dataset.state === "verified",
    );
    assert.equal(await page.inputValue("#key"), JWK);
    assert.deepEqual(sinceLoad(), []);
  });
});

test("issuer, audience, algorithms and clock tolerance go to the core", async () => {
  const token = signToken("ES256", freshClaims());
  await withPage({}, async ({ page, sinceLoad }) => {
    await page.fill("#token", token);
    await page.fill("#key", publicKeys("ES256").PEM);
    await page.fill("#issuer", "https://other.example https://issuer.example");
    await page.fill("#audience", "api://orders");
    await page.fill("#algorithms", "ES256, EdDSA");
    assert.equal((await result(page)).state, "verified");

    await page.fill("#audience", "api://billing");
    let { state, text } = await result(page);
    assert.equal(state, "failed");
    assert.match(text, /ERR_JWT_CLAIM_VALIDATION_FAILED/);
    assert.match(text, /Claim "aud": its value does not pass the check/);

    await page.fill("#audience", "");
    await page.fill("#algorithms", "RS256");
    ({ state, text } = await result(page));
    assert.equal(state, "failed");
    assert.match(text, /ERR_JOSE_ALG_NOT_ALLOWED/);

    await page.fill("#algorithms", "");
    await page.fill("#tolerance", "soon");
    ({ text } = await result(page));
    assert.match(text, /ERR_JOSE_GENERIC/);
    assert.match(text, /invalid duration "soon"/);
    assert.deepEqual(sinceLoad(), []);
  });
});

test("tampered token: the signature error code, in words", async () => {
  const token = signToken("RS256", freshClaims());
  const [header, , signature] = token.split(".");
  const forged = Buffer.from(
    JSON.stringify({ ...freshClaims(), sub: "admin" }),
  ).toString("base64url");
  await withPage({}, async ({ page }) => {
    await page.fill("#key", publicKeys("RS256").JWKS);
    await page.fill("#token", `${header}.${forged}.${signature}`);
    const { state, text } = await result(page);
    assert.equal(state, "failed");
    assert.match(text, /^Signature invalid/);
    assert.match(text, /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/);
    assert.match(text, /the token was changed after signing/);
    // The forged claims are still shown, for inspection.
    assert.match(await page.locator("#payload-json").innerText(), /"admin"/);
  });
});

test("expired token: ERR_JWT_EXPIRED and how long ago; 'check as of' and tolerance", async () => {
  const now = nowSeconds();
  const token = signToken(
    "EdDSA",
    freshClaims({ iat: now - 3 * 3600, exp: now - 2 * 3600 }),
  );
  await withPage({}, async ({ page }) => {
    await page.fill("#token", token);
    await page.fill("#key", publicKeys("EdDSA").PEM);
    let { state, text } = await result(page);
    assert.equal(state, "failed");
    assert.match(text, /^Expired/);
    assert.match(text, /ERR_JWT_EXPIRED/);
    assert.match(
      text,
      /The token expired 2 h( 1 min)? ago, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/,
    );
    assert.match(
      await page.locator('tr[data-claim="exp"]').innerText(),
      /expired 2 h( 1 min)? ago/,
    );

    await page.fill("#tolerance", "3h");
    assert.equal((await result(page)).state, "verified");
    await page.fill("#tolerance", "");

    // Checked as of a date before exp: valid then.
    await page.fill("#as-of", String(now - 2.5 * 3600));
    ({ state } = await result(page));
    assert.equal(state, "verified");
    assert.match(
      await page.locator('tr[data-claim="exp"]').innerText(),
      /expires in 30 min/,
    );
  });
});

test("shared vectors: expired relative to today, verified as of their date", async () => {
  const rs256 = vector("RS256 with PEM");
  const expired = vector("expired");
  await withPage({}, async ({ page }) => {
    await page.fill("#token", rs256.token);
    await page.fill("#key", rs256.key);
    let { state, text } = await result(page);
    assert.equal(state, "failed");
    assert.match(
      text,
      /The token expired (\d+ (month|year)s?) ago, 2025-11-24 17:00:00 UTC/,
    );

    await page.fill("#as-of", "2025-11-24 16:00:00");
    assert.equal((await result(page)).state, "verified");
    assert.match(
      await page.locator("#claims-now").innerText(),
      /2025-11-24 16:00:00 UTC \(the date you set\)/,
    );

    await page.fill("#token", expired.token);
    await page.fill("#key", expired.key);
    await page.fill("#as-of", String(expired.options.currentDate));
    ({ state, text } = await result(page));
    assert.equal(state, "failed");
    assert.match(text, new RegExp(expired.expect.error));

    await page.fill("#as-of", "yesterday");
    ({ state, text } = await result(page));
    assert.equal(state, "invalid");
    assert.match(text, /"yesterday" is not a date/);
  });
});

test("malformed input: a readable error, and the page still works afterwards", async () => {
  const notJson = vector("payload not JSON");
  const token = signToken("ES256", freshClaims());
  await withPage({}, async ({ page, sinceLoad }) => {
    await page.fill("#key", publicKeys("ES256").JWK);
    await page.fill("#token", "this is not a token");
    let { state, text } = await result(page);
    assert.equal(state, "invalid");
    assert.match(text, /^Not a readable token/);
    assert.match(text, /ERR_JWS_INVALID/);
    assert.match(text, /exactly three segments/);
    assert.equal(await page.locator("#details").isHidden(), true);

    await page.fill("#token", notJson.token);
    ({ state, text } = await result(page));
    assert.equal(state, "invalid");
    assert.match(text, /ERR_JWT_INVALID/);
    assert.match(text, /not valid JSON/);
    assert.equal(await page.locator("#segments .seg").count(), 3);

    await page.fill("#token", "a.b.c.d");
    assert.equal(await page.locator("#segments .seg-extra").count(), 1);

    await page.fill("#token", `  Bearer ${token}\n`);
    assert.equal((await result(page)).state, "verified");

    await page.fill(
      "#key",
      "-----BEGIN PUBLIC KEY-----\nnonsense\n-----END PUBLIC KEY-----",
    );
    ({ state, text } = await result(page));
    assert.equal(state, "failed");
    assert.match(text, /ERR_JWK_INVALID/);

    await page.fill("#key", publicKeys("ES256").JWK);
    assert.equal((await result(page)).state, "verified");
    assert.deepEqual(sinceLoad(), []);
  });
});

test("no key: decoded only, with header, payload, claims and warnings", async () => {
  const token = signToken(
    "RS256",
    { sub: "svc", role: "admin" },
    { crit: ["x-ext"], "x-ext": 1 },
  );
  await withPage({}, async ({ page, sinceLoad }) => {
    await page.fill("#token", token);
    const { state, text } = await result(page);
    assert.equal(state, "decoded");
    assert.match(text, /Decoded only: not verified/);
    assert.deepEqual(
      JSON.parse(await page.locator("#header-json").innerText()),
      { alg: "RS256", typ: "JWT", crit: ["x-ext"], "x-ext": 1 },
    );
    assert.deepEqual(
      JSON.parse(await page.locator("#payload-json").innerText()),
      { sub: "svc", role: "admin" },
    );
    assert.equal(
      await page.locator('[data-header="kid"]').innerText(),
      "(absent)",
    );
    const warnings = await page.locator("#warnings li").allInnerTexts();
    assert.equal(warnings.length, 2, warnings.join("\n"));
    assert.match(warnings[0], /No exp claim/);
    assert.match(warnings[1], /crit names header extensions \("x-ext"\)/);
    assert.deepEqual(sinceLoad(), []);
  });
});

test("warnings: alg HS256, alg none, lifetime over a day", async () => {
  const b64 = (value) =>
    Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = nowSeconds();
  await withPage({}, async ({ page }) => {
    await page.fill(
      "#token",
      `${b64({ alg: "HS256" })}.${b64({ exp: now + 60 })}.c2ln`,
    );
    assert.match(
      await page.locator("#warnings").innerText(),
      /alg is HS256, an HMAC shared secret/,
    );
    await page.fill("#key", publicKeys("RS256").PEM);
    const { text } = await result(page);
    assert.match(text, /ERR_JOSE_ALG_NOT_ALLOWED/);

    await page.fill(
      "#token",
      signToken("ES256", freshClaims({ exp: now + 3 * 86400 })),
    );
    assert.match(
      await page.locator("#warnings").innerText(),
      /Lifetime over a day: 3 days from iat to exp/,
    );

    await page.fill(
      "#token",
      `${b64({ alg: "none" })}.${b64({ exp: now + 60 })}.c2ln`,
    );
    assert.match(await page.locator("#warnings").innerText(), /alg is "none"/);
  });
});

test("JWKS URL: fetched only on the button, from 127.0.0.1, and the page says what it fetched", async () => {
  const { JWKS } = publicKeys("RS256", "rs-main");
  const token = signToken("RS256", freshClaims(), { kid: "rs-main" });
  const served = [];
  const jwksServer = createServer((request, response) => {
    served.push(request.url);
    response.writeHead(200, {
      "content-type": "application/json",
      "access-control-allow-origin": "*",
    });
    response.end(JWKS);
  });
  await new Promise((done) => jwksServer.listen(0, "127.0.0.1", done));
  const url = `http://127.0.0.1:${jwksServer.address().port}/.well-known/jwks.json`;
  try {
    await withPage({}, async ({ page, sinceLoad }) => {
      await page.fill("#token", token);
      await page.fill("#jwks-url", url);
      assert.equal((await result(page)).state, "decoded");
      assert.deepEqual(served, [], "typing the URL fetches nothing");

      await page.click("#fetch-jwks");
      await page.waitForFunction(() =>
        document.getElementById("key-status").textContent.startsWith("Fetched"),
      );
      const status = await page.locator("#key-status").innerText();
      assert.match(
        status,
        new RegExp(
          `^Fetched ${url.replace(/[.]/g, "\\.")} at .* UTC: HTTP 200, ${Buffer.byteLength(JWKS)} bytes, JWK Set with 1 key: kid "rs-main" \\(RSA\\)\\. It is now in the key box\\.$`,
        ),
      );
      assert.equal(await page.inputValue("#key"), JWKS);
      assert.equal((await result(page)).state, "verified");
      assert.deepEqual(
        sinceLoad(),
        [url],
        "the JWKS fetch is the only request",
      );
      assert.deepEqual(served, ["/.well-known/jwks.json"]);
    });
  } finally {
    jwksServer.closeAllConnections();
    await new Promise((done) => jwksServer.close(done));
  }
});

test("Content-Security-Policy: a JWKS URL off this machine over http is refused before any request; inline script is refused", async () => {
  await withPage({}, async ({ page, sinceLoad, outside }) => {
    await page.fill("#jwks-url", "http://192.0.2.1/jwks.json");
    await page.click("#fetch-jwks");
    await page.waitForFunction(() =>
      document
        .getElementById("key-status")
        .textContent.startsWith("Could not fetch"),
    );
    assert.match(
      await page.locator("#key-status").innerText(),
      /Content-Security-Policy/,
    );
    assert.deepEqual(sinceLoad(), [], "blocked before a request was made");
    assert.deepEqual(outside, []);
    // An injected inline script does not run (page.evaluate itself bypasses CSP).
    const inline = await page.evaluate(async () => {
      const violations = [];
      document.addEventListener("securitypolicyviolation", (event) =>
        violations.push(event.violatedDirective),
      );
      const script = document.createElement("script");
      script.textContent = "window.inlineRan = true;";
      document.head.append(script);
      await new Promise((done) => setTimeout(done, 100));
      return { ran: window.inlineRan === true, violations };
    });
    assert.deepEqual(inline, { ran: false, violations: ["script-src-elem"] });
    const policy = await page
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .getAttribute("content");
    assert.match(policy, /default-src 'none'/);
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval';/);
  });
});

test("#token= and #key= preload the page; the fragment never reaches the server", async () => {
  const { JWKS } = publicKeys("ES256", "ec-1");
  const token = signToken("ES256", freshClaims(), { kid: "ec-1" });
  const hash = `#token=${token}&key=${encodeURIComponent(JWKS)}`;
  const before = site.requests.length;
  await withPage({ hash }, async ({ page, sinceLoad }) => {
    assert.equal(await page.inputValue("#token"), token);
    assert.equal(await page.inputValue("#key"), JWKS);
    assert.equal((await result(page)).state, "verified");
    assert.equal(await page.evaluate(() => location.search), "");
    assert.deepEqual(sinceLoad(), []);
  });
  const seen = site.requests.slice(before);
  assert.ok(seen.length > 0);
  for (const path of seen) {
    assert.ok(!path.includes(token.slice(0, 20)) && !path.includes("?"), path);
  }
});

test("a PEM key in the fragment keeps its '+' characters; #jwks= fills the URL without fetching", async () => {
  const pem = publicKeys("RS256").PEM;
  assert.ok(pem.includes("+"), "the test key has a '+' in its base64");
  const token = signToken("RS256", freshClaims());
  // Hand-written link: the PEM's "+" not percent-encoded.
  const hash = `#token=${token}&key=${pem.replaceAll("\n", "%0A")}&jwks=https%3A%2F%2Fissuer.example%2Fjwks.json`;
  await withPage({ hash }, async ({ page, sinceLoad }) => {
    assert.equal(await page.inputValue("#key"), pem);
    assert.equal((await result(page)).state, "verified");
    assert.equal(
      await page.inputValue("#jwks-url"),
      "https://issuer.example/jwks.json",
    );
    assert.match(
      await page.locator("#key-status").innerText(),
      /press Fetch JWKS/,
    );
    assert.deepEqual(sinceLoad(), []);
  });
});

test("Share link puts the token in the fragment, which reopens verified; Clear empties everything", async () => {
  const token = signToken("EdDSA", freshClaims());
  let link;
  await withPage({}, async ({ page, sinceLoad }) => {
    await page.fill("#token", token);
    await page.fill("#key", publicKeys("EdDSA").JWK);
    await page.click("#share");
    link = await page.inputValue("#share-link");
    assert.ok(link.startsWith(`${site.origin}/#token=${token}&key=`), link);
    assert.ok(!link.includes("?"));

    await page.click("#clear");
    for (const id of [
      "token",
      "key",
      "jwks-url",
      "issuer",
      "audience",
      "share-link",
    ]) {
      assert.equal(await page.inputValue(`#${id}`), "", id);
    }
    assert.equal((await result(page)).state, "empty");
    assert.equal(await page.locator("#details").isHidden(), true);
    assert.equal(await page.locator("#share-box").isHidden(), true);
    assert.deepEqual(sinceLoad(), []);
  });
  await withPage({ hash: link.slice(link.indexOf("#")) }, async ({ page }) => {
    assert.equal((await result(page)).state, "verified");
    await page.click("#clear");
    assert.equal(await page.evaluate(() => location.hash), "");
    assert.equal(await page.inputValue("#token"), "");
  });
});

test("keyboard only: Tab to every control, each labelled; Enter fetches the JWKS and clears", async () => {
  const { JWKS } = publicKeys("ES256", "kb-1");
  const token = signToken("ES256", freshClaims(), { kid: "kb-1" });
  const jwksServer = createServer((request, response) => {
    response.writeHead(200, {
      "content-type": "application/json",
      "access-control-allow-origin": "*",
    });
    response.end(JWKS);
  });
  await new Promise((done) => jwksServer.listen(0, "127.0.0.1", done));
  const url = `http://127.0.0.1:${jwksServer.address().port}/jwks.json`;
  const focused = (page) =>
    page.evaluate(() => {
      const node = document.activeElement;
      const label =
        node.labels?.[0]?.textContent.trim() ?? node.textContent.trim();
      return { id: node.id, label };
    });
  /** Presses Tab until `id` has focus; returns the labels of the controls passed. */
  async function tabTo(page, id) {
    const passed = [];
    for (let presses = 0; presses < 20; presses += 1) {
      await page.keyboard.press("Tab");
      const now = await focused(page);
      passed.push(now);
      if (now.id === id) return passed;
    }
    assert.fail(`Tab never reached #${id}: ${JSON.stringify(passed)}`);
  }
  try {
    await withPage({}, async ({ page, sinceLoad }) => {
      let passed = await tabTo(page, "token");
      await page.keyboard.insertText(token);
      passed = passed.concat(await tabTo(page, "jwks-url"));
      await page.keyboard.insertText(url);
      passed = passed.concat(await tabTo(page, "fetch-jwks"));
      await page.keyboard.press("Enter");
      await page.waitForFunction(
        () => document.getElementById("result").dataset.state === "verified",
      );
      passed = passed.concat(await tabTo(page, "as-of"));
      for (const control of passed) {
        assert.ok(
          control.id !== "" && control.label !== "",
          JSON.stringify(control),
        );
      }
      assert.deepEqual(
        passed
          .map((control) => control.id)
          .filter((id) => !["share", "clear"].includes(id)),
        [
          "token",
          "key",
          "key-file",
          "jwks-url",
          "fetch-jwks",
          "issuer",
          "audience",
          "tolerance",
          "algorithms",
          "as-of",
        ],
      );
      await page.keyboard.press("Shift+Tab");
      await page.keyboard.press("Shift+Tab");
      await page.keyboard.press("Shift+Tab");
      await page.keyboard.press("Shift+Tab");
      assert.equal((await focused(page)).id, "issuer");
      // Clear is reachable from the keyboard too.
      await page.focus("#as-of");
      await tabTo(page, "clear");
      await page.keyboard.press("Enter");
      assert.equal(await page.inputValue("#token"), "");
      assert.equal(
        (await focused(page)).id,
        "token",
        "focus returns to the token box",
      );
      assert.deepEqual(sinceLoad(), [url]);
    });
  } finally {
    jwksServer.closeAllConnections();
    await new Promise((done) => jwksServer.close(done));
  }
});

test("narrow screen: no horizontal scrolling; dark colour scheme applies", async () => {
  const token = signToken("RS256", freshClaims({ note: "x".repeat(300) }));
  await withPage(
    { viewport: { width: 360, height: 740 }, colorScheme: "dark" },
    async ({ page }) => {
      await page.fill("#token", token);
      await page.fill("#key", publicKeys("RS256").PEM);
      assert.equal((await result(page)).state, "verified");
      const { scrollWidth, innerWidth, background } = await page.evaluate(
        () => ({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
          background: getComputedStyle(document.body).backgroundColor,
        }),
      );
      assert.ok(scrollWidth <= innerWidth, `${scrollWidth} > ${innerWidth}`);
      assert.equal(background, "rgb(19, 19, 23)");
    },
  );
  await withPage({ colorScheme: "light" }, async ({ page }) => {
    assert.equal(
      await page.evaluate(
        () => getComputedStyle(document.body).backgroundColor,
      ),
      "rgb(247, 247, 249)",
    );
  });
});
