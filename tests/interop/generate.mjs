// Generates JWT interop fixtures with `jose` (and `node:crypto` for ES256K,
// which jose 6 no longer supports). Writes fixtures/jose.json and rebuilds
// fixtures/jwks.json from every fixtures/<lib>.json present.
//
// Usage: node generate.mjs   (or: bash regen.sh)

import { createRequire } from "node:module";
import {
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  sign,
} from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  SignJWT,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  jwtVerify,
} from "jose";

const here = dirname(fileURLToPath(import.meta.url));
const fixturesDir = join(here, "fixtures");
const require = createRequire(import.meta.url);
const joseVersion = require("jose/package.json").version;

// Fixed claims shared by every fixture (only jti differs per token).
const ISSUER = "https://issuer.example";
const AUDIENCE = "api://interop";
const IAT = 1764000000;
const EXP = 4102444800;

function claimsFor(kid) {
  return {
    iss: ISSUER,
    sub: "user-123",
    aud: AUDIENCE,
    iat: IAT,
    nbf: IAT,
    exp: EXP,
    jti: `${kid}-${randomUUID()}`,
    scope: "read write",
    n: 42,
    nested: { a: [1, 2, 3] },
  };
}

// alg -> key generation options for jose's generateKeyPair.
const JOSE_ALGS = [
  ["RS256", { modulusLength: 2048 }],
  ["RS384", { modulusLength: 3072 }],
  ["RS512", { modulusLength: 4096 }],
  ["PS256", { modulusLength: 2048 }],
  ["PS384", { modulusLength: 3072 }],
  ["PS512", { modulusLength: 4096 }],
  ["ES256", {}],
  ["ES384", {}],
  ["ES512", {}],
  ["EdDSA", {}], // Ed25519 key
  ["Ed25519", {}], // fully-specified alg name (RFC 9864), supported by jose 6
];

async function joseFixture(alg, options) {
  const kid = `jose-${alg}`;
  const { publicKey, privateKey } = await generateKeyPair(alg, {
    ...options,
    extractable: true,
  });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg };
  const publicKeyPem = await exportSPKI(publicKey);
  const claims = claimsFor(kid);
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg, typ: "JWT", kid })
    .sign(privateKey);

  // Sanity check before writing.
  await jwtVerify(token, publicKey, {
    algorithms: [alg],
    issuer: ISSUER,
    audience: AUDIENCE,
    currentDate: new Date(IAT * 1000 + 1000),
  });

  return {
    lib: "jose",
    lib_version: joseVersion,
    alg,
    token,
    public_key_pem: publicKeyPem,
    public_jwk: publicJwk,
    claims,
  };
}

function b64url(value) {
  return Buffer.from(value).toString("base64url");
}

// ES256K: jose 6 dropped secp256k1, so build the compact JWS by hand.
function nodeCryptoEs256kFixture() {
  const alg = "ES256K";
  const kid = `node-crypto-${alg}`;
  const { publicKey, privateKey } = generateKeyPairSync("ec", {
    namedCurve: "secp256k1",
  });
  const publicJwk = { ...publicKey.export({ format: "jwk" }), kid, alg };
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" });
  const claims = claimsFor(kid);
  const header = { alg, typ: "JWT", kid };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = sign("sha256", Buffer.from(signingInput), {
    key: privateKey,
    dsaEncoding: "ieee-p1363",
  });
  if (signature.length !== 64) {
    throw new Error(`unexpected ES256K signature length ${signature.length}`);
  }
  const token = `${signingInput}.${b64url(signature)}`;

  return {
    lib: "node-crypto",
    lib_version: process.versions.node,
    alg,
    token,
    public_key_pem: publicKeyPem,
    public_jwk: publicJwk,
    claims,
  };
}

function writeJson(name, value) {
  writeFileSync(join(fixturesDir, name), `${JSON.stringify(value, null, 2)}\n`);
}

// Rebuilds fixtures/jwks.json from all per-library fixture files present.
function rebuildJwks() {
  const keys = [];
  for (const lib of ["jose", "pyjwt"]) {
    let entries;
    try {
      entries = JSON.parse(readFileSync(join(fixturesDir, `${lib}.json`)));
    } catch (err) {
      if (err.code === "ENOENT") continue;
      throw err;
    }
    for (const entry of entries) keys.push(entry.public_jwk);
  }
  const kids = new Set(keys.map((k) => k.kid));
  if (kids.size !== keys.length) throw new Error("duplicate kid in JWKS");
  writeJson("jwks.json", { keys });
  return keys.length;
}

async function main() {
  mkdirSync(fixturesDir, { recursive: true });
  const fixtures = [];
  for (const [alg, options] of JOSE_ALGS) {
    fixtures.push(await joseFixture(alg, options));
    console.log(`jose ${joseVersion}: ${alg}`);
  }
  fixtures.push(nodeCryptoEs256kFixture());
  console.log(`node-crypto ${process.versions.node}: ES256K`);
  writeJson("jose.json", fixtures);
  const n = rebuildJwks();
  console.log(`wrote fixtures/jose.json (${fixtures.length} tokens)`);
  console.log(`wrote fixtures/jwks.json (${n} keys)`);
}

await main();
