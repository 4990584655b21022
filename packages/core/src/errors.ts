import { buildChallenge } from './challenge.js';

/** HTTP statuses an {@link AuthError} can carry. */
export type AuthErrorStatus = 400 | 401 | 403 | 500 | 503;

/**
 * The error word in the body and challenge: RFC 6750 §3.1 codes, `unauthorized` for a request
 * with no credential (which carries no error in its challenge), and RFC 6749's `server_error` and
 * `temporarily_unavailable` for failures on our side.
 */
export type AuthErrorWord =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'unauthorized'
  | 'server_error'
  | 'temporarily_unavailable';

/** Stable codes for programs: branch on these, not on messages. */
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
} as const;

/** One of {@link AuthErrorCodes}' values. */
export type AuthErrorCode = (typeof AuthErrorCodes)[keyof typeof AuthErrorCodes];

/** What {@link AuthError}'s constructor takes. */
export interface AuthErrorInit {
  status: AuthErrorStatus;
  error: AuthErrorWord;
  code: AuthErrorCode;
  /** Safe, client-facing description; never holds a token, key, secret or claim value. */
  description: string;
  realm?: string | undefined;
  /** For 403: the scopes the route requires. */
  scope?: readonly string[] | undefined;
  cause?: unknown;
}

/**
 * The one error Portcullis throws for a request: it carries everything needed to answer it.
 * Branch on `code` (stable), not on `instanceof`, which fails when two copies of core are
 * installed; {@link isAuthError} does that for you.
 *
 * @example
 * ```ts
 * try { await authenticator.authenticate(view); }
 * catch (err) {
 *   if (isAuthError(err)) res.writeHead(err.status, err.headers).end(JSON.stringify(err.body));
 * }
 * ```
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  /** The HTTP status to answer with. */
  readonly status: AuthErrorStatus;
  /** The RFC 6750 error word. */
  readonly error: AuthErrorWord;
  /** A stable `ERR_…` code for programs. */
  readonly code: AuthErrorCode;
  /** Response headers: `WWW-Authenticate` for 400/401/403, `Retry-After` for 503. */
  readonly headers: Record<string, string>;
  /** Whether `message` is safe to show the client (true below 500, as Koa and http-errors use it). */
  readonly expose: boolean;
  /** For 403 `insufficient_scope`: the scopes the route requires. */
  readonly scope?: readonly string[];

  constructor(init: AuthErrorInit) {
    super(init.description, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.error = init.error;
    this.code = init.code;
    this.expose = init.status < 500;
    if (init.scope !== undefined) this.scope = init.scope;
    this.headers = {};
    if (init.status < 500) {
      this.headers['www-authenticate'] = buildChallenge({
        realm: init.realm,
        // RFC 6750 §3.1: a request with no authentication information gets no error code.
        error: init.code === AuthErrorCodes.NO_CREDENTIALS ? undefined : init.error,
        description: init.code === AuthErrorCodes.NO_CREDENTIALS ? undefined : init.description,
        scope: init.scope,
      });
    } else if (init.status === 503) {
      this.headers['retry-after'] = '5';
    }
  }

  /** Alias of `status`, for frameworks that read `statusCode`. */
  get statusCode(): AuthErrorStatus {
    return this.status;
  }

  /** The default JSON response body. */
  get body(): { error: AuthErrorWord; error_description: string } {
    return { error: this.error, error_description: this.message };
  }

  toJSON(): { error: AuthErrorWord; error_description: string } {
    return this.body;
  }
}

/**
 * Whether `value` is an {@link AuthError}, by shape, so it works across two copies of core.
 *
 * @example
 * ```ts
 * app.use((err, req, res, next) => isAuthError(err) ? res.status(err.status).json(err.body) : next(err));
 * ```
 */
export function isAuthError(value: unknown): value is AuthError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<AuthError>;
  return (
    v.name === 'AuthError' &&
    typeof v.status === 'number' &&
    typeof v.code === 'string' &&
    v.code.startsWith('ERR_') &&
    typeof v.error === 'string' &&
    typeof v.headers === 'object'
  );
}

// Constructors for the three families, so call sites stay one line.

/** 400 `invalid_request`. */
export function invalidRequest(
  code: AuthErrorCode,
  description: string,
  realm?: string,
): AuthError {
  return new AuthError({ status: 400, error: 'invalid_request', code, description, realm });
}

/** 401 `invalid_token`. */
export function invalidToken(code: AuthErrorCode, description: string, realm?: string): AuthError {
  return new AuthError({ status: 401, error: 'invalid_token', code, description, realm });
}

/** 401 with a bare challenge: no credential at all. */
export function noCredentials(realm?: string): AuthError {
  return new AuthError({
    status: 401,
    error: 'unauthorized',
    code: AuthErrorCodes.NO_CREDENTIALS,
    description: 'Authentication required',
    realm,
  });
}

/** 403 `insufficient_scope`, naming the scopes the route requires. */
export function insufficientScope(required: readonly string[], realm?: string): AuthError {
  return new AuthError({
    status: 403,
    error: 'insufficient_scope',
    code: AuthErrorCodes.INSUFFICIENT_SCOPE,
    description: 'The credential lacks a required scope',
    realm,
    scope: required,
  });
}

/** 503 `temporarily_unavailable`: a dependency (lookup, deny-list, JWKS) failed; fail closed. */
export function unavailable(code: AuthErrorCode, cause?: unknown): AuthError {
  return new AuthError({
    status: 503,
    error: 'temporarily_unavailable',
    code,
    description: 'Authentication is temporarily unavailable',
    cause,
  });
}

/** 500 `server_error`: a programming error (bad lookup result, guard without authenticate). */
export function serverError(code: AuthErrorCode, cause?: unknown): AuthError {
  return new AuthError({
    status: 500,
    error: 'server_error',
    code,
    description: 'Authentication failed on the server',
    cause,
  });
}

/**
 * The complete HTTP answer to an {@link AuthError}, ready for any framework to send.
 *
 * @example
 * ```ts
 * const answer: AuthErrorResponse = errorResponse(err);
 * return new Response(answer.body, answer);
 * ```
 */
export interface AuthErrorResponse {
  status: AuthErrorStatus;
  /** The error's own headers, plus `content-type` (JSON) and `cache-control: no-store`. */
  headers: Record<string, string>;
  /** `JSON.stringify(err.body)`. */
  body: string;
}

/**
 * The default answer to an {@link AuthError}: its status, its headers (`WWW-Authenticate`,
 * `Retry-After`), `Cache-Control: no-store` and the JSON body `{ error, error_description }`.
 * The adapters send this; use it in your own error handler to answer the same way.
 *
 * @example
 * ```ts
 * const { status, headers, body } = errorResponse(err);
 * res.writeHead(status, headers).end(body);
 * ```
 */
export function errorResponse(err: AuthError): AuthErrorResponse {
  return {
    status: err.status,
    headers: {
      ...err.headers,
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    },
    body: JSON.stringify(err.body),
  };
}
