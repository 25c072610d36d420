// The example Worker in workerd (offline, Miniflare 4): valid tokens get their claims,
// everything else a 401 with an RFC 6750 challenge naming the error code. Tokens are
// signed here with the verifier's test keys (node:crypto); KMS-signed tokens go through
// the same Worker in tests/demo.test.mjs.
import assert from "node:assert/strict";
import { createPrivateKey, createPublicKey, sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";

import { repoRoot, startWorker, wranglerConfig } from "./workerd.mjs";

const keysDir = join(repoRoot, "verifier-wasm/tests/keys");
const privateKey = (name) =>
  createPrivateKey(readFileSync(join(keysDir, `${name}.pem`)));

const KEYS = {
  RS256: { key: privateKey("rsa2048"), kid: "rsa-1" },
  ES256: { key: privateKey("p256"), kid: "p256-1" },
  EdDSA: { key: privateKey("ed25519"), kid: "ed25519-1" },
};
const OUTSIDER = { key: privateKey("p384"), kid: "p384-not-in-jwks" };

const b64url = (value) =>
  Buffer.from(
    typeof value === "string" ? value : JSON.stringify(value),
  ).toString("base64url");

function signToken(alg, { key, kid }, payload, header = {}) {
  const input = `${b64url({ alg, typ: "JWT", kid, ...header })}.${b64url(payload)}`;
  const hash = { RS256: "sha256", ES256: "sha256", ES384: "sha384" }[alg];
  const signature = sign(hash ?? null, Buffer.from(input), {
    key,
    dsaEncoding: "ieee-p1363",
  });
  return `${input}.${signature.toString("base64url")}`;
}

const { vars } = wranglerConfig();
const now = () => Math.floor(Date.now() / 1000);
const claims = (extra = {}) => ({
  iss: vars.ISSUER,
  aud: vars.AUDIENCE,
  sub: "user-1",
  iat: now(),
  exp: now() + 600,
  scope: "read",
  ...extra,
});

const jwks = {
  keys: Object.entries(KEYS).map(([alg, { key, kid }]) => ({
    ...createPublicKey(key).export({ format: "jwk" }),
    kid,
    alg,
    use: "sig",
  })),
};

const work = mkdtempSync(join(tmpdir(), "kmsjwt-example-test-"));
const jwksPath = join(work, "jwks.json");
const emptyJwksPath = join(work, "empty.json");
writeFileSync(jwksPath, JSON.stringify(jwks));
writeFileSync(emptyJwksPath, JSON.stringify({ keys: [] }));
after(() => rmSync(work, { recursive: true, force: true }));

const bearer = (token) => ({ headers: { authorization: `Bearer ${token}` } });

// RFC 6750: error_description is a quoted string of printable ASCII without '"' or '\'.
const CHALLENGE =
  /^Bearer realm="kmsjwt-example", error="invalid_token", error_description="([\x20\x21\x23-\x5b\x5d-\x7e]*)"$/;

async function assertInvalidToken(response, code) {
  assert.equal(response.status, 401);
  const challenge = response.headers.get("www-authenticate");
  const match = CHALLENGE.exec(challenge);
  assert.ok(match, `challenge: ${challenge}`);
  assert.ok(
    match[1].startsWith(`${code}: `),
    `${code} expected in: ${match[1]}`,
  );
  const body = await response.json();
  assert.equal(body.error, "invalid_token");
  assert.ok(body.error_description.startsWith(`${code}: `));
  return body;
}

describe("with the bundled JWK Set", () => {
  let worker;
  before(async () => {
    worker = await startWorker({ jwksPath });
  });
  after(() => worker?.dispose());

  for (const alg of Object.keys(KEYS)) {
    test(`${alg}: a valid token gets 200 and its claims`, async () => {
      const payload = claims({ sub: `user-${alg}` });
      const response = await worker.fetch(
        "/api/me",
        bearer(signToken(alg, KEYS[alg], payload)),
      );
      assert.equal(response.status, 200);
      const body = await response.json();
      assert.equal(body.sub, `user-${alg}`);
      assert.deepEqual(body.claims, payload);
      assert.equal(body.header.alg, alg);
      assert.equal(body.header.kid, KEYS[alg].kid);
    });
  }

  test("an expired token: 401 ERR_JWT_EXPIRED", async () => {
    const token = signToken(
      "ES256",
      KEYS.ES256,
      claims({ iat: now() - 7200, exp: now() - 3600 }),
    );
    await assertInvalidToken(
      await worker.fetch("/api/me", bearer(token)),
      "ERR_JWT_EXPIRED",
    );
  });

  test("a token expired within the 30 s clock tolerance is still accepted", async () => {
    const token = signToken("ES256", KEYS.ES256, claims({ exp: now() - 5 }));
    const response = await worker.fetch("/api/me", bearer(token));
    assert.equal(response.status, 200);
  });

  for (const alg of Object.keys(KEYS)) {
    test(`${alg}: a tampered payload: 401 ERR_JWS_SIGNATURE_VERIFICATION_FAILED`, async () => {
      const [header, , signature] = signToken(alg, KEYS[alg], claims()).split(
        ".",
      );
      const forged = `${header}.${b64url(claims({ sub: "admin" }))}.${signature}`;
      await assertInvalidToken(
        await worker.fetch("/api/me", bearer(forged)),
        "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
      );
    });
  }

  test("a missing token: 401 with a challenge and no error code (RFC 6750 3.1)", async () => {
    for (const init of [
      {},
      { headers: { authorization: "Basic dXNlcjpwYXNz" } },
      { headers: { authorization: "Bearer" } },
    ]) {
      const response = await worker.fetch("/api/me", init);
      assert.equal(response.status, 401);
      assert.equal(
        response.headers.get("www-authenticate"),
        'Bearer realm="kmsjwt-example"',
      );
      assert.equal((await response.json()).error, "missing_token");
    }
  });

  test("a token that is not a JWS: 401 ERR_JWS_INVALID", async () => {
    await assertInvalidToken(
      await worker.fetch("/api/me", bearer("not-a-token")),
      "ERR_JWS_INVALID",
    );
  });

  test("the wrong audience or issuer: 401 ERR_JWT_CLAIM_VALIDATION_FAILED", async () => {
    for (const extra of [
      { aud: "another-api" },
      { iss: "https://evil.test" },
    ]) {
      const token = signToken("RS256", KEYS.RS256, claims(extra));
      await assertInvalidToken(
        await worker.fetch("/api/me", bearer(token)),
        "ERR_JWT_CLAIM_VALIDATION_FAILED",
      );
    }
  });

  test("a token without exp: 401 ERR_JWT_CLAIM_VALIDATION_FAILED", async () => {
    const { exp, ...noExp } = claims();
    assert.ok(exp);
    const body = await assertInvalidToken(
      await worker.fetch(
        "/api/me",
        bearer(signToken("EdDSA", KEYS.EdDSA, noExp)),
      ),
      "ERR_JWT_CLAIM_VALIDATION_FAILED",
    );
    assert.match(body.error_description, /exp/);
  });

  test("a key that is not in the JWK Set: 401 ERR_JWKS_NO_MATCHING_KEY", async () => {
    const token = signToken("ES384", OUTSIDER, claims());
    const response = await worker.fetch("/api/me", bearer(token));
    const challenge = response.headers.get("www-authenticate");
    const body = await assertInvalidToken(response, "ERR_JWKS_NO_MATCHING_KEY");
    // The message quotes the kid; the header carries it with single quotes.
    assert.match(body.error_description, /"p384-not-in-jwks"/);
    assert.match(challenge, /'p384-not-in-jwks'/);
  });

  test('alg "none" and HS256 with the public key as secret: 401', async () => {
    const header = (alg) => b64url({ alg, typ: "JWT", kid: KEYS.RS256.kid });
    for (const token of [
      `${header("none")}.${b64url(claims())}.`,
      `${header("HS256")}.${b64url(claims())}.${b64url("x".repeat(32))}`,
    ]) {
      const response = await worker.fetch("/api/me", bearer(token));
      assert.equal(response.status, 401);
      assert.match(
        response.headers.get("www-authenticate"),
        /error="invalid_token", error_description="ERR_(JOSE_ALG_NOT_ALLOWED|JWS_INVALID): /,
      );
    }
  });

  test("/health needs no token; unknown routes need one, then 404", async () => {
    assert.equal((await worker.fetch("/health")).status, 200);
    assert.equal((await worker.fetch("/elsewhere")).status, 401);
    const token = signToken("ES256", KEYS.ES256, claims());
    assert.equal((await worker.fetch("/elsewhere", bearer(token))).status, 404);
  });
});

describe("with JWKS_URL set (RemoteJwks)", () => {
  const JWKS_URL = "https://issuer.test/.well-known/jwks.json";
  let worker;
  const fetched = [];
  before(async () => {
    // The bundled set is empty: every accepted token was checked with fetched keys.
    worker = await startWorker({
      jwksPath: emptyJwksPath,
      vars: { JWKS_URL },
      outboundService: (request) => {
        fetched.push(request.url);
        return Response.json(jwks);
      },
    });
  });
  after(() => worker?.dispose());

  test("tokens verify with the fetched set, fetched once and cached", async () => {
    for (const alg of Object.keys(KEYS)) {
      const token = signToken(alg, KEYS[alg], claims({ sub: alg }));
      const response = await worker.fetch("/api/me", bearer(token));
      assert.equal(response.status, 200, alg);
      assert.equal((await response.json()).sub, alg);
    }
    assert.deepEqual(fetched, [JWKS_URL]);
  });

  test("a tampered token is still a 401", async () => {
    const [header, , signature] = signToken(
      "ES256",
      KEYS.ES256,
      claims(),
    ).split(".");
    await assertInvalidToken(
      await worker.fetch(
        "/api/me",
        bearer(`${header}.${b64url(claims({ sub: "admin" }))}.${signature}`),
      ),
      "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
    );
  });
});

test("JWKS_URL answering 500: 503 with Retry-After, not 401", async () => {
  const worker = await startWorker({
    jwksPath: emptyJwksPath,
    vars: { JWKS_URL: "https://issuer.test/jwks.json" },
    outboundService: () => new Response("down", { status: 500 }),
  });
  try {
    const token = signToken("ES256", KEYS.ES256, claims());
    const response = await worker.fetch("/api/me", bearer(token));
    assert.equal(response.status, 503);
    assert.equal(response.headers.get("retry-after"), "30");
    assert.equal((await response.json()).code, "ERR_JOSE_GENERIC");
  } finally {
    await worker.dispose();
  }
});
