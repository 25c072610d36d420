// Fresh test tokens signed with node:crypto and the private test keys of
// verifier-wasm/tests/keys, and their public keys as PEM, JWK and JWK Set.
import { createPrivateKey, createPublicKey, sign } from "node:crypto";
import { readFileSync } from "node:fs";

const keysDir = new URL("../../verifier-wasm/tests/keys/", import.meta.url);
const read = (name) => readFileSync(new URL(name, keysDir), "utf8");

const FAMILIES = {
  RS256: { file: "rsa2048", hash: "sha256" },
  ES256: { file: "p256", hash: "sha256", dsaEncoding: "ieee-p1363" },
  EdDSA: { file: "ed25519", hash: null },
};

export const ALGS = Object.keys(FAMILIES);

const b64url = (value) =>
  Buffer.from(
    typeof value === "string" ? value : JSON.stringify(value),
  ).toString("base64url");

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A compact JWS over `payload` signed with the test key for `alg`. */
export function signToken(alg, payload, header = {}) {
  const family = FAMILIES[alg];
  const key = createPrivateKey(read(`${family.file}.pem`));
  const input = `${b64url({ alg, typ: "JWT", ...header })}.${b64url(payload)}`;
  const signature = sign(family.hash, Buffer.from(input), {
    key,
    ...(family.dsaEncoding ? { dsaEncoding: family.dsaEncoding } : {}),
  });
  return `${input}.${signature.toString("base64url")}`;
}

/** The public key for `alg` as PEM text, JWK JSON and JWK Set JSON (with `kid`). */
export function publicKeys(alg, kid = `${alg.toLowerCase()}-1`) {
  const pem = read(`${FAMILIES[alg].file}.pub.pem`);
  const jwk = createPublicKey(pem).export({ format: "jwk" });
  return {
    PEM: pem,
    JWK: JSON.stringify(jwk),
    JWKS: JSON.stringify({ keys: [{ ...jwk, kid, use: "sig" }] }),
  };
}

/** Claims valid for the next 14 minutes and 20 seconds. */
export function freshClaims(extra = {}) {
  const now = nowSeconds();
  return {
    iss: "https://issuer.example",
    sub: "user-42",
    aud: "api://orders",
    iat: now - 600,
    exp: now + 14 * 60 + 20,
    ...extra,
  };
}
