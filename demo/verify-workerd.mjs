// The demo's workerd step: the example Worker (examples/cloudflare-worker), bundled with
// the demo's jwks.json and the packed kmsjwt-verify, run in workerd, called with each token.
//   node verify-workerd.mjs JWKS_FILE TOKENS_FILE ISSUER AUDIENCE NODE_MODULES
import { readFileSync } from "node:fs";

import { startWorker } from "../examples/cloudflare-worker/test/workerd.mjs";

const [jwksPath, tokensFile, ISSUER, AUDIENCE, nodeModules] =
  process.argv.slice(2);
const tokens = readFileSync(tokensFile, "utf8")
  .trim()
  .split("\n")
  .map((line) => line.split(" "));

const worker = await startWorker({
  jwksPath,
  nodeModules,
  vars: { ISSUER, AUDIENCE, JWKS_URL: undefined },
});
let failed = 0;
try {
  for (const [alg, alias, token] of tokens) {
    const response = await worker.fetch("/api/me", {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = await response.json();
    const ok = response.status === 200 && body.header?.alg === alg;
    if (!ok) failed += 1;
    console.log(
      ok
        ? `    ${alg.padEnd(6)} verified in workerd: GET /api/me -> 200, sub=${body.sub} (${alias})`
        : `    ${alg.padEnd(6)} FAILED in workerd: ${response.status} ${JSON.stringify(body)}`,
    );
  }
  const missing = await worker.fetch("/api/me");
  await missing.body?.cancel();
  console.log(
    `    no token: GET /api/me -> ${missing.status}, WWW-Authenticate: ${missing.headers.get("www-authenticate")}`,
  );
  // The first token with its payload changed (sub: admin), signature kept.
  const [header, payload, signature] = tokens[0][2].split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url"));
  const forged = Buffer.from(
    JSON.stringify({ ...claims, sub: "admin" }),
  ).toString("base64url");
  const tampered = await worker.fetch("/api/me", {
    headers: { authorization: `Bearer ${header}.${forged}.${signature}` },
  });
  await tampered.body?.cancel();
  console.log(
    `    tampered token: GET /api/me -> ${tampered.status}, WWW-Authenticate: ${tampered.headers.get("www-authenticate")}`,
  );
  if (missing.status !== 401 || tampered.status !== 401) failed += 1;
} finally {
  await worker.dispose();
}
process.exitCode = failed === 0 ? 0 : 1;
