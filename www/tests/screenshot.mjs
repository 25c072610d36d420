// Takes docs/inspector.png (light) and docs/inspector-dark.png with headless Chromium:
// a fresh RS256 token and its JWK Set preloaded through the URL fragment.
// Run through `make www-screenshot` (needs www/dist from `make www`).
import { mkdirSync } from "node:fs";

import { serveStatic } from "../serve.mjs";
import { dist, launchChromium, openInspector } from "./browser.mjs";
import { freshClaims, publicKeys, signToken } from "./tokens.mjs";

const docs = new URL("../../docs/", import.meta.url);
mkdirSync(docs, { recursive: true });

const token = signToken(
  "RS256",
  freshClaims({ scope: "orders:read orders:write", tenant: "acme" }),
  { kid: "rs-2026-11" },
);
const { JWKS } = publicKeys("RS256", "rs-2026-11");
const hash = `#token=${token}&key=${encodeURIComponent(JWKS)}`;

const site = await serveStatic(dist);
const browser = await launchChromium();
try {
  for (const [colorScheme, name] of [
    ["light", "inspector.png"],
    ["dark", "inspector-dark.png"],
  ]) {
    const inspector = await openInspector(browser, site.origin, {
      hash,
      colorScheme,
      viewport: { width: 1280, height: 800 },
    });
    const { page } = inspector;
    await page.fill("#issuer", "https://issuer.example");
    await page.fill("#audience", "api://orders");
    const state = await page.locator("#result").getAttribute("data-state");
    if (state !== "verified")
      throw new Error(`expected verified, got ${state}`);
    await page.evaluate(() => document.activeElement?.blur());
    const path = new URL(name, docs);
    await page.screenshot({ path: path.pathname, fullPage: true });
    console.log(`wrote ${path.pathname}`);
    await inspector.close();
  }
} finally {
  await browser.close();
  await site.close();
}
