// The key each benchmarked JWS alg is made with: `generateKeyPairSync(...KEYS[alg])`.
export const KEYS = {
  RS256: ["rsa", { modulusLength: 2048 }],
  PS256: ["rsa", { modulusLength: 2048 }],
  ES256: ["ec", { namedCurve: "P-256" }],
  ES384: ["ec", { namedCurve: "P-384" }],
  ES512: ["ec", { namedCurve: "P-521" }],
  EdDSA: ["ed25519", {}],
};
