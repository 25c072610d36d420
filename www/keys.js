// What the key box holds, in words, and the one network request the page makes: the
// JWKS fetch the user asks for. Parsing keys for verification is the core's job; this
// only names what was pasted or fetched.

function describeJwk(jwk) {
  if (jwk === null || typeof jwk !== "object") return "not a JWK";
  const parts = [typeof jwk.kty === "string" ? jwk.kty : "no kty"];
  if (typeof jwk.crv === "string") parts.push(jwk.crv);
  if (typeof jwk.alg === "string") parts.push(jwk.alg);
  const kind = parts.join(" ");
  return typeof jwk.kid === "string" ? `kid "${jwk.kid}" (${kind})` : kind;
}

/** "PEM PUBLIC KEY", "JWK: kid "a" (RSA)", "JWK Set with 2 keys: …", or "". */
export function describeKey(text) {
  const trimmed = text.trim();
  if (trimmed === "") return "";
  const pem = /^-----BEGIN ([A-Z0-9 ]+)-----/.exec(trimmed);
  if (pem) return `PEM ${pem[1]}`;
  let value;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return "neither PEM nor JSON";
  }
  if (
    value !== null &&
    typeof value === "object" &&
    Array.isArray(value.keys)
  ) {
    const count = value.keys.length;
    const list = value.keys.map(describeJwk).join(", ");
    return `JWK Set with ${count} key${count === 1 ? "" : "s"}${count ? `: ${list}` : ""}`;
  }
  return `JWK: ${describeJwk(value)}`;
}

const TIMEOUT_MS = 10_000;

/**
 * Fetches a JWK Set: no credentials, no referrer, no redirects, no cache. Returns
 * `{ text, status, bytes }`; throws an Error with a message in words.
 */
export async function fetchJwks(url) {
  let target;
  try {
    target = new URL(url);
  } catch {
    throw new Error(`"${url}" is not a URL`);
  }
  if (target.protocol !== "https:" && target.protocol !== "http:") {
    throw new Error(
      "the JWKS URL must start with https:// (or http:// on this machine)",
    );
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  let response;
  let text;
  try {
    response = await fetch(target, {
      headers: { accept: "application/json" },
      credentials: "omit",
      referrerPolicy: "no-referrer",
      redirect: "error",
      cache: "no-store",
      signal: controller.signal,
    });
    text = await response.text();
  } catch (error) {
    if (controller.signal.aborted) {
      throw new Error(`no answer within ${TIMEOUT_MS / 1000} s`);
    }
    throw new Error(
      "the request failed: the server is unreachable, redirects, does not allow cross-origin requests (CORS), or the URL is not allowed by this page's Content-Security-Policy (https: anywhere; http: only on 127.0.0.1 and localhost)",
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
  return { text, status: response.status, bytes: new Blob([text]).size };
}
