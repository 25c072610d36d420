// The JavaScript API of kmsjwt-verify. Every JOSE rule lives in the Rust core; this file
// only adapts JS values (Date, objects, caching, fetch) to it and errors to JoseError.
import { Keys, Options, verifyToken, decodeToken } from "./kmsjwt_verify.js";

/** An error with jose's stable `code` (and `claim`/`reason` for claim failures). */
export class JoseError extends Error {
  constructor(code, message, detail = {}) {
    super(message);
    this.name = "JoseError";
    this.code = code;
    if (detail.claim !== undefined) {
      this.claim = detail.claim;
      this.reason = detail.reason;
    }
  }
}

// The core throws `{code, message, claim?, reason?}` as JSON text.
function rethrow(error) {
  if (typeof error === "string" && error.startsWith("{")) {
    const detail = JSON.parse(error);
    throw new JoseError(detail.code, detail.message, detail);
  }
  throw error;
}

function keyText(key) {
  if (typeof key === "string") return key;
  if (key !== null && typeof key === "object") return JSON.stringify(key);
  throw new JoseError(
    "ERR_JWK_INVALID",
    "the key must be PEM text, a JWK or a JWK Set (object or JSON text)",
  );
}

function optionsText(options) {
  if (options === undefined) return "{}";
  if (options === null || typeof options !== "object") {
    throw new JoseError("ERR_JOSE_GENERIC", "options must be an object");
  }
  if (options.currentDate === undefined) return JSON.stringify(options);
  const { currentDate } = options;
  if (!(currentDate instanceof Date) || Number.isNaN(currentDate.getTime())) {
    throw new JoseError(
      "ERR_JOSE_GENERIC",
      "options.currentDate must be a valid Date",
    );
  }
  return JSON.stringify({
    ...options,
    currentDate: currentDate.getTime() / 1000,
  });
}

// Parsed keys and options, keyed by their text, so that `verify(token, pem)` called
// with the same key every time skips parsing. Bounded; evicted handles free their memory.
class HandleCache {
  constructor(limit, create) {
    this.limit = limit;
    this.create = create;
    this.entries = new Map();
  }

  get(text) {
    let handle = this.entries.get(text);
    if (handle !== undefined) return handle;
    handle = this.create(text);
    if (this.entries.size >= this.limit) {
      const [oldest, evicted] = this.entries.entries().next().value;
      this.entries.delete(oldest);
      evicted.free();
    }
    this.entries.set(text, handle);
    return handle;
  }
}

const keyCache = new HandleCache(16, (text) => new Keys(text));
const optionsCache = new HandleCache(16, (text) => new Options(text));

function run(keys, options, token) {
  if (typeof token !== "string") {
    throw new JoseError("ERR_JWS_INVALID", "the token must be a string");
  }
  let result;
  try {
    result = verifyToken(keys, options, token, Date.now() / 1000);
  } catch (error) {
    rethrow(error);
  }
  return JSON.parse(result);
}

function parsed(create, text) {
  try {
    return create(text);
  } catch (error) {
    return rethrow(error);
  }
}

/**
 * Verifies a compact JWS/JWT with a public key (PEM, JWK or JWK Set) and returns
 * `{ payload, protectedHeader }`. Throws `JoseError`.
 */
export function verify(token, key, options) {
  const keys = parsed((text) => keyCache.get(text), keyText(key));
  const verifyOptions = parsed(
    (text) => optionsCache.get(text),
    optionsText(options),
  );
  return run(keys, verifyOptions, token);
}

/** Reads a token's header and payload WITHOUT verifying anything. */
export function decode(token) {
  if (typeof token !== "string") {
    throw new JoseError("ERR_JWS_INVALID", "the token must be a string");
  }
  try {
    return JSON.parse(decodeToken(token));
  } catch (error) {
    return rethrow(error);
  }
}

/** A key and options parsed once, for verifying many tokens (the fast path). */
export class Verifier {
  #keys;
  #options;

  constructor(key, options) {
    // wasm-bindgen registers both handles with a FinalizationRegistry, the backstop
    // for callers who never call free().
    this.#keys = parsed((text) => new Keys(text), keyText(key));
    this.#options = parsed((text) => new Options(text), optionsText(options));
  }

  verify(token) {
    if (this.#keys === undefined) {
      throw new JoseError("ERR_JOSE_GENERIC", "this Verifier was freed");
    }
    return run(this.#keys, this.#options, token);
  }

  /** Releases the WebAssembly memory now rather than at garbage collection. */
  free() {
    this.#keys?.free();
    this.#options?.free();
    this.#keys = undefined;
    this.#options = undefined;
  }
}

/**
 * A JWK Set fetched from a URL, cached, and refetched when stale or when a token names
 * an unknown key (at most once per cooldown). Times are in milliseconds, as in jose.
 */
export class RemoteJwks {
  #url;
  #cacheMaxAge;
  #cooldownDuration;
  #timeoutDuration;
  #headers;
  #keys;
  #fetchedAt = 0;
  #pending;

  constructor(url, options = {}) {
    this.#url = new URL(url);
    this.#cacheMaxAge = options.cacheMaxAge ?? 600_000;
    this.#cooldownDuration = options.cooldownDuration ?? 30_000;
    this.#timeoutDuration = options.timeoutDuration ?? 5_000;
    this.#headers = options.headers ?? {};
  }

  /** Whether the cached set is younger than `cacheMaxAge`. */
  get fresh() {
    return (
      this.#keys !== undefined &&
      Date.now() - this.#fetchedAt < this.#cacheMaxAge
    );
  }

  /** Whether a refetch for an unknown `kid` would be refused right now. */
  get coolingDown() {
    return (
      this.#keys !== undefined &&
      Date.now() - this.#fetchedAt < this.#cooldownDuration
    );
  }

  async verify(token, options) {
    const verifyOptions = parsed(
      (text) => optionsCache.get(text),
      optionsText(options),
    );
    if (!this.fresh) await this.reload();
    try {
      return run(this.#keys, verifyOptions, token);
    } catch (error) {
      if (error?.code !== "ERR_JWKS_NO_MATCHING_KEY" || this.coolingDown)
        throw error;
      await this.reload();
      return run(this.#keys, verifyOptions, token);
    }
  }

  /** Fetches the set now; concurrent callers share one request. */
  reload() {
    this.#pending ??= this.#fetch().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #fetch() {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutDuration);
    let text;
    try {
      const response = await fetch(this.#url, {
        headers: { accept: "application/json", ...this.#headers },
        signal: controller.signal,
        redirect: "manual",
      });
      if (response.status !== 200) {
        throw new JoseError(
          "ERR_JOSE_GENERIC",
          `expected 200 OK from the JWK Set URL, got ${response.status}`,
        );
      }
      text = await response.text();
    } catch (error) {
      if (controller.signal.aborted) {
        throw new JoseError(
          "ERR_JWKS_TIMEOUT",
          "fetching the JWK Set timed out",
        );
      }
      if (error instanceof JoseError) throw error;
      throw new JoseError(
        "ERR_JOSE_GENERIC",
        `fetching the JWK Set failed: ${error}`,
      );
    } finally {
      clearTimeout(timer);
    }
    let set;
    try {
      set = JSON.parse(text);
    } catch {
      throw new JoseError(
        "ERR_JWKS_INVALID",
        "the JWK Set URL did not return JSON",
      );
    }
    if (set === null || typeof set !== "object" || !Array.isArray(set.keys)) {
      throw new JoseError(
        "ERR_JWKS_INVALID",
        'the JWK Set URL did not return {"keys": [...]}',
      );
    }
    const keys = parsed((body) => new Keys(body), text);
    this.#keys?.free();
    this.#keys = keys;
    this.#fetchedAt = Date.now();
  }
}
