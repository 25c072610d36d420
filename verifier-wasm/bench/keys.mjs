import { generateKeyPairSync, sign } from "node:crypto";

// The key each benchmarked JWS alg is made with: `generateKeyPairSync(...KEYS[alg])`.
export const KEYS = {
  RS256: ["rsa", { modulusLength: 2048 }],
  PS256: ["rsa", { modulusLength: 2048 }],
  ES256: ["ec", { namedCurve: "P-256" }],
  ES384: ["ec", { namedCurve: "P-384" }],
  ES512: ["ec", { namedCurve: "P-521" }],
  EdDSA: ["ed25519", {}],
};

// Algs signed with node:crypto alone (jose signs no ES256K): [key, hash].
const NODE_SIGNED = {
  RS256: [KEYS.RS256, "sha256"],
  ES256: [KEYS.ES256, "sha256"],
  ES384: [KEYS.ES384, "sha384"],
  ES512: [KEYS.ES512, "sha512"],
  ES256K: [["ec", { namedCurve: "secp256k1" }], "sha256"],
  EdDSA: [KEYS.EdDSA, null],
};

/**
 * A fresh key pair and a token signed with it, for `alg` in RS256, ES256, ES384, ES512,
 * ES256K or EdDSA: `{ pem, jwk, token }`, the public key as SPKI PEM and as a JWK with
 * its `alg`; the claims are `sub` and an `exp` far ahead.
 */
export function signedToken(alg) {
  const [keyType, hash] = NODE_SIGNED[alg];
  const { publicKey, privateKey } = generateKeyPairSync(...keyType);
  const part = (value) =>
    Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${part({ alg })}.${part({ sub: "user-1", exp: 2e9 })}`;
  const signature = sign(hash, Buffer.from(input), {
    key: privateKey,
    dsaEncoding: "ieee-p1363",
  });
  return {
    pem: publicKey.export({ type: "spki", format: "pem" }),
    jwk: { ...publicKey.export({ format: "jwk" }), alg },
    token: `${input}.${signature.toString("base64url")}`,
  };
}
