// One test module for every runtime: it takes the package's exports and the shared SPEC
// vectors (tests/vectors/verify.json, checked natively by the Rust suite too) and returns
// named synchronous checks. Node runs them with node:test; the Worker and the pages run
// them and report results as JSON. No imports, so it loads anywhere.

function same(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

function fails(fn, code, what) {
  try {
    fn();
  } catch (error) {
    if (error?.code !== code)
      throw new Error(
        `${what}: expected ${code}, got ${error?.code} (${error})`,
      );
    return error;
  }
  throw new Error(`${what}: expected ${code}, but it succeeded`);
}

/** jose-style options from a vector (currentDate travels as Unix seconds). */
export function vectorOptions(vector) {
  const options = { ...vector.options };
  if (options.currentDate !== undefined)
    options.currentDate = new Date(options.currentDate * 1000);
  return options;
}

function outcome(run) {
  try {
    return { payload: run().payload };
  } catch (error) {
    if (typeof error?.code !== "string") throw error;
    const result = { code: error.code };
    if (error.claim !== undefined)
      Object.assign(result, { claim: error.claim, reason: error.reason });
    return result;
  }
}

export function cases(lib, vectors) {
  const list = [];
  const test = (name, fn) => list.push({ name, fn });
  const { verify, decode, Verifier, RemoteJwks, JoseError } = lib;

  for (const vector of vectors) {
    test(`vector: ${vector.name}`, () => {
      const options = vectorOptions(vector);
      same(
        outcome(() => verify(vector.token, vector.key, options)),
        vector.expect,
        "verify()",
      );
      // The Verifier path must agree; key or option errors surface from its constructor.
      same(
        outcome(() => new Verifier(vector.key, options).verify(vector.token)),
        vector.expect,
        "Verifier",
      );
    });
  }

  const first = vectors.find((vector) => vector.name === "ES256 with JWK");
  const jwks = vectors.find((vector) => vector.name === "JWKS selects by kid");

  test("exports", () => {
    same(
      ["verify", "decode", "Verifier", "RemoteJwks", "JoseError"].map(
        (name) => typeof lib[name],
      ),
      ["function", "function", "function", "function", "function"],
      "export types",
    );
  });

  test("keys as objects, JSON text and JWK Sets", () => {
    const options = vectorOptions(first);
    const jwk = JSON.parse(first.key);
    same(
      verify(first.token, jwk, options).payload,
      first.expect.payload,
      "JWK object",
    );
    same(
      verify(first.token, { keys: [jwk] }, options).payload,
      first.expect.payload,
      "JWKS object",
    );
    same(
      verify(jwks.token, JSON.parse(jwks.key), vectorOptions(jwks))
        .protectedHeader.kid,
      "ec-1",
      "kid",
    );
  });

  test("result shape", () => {
    const result = verify(first.token, first.key, vectorOptions(first));
    same(Object.keys(result).sort(), ["payload", "protectedHeader"], "keys");
    same(
      result.protectedHeader,
      { alg: "ES256", typ: "JWT" },
      "protectedHeader",
    );
  });

  test("decode does not verify", () => {
    const tampered = vectors.find(
      (vector) => vector.name === "tampered payload",
    );
    const decoded = decode(tampered.token);
    same(decoded.payload.sub, "admin", "decoded payload");
    same(decoded.protectedHeader.alg, "ES256", "decoded header");
    fails(() => decode("a.b"), "ERR_JWS_INVALID", "decode two segments");
    fails(() => decode(42), "ERR_JWS_INVALID", "decode non-string");
  });

  test("JoseError carries code, claim and reason", () => {
    const expired = vectors.find((vector) => vector.name === "expired");
    const error = fails(
      () => verify(expired.token, expired.key, vectorOptions(expired)),
      "ERR_JWT_EXPIRED",
      "expired",
    );
    if (!(error instanceof JoseError) || !(error instanceof Error))
      throw new Error("not a JoseError");
    same(
      [error.name, error.claim, error.reason],
      ["JoseError", "exp", "check_failed"],
      "fields",
    );
    if (!/expired/.test(error.message))
      throw new Error(`message: ${error.message}`);
  });

  test("bad argument types give codes, not crashes", () => {
    fails(
      () => verify(undefined, first.key),
      "ERR_JWS_INVALID",
      "undefined token",
    );
    fails(() => verify(first.token, 42), "ERR_JWK_INVALID", "number key");
    fails(() => verify(first.token, null), "ERR_JWK_INVALID", "null key");
    fails(
      () => verify(first.token, first.key, "strict"),
      "ERR_JOSE_GENERIC",
      "string options",
    );
    fails(
      () => verify(first.token, first.key, { currentDate: "yesterday" }),
      "ERR_JOSE_GENERIC",
      "currentDate",
    );
    fails(
      () => new Verifier(first.key).verify({}),
      "ERR_JWS_INVALID",
      "object token",
    );
  });

  test("garbage never kills the instance", () => {
    const inputs = [
      "",
      ".",
      "..",
      "a.b.c",
      "\u0000",
      "é.é.é",
      "e30.e30.e30",
      "x".repeat(300_000),
    ];
    for (const input of inputs) {
      try {
        verify(input, first.key);
      } catch (error) {
        if (typeof error?.code !== "string") throw error;
      }
    }
    same(
      verify(first.token, first.key, vectorOptions(first)).payload,
      first.expect.payload,
      "still works",
    );
  });

  test("Verifier.free releases and refuses further use", () => {
    const verifier = new Verifier(first.key, vectorOptions(first));
    same(verifier.verify(first.token).payload.sub, "user-1", "before free");
    verifier.free();
    verifier.free();
    fails(() => verifier.verify(first.token), "ERR_JOSE_GENERIC", "after free");
  });

  test("the key cache is bounded and stays correct", () => {
    const others = vectors.filter((vector) => vector.name.endsWith("with PEM"));
    for (let round = 0; round < 3; round += 1) {
      for (const vector of others) {
        same(
          verify(vector.token, vector.key, vectorOptions(vector)).payload,
          vector.expect.payload,
          vector.name,
        );
      }
    }
  });

  test("RemoteJwks validates its URL", () => {
    let threw = false;
    try {
      new RemoteJwks("not a url");
    } catch {
      threw = true;
    }
    if (!threw) throw new Error("expected a TypeError for a bad URL");
  });
  return list;
}

/** Runs every case; returns [{ name, ok, error }]. */
export function runAll(list) {
  return list.map(({ name, fn }) => {
    try {
      fn();
      return { name, ok: true };
    } catch (error) {
      return { name, ok: false, error: String(error?.stack ?? error) };
    }
  });
}
