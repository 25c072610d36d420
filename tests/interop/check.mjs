// Verifies every fixture token in fixtures/<lib>.json:
//   - with jose's jwtVerify against its public JWK, its SPKI PEM and the
//     combined fixtures/jwks.json (currentDate = iat + 1s);
//   - ES256K (unsupported by jose 6) with node:crypto verify instead;
//   - the payload equals the recorded "claims", the header has the expected
//     alg/typ/kid, and the PEM and JWK are the same key.
// Exits non-zero if anything fails.
//
// Usage: node check.mjs   (or: bash regen.sh)

import { createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  importJWK,
  importSPKI,
  jwtVerify,
} from "jose";

const here = dirname(fileURLToPath(import.meta.url));
const fixturesDir = join(here, "fixtures");

const ISSUER = "https://issuer.example";
const AUDIENCE = "api://interop";
const IAT = 1764000000;
const CURRENT_DATE = new Date(IAT * 1000 + 1000);

const EXPECTED = {
  jose: [
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
    "Ed25519",
    "ES256K",
  ],
  pyjwt: [
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "ES256K",
    "EdDSA",
  ],
};

function readJson(name) {
  return JSON.parse(readFileSync(join(fixturesDir, name), "utf8"));
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function spkiDer(key) {
  return createPublicKey(key).export({ type: "spki", format: "der" });
}

// ES256K: verify by hand with node:crypto.
function verifyEs256k(token, jwk) {
  const [headerB64, payloadB64, signatureB64] = token.split(".");
  const ok = verify(
    "sha256",
    Buffer.from(`${headerB64}.${payloadB64}`),
    {
      key: createPublicKey({ key: jwk, format: "jwk" }),
      dsaEncoding: "ieee-p1363",
    },
    Buffer.from(signatureB64, "base64url"),
  );
  assert(ok, "node:crypto signature verification failed");
  const payload = JSON.parse(Buffer.from(payloadB64, "base64url"));
  const now = Math.floor(CURRENT_DATE.getTime() / 1000);
  assert(payload.iss === ISSUER, "iss mismatch");
  assert(payload.aud === AUDIENCE, "aud mismatch");
  assert(payload.nbf <= now && payload.iat <= now, "not yet valid");
  assert(payload.exp > now, "expired");
  return payload;
}

async function verifyWithJose(token, key, alg) {
  const { payload } = await jwtVerify(token, key, {
    algorithms: [alg],
    issuer: ISSUER,
    audience: AUDIENCE,
    currentDate: CURRENT_DATE,
  });
  return payload;
}

async function checkEntry(entry, jwks) {
  const { alg, token, public_jwk: jwk, public_key_pem: pem, claims } = entry;
  const header = decodeProtectedHeader(token);
  assert(
    isDeepStrictEqual(
      { alg: header.alg, typ: header.typ, kid: header.kid },
      { alg, typ: "JWT", kid: jwk.kid },
    ),
    `unexpected header ${JSON.stringify(header)}`,
  );
  assert(jwk.alg === alg, `JWK alg ${jwk.alg} != ${alg}`);
  assert(!("d" in jwk), "public JWK contains private material");
  assert(
    spkiDer(pem).equals(spkiDer({ key: jwk, format: "jwk" })),
    "PEM and JWK are different keys",
  );

  const payloads = [];
  if (alg === "ES256K") {
    payloads.push(verifyEs256k(token, jwk));
  } else {
    payloads.push(await verifyWithJose(token, await importJWK(jwk, alg), alg));
    payloads.push(await verifyWithJose(token, await importSPKI(pem, alg), alg));
    payloads.push(await verifyWithJose(token, jwks, alg));
  }
  for (const payload of payloads) {
    assert(isDeepStrictEqual(payload, claims), "payload != recorded claims");
  }
}

async function main() {
  const jwksJson = readJson("jwks.json");
  const jwks = createLocalJWKSet(jwksJson);
  const jwksByKid = new Map(jwksJson.keys.map((k) => [k.kid, k]));
  assert(jwksByKid.size === jwksJson.keys.length, "duplicate kid in JWKS");

  let passed = 0;
  let failed = 0;
  const jtis = new Set();
  let total = 0;
  for (const [lib, expectedAlgs] of Object.entries(EXPECTED)) {
    const entries = readJson(`${lib}.json`);
    const algs = entries.map((e) => e.alg);
    if (!isDeepStrictEqual(algs, expectedAlgs)) {
      console.error(`FAIL ${lib}.json algs: ${algs.join(" ")}`);
      failed++;
    }
    for (const entry of entries) {
      total++;
      const label = `${lib}.json ${entry.lib} ${entry.lib_version} ${entry.alg}`;
      try {
        assert(
          isDeepStrictEqual(
            jwksByKid.get(entry.public_jwk.kid),
            entry.public_jwk,
          ),
          "JWK missing from (or different in) jwks.json",
        );
        assert(!jtis.has(entry.claims.jti), "duplicate jti");
        jtis.add(entry.claims.jti);
        await checkEntry(entry, jwks);
        console.log(`ok   ${label}`);
        passed++;
      } catch (err) {
        console.error(`FAIL ${label}: ${err.message}`);
        failed++;
      }
    }
  }
  if (jwksJson.keys.length !== total) {
    console.error(
      `FAIL jwks.json has ${jwksJson.keys.length} keys, want ${total}`,
    );
    failed++;
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

await main();
