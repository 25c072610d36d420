/** A JSON Web Key (public). */
export interface JWK {
  kty: string;
  kid?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  /** AKP (ML-DSA) public key. */
  pub?: string;
  [member: string]: unknown;
}

/** PEM text (PUBLIC KEY, RSA PUBLIC KEY, CERTIFICATE), a JWK, or a JWK Set (object or JSON text). */
export type KeyInput = string | JWK | { keys: JWK[] };

export type Algorithm =
  | "RS256"
  | "RS384"
  | "RS512"
  | "PS256"
  | "PS384"
  | "PS512"
  | "ES256"
  | "ES384"
  | "ES512"
  | "ES256K"
  | "EdDSA"
  | "Ed25519";

/** jose's JWTVerifyOptions, same names and meaning. */
export interface VerifyOptions {
  /** Accepted algorithms; default: every algorithm the key's type supports. */
  algorithms?: Algorithm[];
  /** Accepted `iss` value(s). */
  issuer?: string | string[];
  /** Accepted audience(s); any match. */
  audience?: string | string[];
  /** Required `sub`. */
  subject?: string;
  /** Required `typ` header (case-insensitive, `application/` optional). */
  typ?: string;
  /** Leeway for exp/nbf/iat: seconds, or "30s", "5m". Default 0. */
  clockTolerance?: number | string;
  /** Check as of this date instead of now. */
  currentDate?: Date;
  /** Maximum age since `iat` (seconds or "1h"); makes `iat` required. */
  maxTokenAge?: number | string;
  /** Claims that must be present. */
  requiredClaims?: string[];
  /** `crit` extensions the caller understands: names, or jose's `{ name: true }`. */
  crit?: string[] | Record<string, boolean>;
  /** Longest token accepted, in bytes. Default 262144. */
  maxTokenLength?: number;
}

export interface JWTPayload {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  jti?: string;
  nbf?: number;
  exp?: number;
  iat?: number;
  [claim: string]: unknown;
}

export interface ProtectedHeader {
  alg: string;
  kid?: string;
  typ?: string;
  crit?: string[];
  [parameter: string]: unknown;
}

export interface VerifyResult {
  payload: JWTPayload;
  protectedHeader: ProtectedHeader;
}

export type ErrorCode =
  | "ERR_JWS_INVALID"
  | "ERR_JWT_INVALID"
  | "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
  | "ERR_JWT_EXPIRED"
  | "ERR_JWT_CLAIM_VALIDATION_FAILED"
  | "ERR_JOSE_ALG_NOT_ALLOWED"
  | "ERR_JOSE_NOT_SUPPORTED"
  | "ERR_JWK_INVALID"
  | "ERR_JWKS_INVALID"
  | "ERR_JWKS_NO_MATCHING_KEY"
  | "ERR_JWKS_MULTIPLE_MATCHING_KEYS"
  | "ERR_JWKS_TIMEOUT"
  | "ERR_JOSE_GENERIC";

export class JoseError extends Error {
  readonly code: ErrorCode;
  /** The failing claim, for ERR_JWT_EXPIRED and ERR_JWT_CLAIM_VALIDATION_FAILED. */
  readonly claim?: string;
  readonly reason?: "check_failed" | "missing" | "invalid";
  constructor(
    code: ErrorCode,
    message: string,
    detail?: { claim?: string; reason?: string },
  );
}

/** Verifies synchronously; throws JoseError. Parsed keys are cached by key text. */
export function verify(
  token: string,
  key: KeyInput,
  options?: VerifyOptions,
): VerifyResult;

/** Reads header and payload WITHOUT verification. */
export function decode(token: string): VerifyResult;

export class Verifier {
  constructor(key: KeyInput, options?: VerifyOptions);
  verify(token: string): VerifyResult;
  /** Frees the WebAssembly memory now (a FinalizationRegistry frees it otherwise). */
  free(): void;
}

export interface RemoteJwksOptions {
  /** Milliseconds a fetched set is used before refetching. Default 600000. */
  cacheMaxAge?: number;
  /** Minimum milliseconds between refetches for an unknown kid. Default 30000. */
  cooldownDuration?: number;
  /** Milliseconds before a fetch fails with ERR_JWKS_TIMEOUT. Default 5000. */
  timeoutDuration?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

export class RemoteJwks {
  constructor(url: string | URL, options?: RemoteJwksOptions);
  verify(token: string, options?: VerifyOptions): Promise<VerifyResult>;
  reload(): Promise<void>;
  readonly fresh: boolean;
  readonly coolingDown: boolean;
}
