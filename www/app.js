// The inspector page: reads the inputs, asks the core (decode, verify) and shows the
// answer in words. No JOSE rule is implemented here.
import { decode, verify } from "./kmsjwt-verify/browser.js";
import {
  describeClaims,
  formatInstant,
  relative,
  reviewWarnings,
  valueText,
} from "./claims.js";
import { explain } from "./errors.js";
import { fragmentFor, readFragment } from "./fragment.js";
import { describeKey, fetchJwks } from "./keys.js";

const $ = (id) => document.getElementById(id);
const fields = {
  token: $("token"),
  key: $("key"),
  keyFile: $("key-file"),
  jwksUrl: $("jwks-url"),
  issuer: $("issuer"),
  audience: $("audience"),
  tolerance: $("tolerance"),
  algorithms: $("algorithms"),
  asOf: $("as-of"),
};
const MAX_FILE_BYTES = 1 << 20;

/** A DOM element; children are text or nodes (never parsed as HTML). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, value);
  }
  node.append(...children.filter((child) => child !== undefined));
  return node;
}

const words = (text) => text.split(/[\s,]+/).filter(Boolean);
const oneOrMany = (list) => (list.length === 1 ? list[0] : list);

/** The token as pasted, without surrounding whitespace or an "Authorization: Bearer" prefix. */
function tokenText() {
  const text = fields.token.value.trim();
  return text.replace(/^(authorization:\s*)?bearer\s+/i, "");
}

/** `undefined` (now), `{ seconds }` or `{ error }` from the "Check as of" field. */
function readAsOf() {
  const text = fields.asOf.value.trim();
  if (text === "") return undefined;
  if (/^\d+$/.test(text)) return { seconds: Number(text) };
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?\s*(?:UTC|Z)?$/i.exec(
      text,
    );
  if (match) {
    const [, y, mo, d, h = 0, mi = 0, s = 0] = match;
    const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
    if (!Number.isNaN(ms)) return { seconds: ms / 1000 };
  }
  return {
    error: `"${text}" is not a date: use 2025-11-24 16:00:00 (UTC) or Unix seconds`,
  };
}

/** jose's verify options from the fields. */
function verifyOptions(asOf) {
  const options = {};
  const issuers = words(fields.issuer.value);
  if (issuers.length > 0) options.issuer = oneOrMany(issuers);
  const audiences = words(fields.audience.value);
  if (audiences.length > 0) options.audience = oneOrMany(audiences);
  const tolerance = fields.tolerance.value.trim();
  if (tolerance !== "") {
    options.clockTolerance = /^\d+$/.test(tolerance)
      ? Number(tolerance)
      : tolerance;
  }
  const algorithms = words(fields.algorithms.value);
  if (algorithms.length > 0) options.algorithms = algorithms;
  if (asOf !== undefined) options.currentDate = new Date(asOf * 1000);
  return options;
}

const SEGMENTS = ["header", "payload", "signature"];

/** The token text split on "." and coloured, for display only. */
function renderSegments(token) {
  const box = $("segments");
  box.replaceChildren();
  if (token === "") return;
  const text = el("p", { class: "segment-text" });
  token.split(".").forEach((part, index) => {
    if (index > 0) text.append(el("span", { class: "dot" }, "."));
    const name = SEGMENTS[index] ?? "extra";
    text.append(el("span", { class: `seg seg-${name}`, title: name }, part));
  });
  const legend = el("p", { class: "legend" });
  for (const name of SEGMENTS) {
    legend.append(el("span", { class: `swatch seg-${name}` }, name));
  }
  box.append(text, legend);
}

function setResult(state, title, ...lines) {
  const result = $("result");
  result.dataset.state = state;
  result.replaceChildren(el("p", { class: "result-title" }, title), ...lines);
}

function errorLines(error, payload, now) {
  if (typeof error?.code !== "string") {
    return [el("p", {}, `Unexpected error: ${String(error)}`)];
  }
  const lines = [
    el(
      "p",
      { class: "error-code" },
      el("code", {}, error.code),
      ` ${explain(error)}`,
    ),
    el("p", { class: "error-message" }, `${error.message}.`),
  ];
  if (
    error.code === "ERR_JWT_EXPIRED" &&
    error.claim === "exp" &&
    typeof payload?.exp === "number"
  ) {
    lines.push(
      el(
        "p",
        { class: "expired-at" },
        `The token expired ${relative(payload.exp, now)}, ${formatInstant(payload.exp)}.`,
      ),
    );
  }
  return lines;
}

const FAILURE_TITLES = {
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: "Signature invalid",
  ERR_JWT_EXPIRED: "Expired",
};

function renderDetails({ protectedHeader, payload }, now, asOf) {
  $("claims-now").textContent =
    `Times are relative to ${formatInstant(now)}${asOf === undefined ? " (now)" : " (the date you set)"}.`;
  const rows = describeClaims(payload, now).map((row) =>
    el(
      "tr",
      { "data-claim": row.name, class: row.registered ? "" : "custom" },
      el("th", { scope: "row" }, el("code", {}, row.name)),
      el("td", { class: "value" }, valueText(row.value)),
      el("td", {}, row.meaning),
    ),
  );
  if (rows.length === 0) {
    rows.push(el("tr", {}, el("td", { colspan: "3" }, "No claims.")));
  }
  $("claims").tBodies[0].replaceChildren(...rows);

  const facts = [
    ["alg", protectedHeader.alg],
    ["kid", protectedHeader.kid],
    ["typ", protectedHeader.typ],
  ].flatMap(([name, value]) => [
    el("dt", {}, name),
    el(
      "dd",
      { "data-header": name },
      value === undefined ? "(absent)" : valueText(value),
    ),
  ]);
  $("header-facts").replaceChildren(...facts);
  $("header-json").textContent = JSON.stringify(protectedHeader, null, 2);
  $("payload-json").textContent = JSON.stringify(payload, null, 2);
  $("details").hidden = false;

  const warnings = reviewWarnings(protectedHeader, payload, now);
  $("warnings").replaceChildren(
    ...warnings.map((warning) => el("li", {}, warning)),
  );
  $("warnings-box").hidden = warnings.length === 0;
}

/** Decodes, then verifies when there is a key, and shows everything. */
function update() {
  const token = tokenText();
  renderSegments(token);
  $("details").hidden = true;
  $("warnings-box").hidden = true;
  const key = fields.key.value.trim();
  $("key-kind").textContent = key === "" ? "" : `Key: ${describeKey(key)}.`;

  const asOf = readAsOf();
  fields.asOf.setAttribute("aria-invalid", String(asOf?.error !== undefined));
  const now = asOf?.seconds ?? Date.now() / 1000;

  if (token === "") {
    setResult("empty", "Paste a token to inspect it.");
    return;
  }
  let decoded;
  try {
    decoded = decode(token);
  } catch (error) {
    setResult("invalid", "Not a readable token", ...errorLines(error));
    return;
  }
  renderDetails(decoded, now, asOf?.seconds);

  if (asOf?.error !== undefined) {
    setResult(
      "invalid",
      "Cannot check",
      el("p", {}, `Check as of: ${asOf.error}.`),
    );
    return;
  }
  if (key === "") {
    setResult(
      "decoded",
      "Decoded only: not verified",
      el("p", {}, "Add a public key to check the signature and the claims."),
    );
    return;
  }
  try {
    const { protectedHeader } = verify(
      token,
      key,
      verifyOptions(asOf?.seconds),
    );
    setResult(
      "verified",
      "Verified",
      el(
        "p",
        {},
        `The ${protectedHeader.alg} signature is valid for this key (${describeKey(key)}), and the claims pass the checks as of ${formatInstant(now)}.`,
      ),
    );
  } catch (error) {
    setResult(
      "failed",
      FAILURE_TITLES[error?.code] ?? "Not verified",
      ...errorLines(error, decoded.payload, now),
    );
  }
}

function keyStatus(text, isError = false) {
  const status = $("key-status");
  status.textContent = text;
  status.classList.toggle("error", isError);
}

async function readFileInto(file, field) {
  if (file.size > MAX_FILE_BYTES) {
    keyStatus(`${file.name} is ${file.size} bytes; the limit is 1 MiB.`, true);
    return;
  }
  field.value = await file.text();
  keyStatus(`Read ${file.name} (${file.size} bytes) from your disk.`);
  update();
}

async function onFetchJwks() {
  const url = fields.jwksUrl.value.trim();
  if (url === "") {
    keyStatus("Enter a JWKS URL first.", true);
    return;
  }
  const button = $("fetch-jwks");
  button.setAttribute("aria-busy", "true");
  keyStatus(`Fetching ${url} …`);
  try {
    const { text, status, bytes } = await fetchJwks(url);
    if (status !== 200) {
      keyStatus(
        `Fetched ${url}: HTTP ${status}, ${bytes} bytes. Not used: expected 200.`,
        true,
      );
      return;
    }
    fields.key.value = text;
    keyStatus(
      `Fetched ${url} at ${formatInstant(Date.now() / 1000)}: HTTP 200, ${bytes} bytes, ${describeKey(text)}. It is now in the key box.`,
    );
    update();
  } catch (error) {
    keyStatus(`Could not fetch ${url}: ${error.message}.`, true);
  } finally {
    button.removeAttribute("aria-busy");
  }
}

function onShare() {
  const fragment = fragmentFor({
    token: tokenText(),
    key: fields.key.value.trim(),
    jwks: fields.jwksUrl.value.trim(),
  });
  const link = $("share-link");
  link.value = `${location.origin}${location.pathname}${fragment}`;
  $("share-box").hidden = false;
  link.focus();
  link.select();
}

function onClear() {
  for (const field of Object.values(fields)) field.value = "";
  keyStatus("");
  $("share-link").value = "";
  $("share-box").hidden = true;
  history.replaceState(null, "", location.pathname);
  update();
  fields.token.focus();
}

function loadFragment() {
  const { token, key, jwks } = readFragment(location.hash);
  if (token !== undefined) fields.token.value = token;
  if (key !== undefined) fields.key.value = key;
  if (jwks !== undefined) {
    fields.jwksUrl.value = jwks;
    keyStatus("JWKS URL from the link: press Fetch JWKS to fetch it.");
  }
  update();
}

for (const field of Object.values(fields)) {
  if (field.type !== "file") field.addEventListener("input", update);
}
fields.keyFile.addEventListener("change", () => {
  const [file] = fields.keyFile.files;
  if (file) readFileInto(file, fields.key);
});
// A file dropped on the token or key box fills that box; dropped elsewhere, the key.
addEventListener("dragover", (event) => event.preventDefault());
addEventListener("drop", (event) => {
  event.preventDefault();
  const [file] = event.dataTransfer?.files ?? [];
  if (file) {
    readFileInto(
      file,
      event.target === fields.token ? fields.token : fields.key,
    );
  }
});
$("fetch-jwks").addEventListener("click", onFetchJwks);
fields.jwksUrl.addEventListener("keydown", (event) => {
  if (event.key === "Enter") onFetchJwks();
});
$("share").addEventListener("click", onShare);
$("clear").addEventListener("click", onClear);
addEventListener("hashchange", loadFragment);

loadFragment();
document.documentElement.dataset.ready = "true";
