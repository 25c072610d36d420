// Verifies tokens signed by `kmsjwt sign` (KMS keys) with jose, independently of kmsjwt.
// Used by the signer's ministack tests (signer/tests/kms/interop.rs).
//
// Usage: node verify-kms-tokens.mjs CASES.json
//   CASES.json: [{ "name", "alg", "token", "jwk", "pem", "issuer", "audience" }, ...]
// Prints one JSON array: [{ "name", "ok": true } | { "name", "ok": false, "error" }].
// For each case: jwtVerify with the JWK, with the PEM and with a one-key JWK Set (jose 6
// has no secp256k1, so ES256K is checked with node:crypto and `ieee-p1363` r||s instead),
// and the token's kid must equal jose's RFC 7638 thumbprint of the JWK.

import { createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeProtectedHeader,
  importJWK,
  importSPKI,
  jwtVerify,
} from "jose";

const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
const results = [];

function fromBase64url(text) {
  return Buffer.from(text, "base64url");
}

async function check(c) {
  const header = decodeProtectedHeader(c.token);
  if (header.alg !== c.alg)
    throw new Error(`header alg ${header.alg}, expected ${c.alg}`);
  if (header.typ !== "JWT") throw new Error(`header typ ${header.typ}`);
  const thumbprint = await calculateJwkThumbprint(c.jwk, "sha256");
  if (header.kid !== thumbprint) {
    throw new Error(
      `kid ${header.kid} is not the JWK thumbprint ${thumbprint}`,
    );
  }
  if (c.jwk.kid !== thumbprint)
    throw new Error(`JWK kid ${c.jwk.kid} is not ${thumbprint}`);
  const options = {
    algorithms: [c.alg],
    issuer: c.issuer,
    audience: c.audience,
    typ: "JWT",
    requiredClaims: ["iat", "exp"],
  };
  if (c.alg === "ES256K") {
    const [h, p, s] = c.token.split(".");
    const key = createPublicKey({ key: c.jwk, format: "jwk" });
    const ok = verify(
      "sha256",
      Buffer.from(`${h}.${p}`),
      { key, dsaEncoding: "ieee-p1363" },
      fromBase64url(s),
    );
    if (!ok) throw new Error("node:crypto: ES256K signature does not verify");
    const pemOk = verify(
      "sha256",
      Buffer.from(`${h}.${p}`),
      { key: createPublicKey(c.pem), dsaEncoding: "ieee-p1363" },
      fromBase64url(s),
    );
    if (!pemOk)
      throw new Error(
        "node:crypto: ES256K signature does not verify with the PEM",
      );
    const payload = JSON.parse(fromBase64url(p).toString("utf8"));
    if (payload.iss !== c.issuer) throw new Error(`iss ${payload.iss}`);
    return;
  }
  await jwtVerify(c.token, await importJWK(c.jwk, c.alg), options);
  await jwtVerify(c.token, await importSPKI(c.pem, c.alg), options);
  await jwtVerify(c.token, createLocalJWKSet({ keys: [c.jwk] }), options);
}

for (const c of cases) {
  try {
    await check(c);
    results.push({ name: c.name, ok: true });
  } catch (error) {
    results.push({
      name: c.name,
      ok: false,
      error: `${error.code ?? error.name}: ${error.message}`,
    });
  }
}
console.log(JSON.stringify(results));
