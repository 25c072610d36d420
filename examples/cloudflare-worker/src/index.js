// A Cloudflare Worker whose routes need `Authorization: Bearer <JWT>`, verified with
// kmsjwt-verify: synchronously, with the public keys only. The private keys stay in KMS.
//
// Keys: the JWK Set in ../jwks.json, bundled at build time (`kmsjwt jwks --key-id
// alias/NAME > jwks.json`), or, when the JWKS_URL variable is set, fetched from that URL
// by RemoteJwks (cached; refetched when a token names an unknown kid, for rotation).
// Claims: `iss` must be ISSUER, `aud` must contain AUDIENCE, `exp` is required.
import { JoseError, RemoteJwks, Verifier } from "kmsjwt-verify";
import bundledJwks from "../jwks.json";

const REALM = "kmsjwt-example";

// Errors that say the key source is broken, not the token: 503, not 401.
const KEY_SOURCE_ERRORS = new Set([
  "ERR_JWKS_TIMEOUT",
  "ERR_JWKS_INVALID",
  "ERR_JWK_INVALID",
  "ERR_JOSE_GENERIC",
]);

/** Verification options from the Worker's variables (see wrangler.toml). */
function verifyOptions(env) {
  return {
    issuer: env.ISSUER,
    audience: env.AUDIENCE,
    requiredClaims: ["exp"],
    clockTolerance: "30s",
  };
}

// Built on the first request (the variables arrive with it) and kept for the isolate's
// life: the keys are parsed once, then every verification is synchronous.
let keySource;

function getKeySource(env) {
  if (keySource === undefined) {
    if (env.JWKS_URL) {
      const remote = new RemoteJwks(env.JWKS_URL);
      const options = verifyOptions(env);
      keySource = { verify: (token) => remote.verify(token, options) };
    } else {
      const verifier = new Verifier(bundledJwks, verifyOptions(env));
      keySource = { verify: async (token) => verifier.verify(token) };
    }
  }
  return keySource;
}

/** The token from `Authorization: Bearer <token>`, or undefined. */
function bearerToken(request) {
  const header = request.headers.get("authorization") ?? "";
  return /^Bearer +(\S+) *$/i.exec(header)?.[1];
}

// RFC 6750 error_description: printable ASCII without '"' and '\'.
const quoted = (text) =>
  text.replace(/"/g, "'").replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, "?");

function unauthorized(error, description) {
  const challenge = error
    ? `Bearer realm="${REALM}", error="${error}", error_description="${quoted(description)}"`
    : `Bearer realm="${REALM}"`;
  return Response.json(
    { error: error ?? "missing_token", error_description: description },
    { status: 401, headers: { "www-authenticate": challenge } },
  );
}

/** `{ payload, protectedHeader }` for a valid token, or the Response to send instead. */
async function authenticate(request, env) {
  const token = bearerToken(request);
  if (token === undefined) {
    // RFC 6750 section 3.1: no error code when the request carries no bearer token
    // (no Authorization header, or another scheme).
    return unauthorized(
      undefined,
      "this route needs an Authorization: Bearer <JWT> header",
    );
  }
  try {
    return await getKeySource(env).verify(token);
  } catch (error) {
    if (!(error instanceof JoseError)) throw error;
    if (KEY_SOURCE_ERRORS.has(error.code)) {
      console.error(
        `the verification keys are unavailable: ${error.code}: ${error.message}`,
      );
      return Response.json(
        { error: "temporarily_unavailable", code: error.code },
        { status: 503, headers: { "retry-after": "30" } },
      );
    }
    return unauthorized("invalid_token", `${error.code}: ${error.message}`);
  }
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/health") return new Response("ok\n");

    const result = await authenticate(request, env);
    if (result instanceof Response) return result;
    const { payload, protectedHeader } = result;

    if (pathname === "/api/me") {
      return Response.json({
        sub: payload.sub,
        claims: payload,
        header: protectedHeader,
      });
    }
    return Response.json({ error: "not_found" }, { status: 404 });
  },
};
