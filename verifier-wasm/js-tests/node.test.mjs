// Node 20: the shared suite with node:test, plus RemoteJwks against a local HTTP server.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { test } from "node:test";

import { importPackage, importSuite, vectors } from "./harness.mjs";

const lib = await importPackage();
const { cases, vectorOptions } = await importSuite();

for (const { name, fn } of cases(lib, vectors)) test(name, fn);

const byName = (name) => vectors.find((vector) => vector.name === name);
const ecToken = byName("JWKS selects by kid"); // ES256, kid "ec-1"
const allKeys = JSON.parse(ecToken.key).keys;
const keysWith = (...kids) => ({
  keys: allKeys.filter((key) => kids.includes(key.kid)),
});

/** A JWKS server on 127.0.0.1 whose answer, delay and status the test controls. */
async function jwksServer() {
  const state = {
    body: JSON.stringify(keysWith("rsa-1", "ec-1")),
    delay: 0,
    status: 200,
    requests: 0,
  };
  const server = createServer((request, response) => {
    state.requests += 1;
    setTimeout(() => {
      response.writeHead(state.status, { "content-type": "application/json" });
      response.end(state.body);
    }, state.delay);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}/.well-known/jwks.json`;
  return {
    state,
    url,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

test("RemoteJwks: verifies, caches, and shares one fetch between concurrent callers", async () => {
  const { state, url, close } = await jwksServer();
  try {
    const remote = new lib.RemoteJwks(url);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        remote.verify(ecToken.token, vectorOptions(ecToken)),
      ),
    );
    assert.equal(results[0].payload.sub, "user-1");
    assert.equal(results[7].protectedHeader.kid, "ec-1");
    await remote.verify(ecToken.token, vectorOptions(ecToken));
    assert.equal(state.requests, 1);
    assert.equal(remote.fresh, true);
  } finally {
    await close();
  }
});

test("RemoteJwks: an unknown kid refetches at most once per cooldown", async () => {
  const { state, url, close } = await jwksServer();
  try {
    state.body = JSON.stringify(keysWith("rsa-1"));
    const remote = new lib.RemoteJwks(url, { cooldownDuration: 60_000 });
    await assert.rejects(remote.verify(ecToken.token, vectorOptions(ecToken)), {
      code: "ERR_JWKS_NO_MATCHING_KEY",
    });
    assert.equal(state.requests, 1, "just fetched: cooling down, no refetch");
    await assert.rejects(remote.verify(ecToken.token, vectorOptions(ecToken)), {
      code: "ERR_JWKS_NO_MATCHING_KEY",
    });
    assert.equal(state.requests, 1);
  } finally {
    await close();
  }
});

test("RemoteJwks: key rotation is picked up through a refetch", async () => {
  const { state, url, close } = await jwksServer();
  try {
    state.body = JSON.stringify(keysWith("rsa-1"));
    const remote = new lib.RemoteJwks(url, { cooldownDuration: 0 });
    await remote.reload();
    state.body = JSON.stringify(keysWith("rsa-1", "ec-1"));
    const { payload } = await remote.verify(
      ecToken.token,
      vectorOptions(ecToken),
    );
    assert.equal(payload.sub, "user-1");
    assert.equal(state.requests, 2);
  } finally {
    await close();
  }
});

test("RemoteJwks: a stale cache is refetched after cacheMaxAge", async () => {
  const { state, url, close } = await jwksServer();
  try {
    const remote = new lib.RemoteJwks(url, { cacheMaxAge: 30 });
    await remote.verify(ecToken.token, vectorOptions(ecToken));
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(remote.fresh, false);
    await remote.verify(ecToken.token, vectorOptions(ecToken));
    assert.equal(state.requests, 2);
  } finally {
    await close();
  }
});

test("RemoteJwks: timeout, HTTP errors and non-JWKS answers have codes", async () => {
  const { state, url, close } = await jwksServer();
  try {
    state.delay = 300;
    const slow = new lib.RemoteJwks(url, { timeoutDuration: 50 });
    await assert.rejects(slow.verify(ecToken.token), {
      code: "ERR_JWKS_TIMEOUT",
    });
    state.delay = 0;
    state.status = 500;
    await assert.rejects(new lib.RemoteJwks(url).verify(ecToken.token), {
      code: "ERR_JOSE_GENERIC",
    });
    state.status = 200;
    state.body = "<html>";
    await assert.rejects(new lib.RemoteJwks(url).verify(ecToken.token), {
      code: "ERR_JWKS_INVALID",
    });
    state.body = JSON.stringify(allKeys[0]);
    await assert.rejects(new lib.RemoteJwks(url).verify(ecToken.token), {
      code: "ERR_JWKS_INVALID",
    });
    const refused = new lib.RemoteJwks("http://127.0.0.1:9/jwks.json");
    await assert.rejects(refused.verify(ecToken.token), {
      code: "ERR_JOSE_GENERIC",
    });
  } finally {
    await close();
  }
});

test("RemoteJwks: claim checks apply as with verify()", async () => {
  const { url, close } = await jwksServer();
  try {
    const remote = new lib.RemoteJwks(url);
    await assert.rejects(
      remote.verify(ecToken.token, {
        ...vectorOptions(ecToken),
        audience: "api://other",
      }),
      {
        code: "ERR_JWT_CLAIM_VALIDATION_FAILED",
        claim: "aud",
        reason: "check_failed",
      },
    );
  } finally {
    await close();
  }
});
