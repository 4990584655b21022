// The words of an AuthError: its HTTP statuses, its RFC 6750 error words and the stable `ERR_…`
// codes programs branch on.

/**
 * HTTP statuses an {@link AuthError} can carry.
 *
 * @example
 * ```ts
 * const status: AuthErrorStatus = err.status; // 400 | 401 | 403 | 429 | 500 | 503
 * ```
 */
export type AuthErrorStatus = 400 | 401 | 403 | 429 | 500 | 503;

/**
 * The error word in the body and challenge: RFC 6750 §3.1 codes, `unauthorized` for a request
 * with no credential (which carries no error in its challenge), `rate_limited` for a 429 (a rate
 * limit or a spent budget), and RFC 6749's `server_error` and `temporarily_unavailable` for
 * failures on our side.
 *
 * @example
 * ```ts
 * const word: AuthErrorWord = err.error; // 'invalid_token', …
 * ```
 */
export type AuthErrorWord =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'rate_limited'
  | 'unauthorized'
  | 'server_error'
  | 'temporarily_unavailable'
  // RFC 9449 §7.1 and §9 (DPoP): a bad proof, and a proof that must carry the server's nonce.
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce';

/**
 * Stable codes for programs: branch on these, not on messages.
 *
 * @example
 * ```ts
 * if (err.code === AuthErrorCodes.JWT_EXPIRED) return refreshAndRetry();
 * ```
 */
export const AuthErrorCodes = {
  /** 401: the request carried no credential. */
  NO_CREDENTIALS: 'ERR_NO_CREDENTIALS',
  /** 400: the Authorization header is not `Bearer <b64token>`, or a credential header is empty. */
  MALFORMED_REQUEST: 'ERR_MALFORMED_REQUEST',
  /** 400: two credentials, or two Authorization headers, in one request. */
  MULTIPLE_CREDENTIALS: 'ERR_MULTIPLE_CREDENTIALS',
  /** 401: a bearer value that is neither a known API-key form nor a JWT. */
  UNSUPPORTED_CREDENTIAL: 'ERR_UNSUPPORTED_CREDENTIAL',
  /** 401: the API key is unknown, wrong, malformed, expired or revoked (one answer for all). */
  API_KEY_INVALID: 'ERR_API_KEY_INVALID',
  /** 401: the token is not a well-formed JWS compact JWT, or is over the size cap. */
  JWT_MALFORMED: 'ERR_JWT_MALFORMED',
  /** 401: a header parameter Portcullis refuses (`crit`, `b64`, `jwk`, `jku`, `x5u`, `x5c`). */
  JWT_HEADER_UNSUPPORTED: 'ERR_JWT_HEADER_UNSUPPORTED',
  /** 401: `alg` is missing, `none`, or not among the configured algorithms. */
  JWT_ALG_NOT_ALLOWED: 'ERR_JWT_ALG_NOT_ALLOWED',
  /** 401: the signature does not verify. */
  JWT_SIGNATURE_INVALID: 'ERR_JWT_SIGNATURE_INVALID',
  /** 401: no key in the key set matches the token's `kid` and `alg`. */
  JWT_NO_MATCHING_KEY: 'ERR_JWT_NO_MATCHING_KEY',
  /** 401: `exp` has passed. */
  JWT_EXPIRED: 'ERR_JWT_EXPIRED',
  /** 401: `nbf` is in the future. */
  JWT_NOT_YET_VALID: 'ERR_JWT_NOT_YET_VALID',
  /** 401: `iat` is in the future. */
  JWT_ISSUED_IN_FUTURE: 'ERR_JWT_ISSUED_IN_FUTURE',
  /** 401: `iat` is older than `maxTokenAge`. */
  JWT_TOO_OLD: 'ERR_JWT_TOO_OLD',
  /** 401: `iss` is not the configured issuer. */
  JWT_ISSUER_INVALID: 'ERR_JWT_ISSUER_INVALID',
  /** 401: `aud` does not contain the configured audience. */
  JWT_AUDIENCE_INVALID: 'ERR_JWT_AUDIENCE_INVALID',
  /** 401: a required claim is missing. */
  JWT_CLAIM_MISSING: 'ERR_JWT_CLAIM_MISSING',
  /** 401: a claim has the wrong type (`exp` not a finite number, `scope` not a string, …). */
  JWT_CLAIM_INVALID: 'ERR_JWT_CLAIM_INVALID',
  /** 401: the `typ` header does not match the configured type. */
  JWT_TYP_INVALID: 'ERR_JWT_TYP_INVALID',
  /** 401: the token's `jti` is on the deny-list. */
  JWT_REVOKED: 'ERR_JWT_REVOKED',
  /**
   * 401: the token is sender-constrained (it has a `cnf` claim, say `cnf.jkt` from DPoP) and was
   * presented as a plain bearer token (RFC 9449 §7.2).
   */
  JWT_SENDER_CONSTRAINED: 'ERR_JWT_SENDER_CONSTRAINED',
  /** 403: the principal lacks a required scope. */
  INSUFFICIENT_SCOPE: 'ERR_INSUFFICIENT_SCOPE',

  // Delegation (RFC 8693 `act`).
  /**
   * 401: the token's delegation is not accepted by `jwt()`: its current actor (`act`) is not in
   * `actors` (audit reason `actor_not_allowed`), or its chain of actors is deeper than
   * `maxActorDepth` (audit reason `actor_depth`). A malformed `act` is `ERR_JWT_CLAIM_INVALID`.
   */
  JWT_ACTOR_NOT_ALLOWED: 'ERR_JWT_ACTOR_NOT_ALLOWED',
  /**
   * 403: `requireActor()` refused the principal: it has no actor (the token is not delegated), or
   * its current actor is not one the route allows. Answered with `error="insufficient_scope"` and
   * no `scope`: no scope fixes it, only a token delegated to an allowed actor.
   */
  ACTOR_NOT_ALLOWED: 'ERR_ACTOR_NOT_ALLOWED',

  /** 429: the principal's rate limit is used up for now (`rateLimit()`). */
  RATE_LIMITED: 'ERR_RATE_LIMITED',
  /** 429: the principal's budget for this period is spent (`budget()`). */
  BUDGET_EXHAUSTED: 'ERR_BUDGET_EXHAUSTED',
  /** 503: the limit store could not answer (with `onStoreError: 'deny'`, the default). */
  LIMIT_STORE_FAILED: 'ERR_LIMIT_STORE_FAILED',
  /** 503: the API key lookup threw or rejected. */
  LOOKUP_FAILED: 'ERR_LOOKUP_FAILED',
  /** 503: the API key lookup did not answer within its timeout. */
  LOOKUP_TIMEOUT: 'ERR_LOOKUP_TIMEOUT',
  /** 500: the API key lookup returned something that is not a record. */
  LOOKUP_INVALID_RECORD: 'ERR_LOOKUP_INVALID_RECORD',
  /** 503: the deny-list could not answer. */
  DENY_LIST_FAILED: 'ERR_DENY_LIST_FAILED',
  /** 503: the JWKS could not be fetched and no usable key is cached. */
  JWKS_UNAVAILABLE: 'ERR_JWKS_UNAVAILABLE',
  /** 500: a scope guard ran on a request that no `authenticate()` middleware authenticated. */
  NOT_AUTHENTICATED: 'ERR_NOT_AUTHENTICATED',
  /** 500: an unexpected failure inside Portcullis or a user hook. */
  INTERNAL: 'ERR_INTERNAL',

  // DPoP (RFC 9449): the proof of possession sent beside a sender-constrained token.
  /**
   * 401 `invalid_dpop_proof`: the DPoP proof is malformed, not `dpop+jwt`, signed with a refused
   * algorithm or key, badly signed, for another method or URL, outside its time window, or not
   * bound to the access token (`ath`).
   */
  DPOP_PROOF_INVALID: 'ERR_DPOP_PROOF_INVALID',
  /** 401 `invalid_dpop_proof`: the proof's `jti` was already used with the same key. */
  DPOP_PROOF_REPLAYED: 'ERR_DPOP_PROOF_REPLAYED',
  /** 401 `use_dpop_nonce`: the proof lacks a current server nonce; the answer carries `DPoP-Nonce`. */
  DPOP_NONCE_REQUIRED: 'ERR_DPOP_NONCE_REQUIRED',
  /** 503: the replay store could not answer (threw, rejected, or answered neither true nor false). */
  REPLAY_STORE_FAILED: 'ERR_REPLAY_STORE_FAILED',
  /** 401 `invalid_token`: `jwt({ dpop: { required: true } })` refuses a plain bearer token. */
  DPOP_REQUIRED: 'ERR_DPOP_REQUIRED',
} as const;

/**
 * One of {@link AuthErrorCodes}' values.
 *
 * @example
 * ```ts
 * const code: AuthErrorCode = 'ERR_JWT_EXPIRED';
 * ```
 */
export type AuthErrorCode = (typeof AuthErrorCodes)[keyof typeof AuthErrorCodes];
