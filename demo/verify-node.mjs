// The demo's Node step: what an API server written in Node does with a token. Run from
// the demo's Node app, where the packed kmsjwt-verify is installed like any dependency.
//   node verify-node.mjs JWKS_FILE TOKENS_FILE ISSUER AUDIENCE
// TOKENS_FILE: one "ALG ALIAS TOKEN" line per token. Exits 1 if any check fails.
import { readFileSync } from "node:fs";

import { JoseError, Verifier } from "kmsjwt-verify";

const [jwksFile, tokensFile, issuer, audience] = process.argv.slice(2);
const jwks = JSON.parse(readFileSync(jwksFile, "utf8"));
const tokens = readFileSync(tokensFile, "utf8")
  .trim()
  .split("\n")
  .map((line) => line.split(" "));

// The JWK Set is parsed once; each verify() is then synchronous.
const verifier = new Verifier(jwks, {
  issuer,
  audience,
  requiredClaims: ["exp"],
});
let failed = 0;

for (const [alg, alias, token] of tokens) {
  try {
    const { payload, protectedHeader } = verifier.verify(token);
    if (protectedHeader.alg !== alg)
      throw new Error(`alg ${protectedHeader.alg}`);
    console.log(
      `    ${alg.padEnd(6)} verified in Node: sub=${payload.sub} scope=${payload.scope} ` +
        `kid=${protectedHeader.kid} (${alias})`,
    );
  } catch (error) {
    failed += 1;
    console.log(
      `    ${alg.padEnd(6)} FAILED in Node: ${error.code ?? ""} ${error.message}`,
    );
  }
}

// And what it refuses: the first token with its payload changed, signature kept.
const [header, payload, signature] = tokens[0][2].split(".");
const claims = JSON.parse(Buffer.from(payload, "base64url"));
const forged = Buffer.from(
  JSON.stringify({ ...claims, sub: "admin" }),
).toString("base64url");
try {
  verifier.verify(`${header}.${forged}.${signature}`);
  failed += 1;
  console.log("    a tampered token was ACCEPTED in Node");
} catch (error) {
  if (!(error instanceof JoseError)) throw error;
  console.log(
    `    tampered token (sub changed to admin) refused in Node: ${error.code}`,
  );
}
verifier.free();
process.exitCode = failed === 0 ? 0 : 1;
