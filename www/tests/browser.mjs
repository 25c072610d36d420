// The inspector page opened in Debian's headless Chromium (shared launcher from
// verifier-wasm/js-tests, installed by `make js-deps`), with every request recorded.
import { fileURLToPath } from "node:url";

export { launchChromium } from "../../verifier-wasm/js-tests/chromium.mjs";

/** The built site (make www). */
export const dist =
  process.env.WWW_DIST ?? fileURLToPath(new URL("../dist/", import.meta.url));

/**
 * Opens the inspector in a fresh context. Every request the page makes is recorded in
 * `requests`; any request for a host other than 127.0.0.1 is aborted and recorded in
 * `outside`. `sinceLoad()` lists the requests made after the page said it was ready.
 */
export async function openInspector(browser, origin, options = {}) {
  const { hash = "", colorScheme = "light", viewport } = options;
  const context = await browser.newContext({
    colorScheme,
    viewport: viewport ?? { width: 1280, height: 900 },
    serviceWorkers: "block",
  });
  const requests = [];
  const outside = [];
  const pageErrors = [];
  const consoleErrors = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (new URL(url).hostname === "127.0.0.1") return route.continue();
    outside.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on("request", (request) => requests.push(request.url()));
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  await page.goto(`${origin}/${hash}`);
  await page.waitForSelector("html[data-ready=true]", { state: "attached" });
  const loaded = requests.length;
  return {
    page,
    requests,
    outside,
    pageErrors,
    consoleErrors,
    sinceLoad: () => requests.slice(loaded),
    close: () => context.close(),
  };
}

/** The result box: its state ("verified", "failed", "decoded", "invalid", "empty") and text. */
export async function result(page) {
  const box = page.locator("#result");
  return {
    state: await box.getAttribute("data-state"),
    text: await box.innerText(),
  };
}
