// jose's error codes (the core's JoseError.code) explained in words.

const MEANINGS = {
  ERR_JWS_INVALID: "The token is not a well-formed compact JWS.",
  ERR_JWT_INVALID: "The payload is not a valid JWT claims set.",
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED:
    "The signature does not match: the token was changed after signing, or another key signed it.",
  ERR_JWT_EXPIRED: "The token has expired.",
  ERR_JWT_CLAIM_VALIDATION_FAILED: "A claim check failed.",
  ERR_JOSE_ALG_NOT_ALLOWED:
    "The token's algorithm is not allowed with this key or these options.",
  ERR_JOSE_NOT_SUPPORTED:
    "The token uses something this verifier does not support.",
  ERR_JWK_INVALID: "The key cannot be used to verify.",
  ERR_JWKS_INVALID: "The JWK Set is malformed.",
  ERR_JWKS_NO_MATCHING_KEY:
    "No key in the JWK Set fits the token's kid and algorithm.",
  ERR_JWKS_MULTIPLE_MATCHING_KEYS:
    "Several keys in the JWK Set match the token.",
  ERR_JWKS_TIMEOUT: "Fetching the JWK Set timed out.",
  ERR_JOSE_GENERIC: "The check could not run (often an option value).",
};

const REASONS = {
  missing: "it is missing",
  invalid: "it has the wrong type",
  check_failed: "its value does not pass the check",
};

/** A sentence for a JoseError (or any error): what went wrong, in words. */
export function explain(error) {
  let words = MEANINGS[error?.code] ?? "Unexpected error.";
  if (error?.claim !== undefined && REASONS[error.reason] !== undefined) {
    words += ` Claim "${error.claim}": ${REASONS[error.reason]}.`;
  }
  return words;
}
