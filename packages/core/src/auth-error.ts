import { buildChallenge } from './challenge.js';
import {
  type AuthErrorCode,
  AuthErrorCodes,
  type AuthErrorStatus,
  type AuthErrorWord,
} from './error-codes.js';

/**
 * What {@link AuthError}'s constructor takes. Prefer the error factories of
 * `@portcullis/core/adapter` (`invalidToken()`, `noCredentials()`, …): they keep descriptions and
 * challenges the same as core's own.
 *
 * @example
 * ```ts
 * new AuthError({ status: 401, error: 'invalid_token', code: 'ERR_JWT_EXPIRED', description: 'The token has expired' });
 * ```
 */
export interface AuthErrorInit {
  status: AuthErrorStatus;
  error: AuthErrorWord;
  code: AuthErrorCode;
  /** Safe, client-facing description; never holds a token, key, secret or claim value. */
  description: string;
  realm?: string | undefined;
  /** For 403: the scopes the route requires. */
  scope?: readonly string[] | undefined;
  /** For 429: whole seconds until the request may be sent again (`Retry-After`). Default 1. */
  retryAfter?: number | undefined;
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
  /** Response headers: `WWW-Authenticate` for 400/401/403, `Retry-After` for 429 and 503. */
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
    if (init.status === 429) {
      this.headers['retry-after'] = String(init.retryAfter ?? 1);
    } else if (init.status < 500) {
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

  /** The default JSON response body, for `JSON.stringify(err)`. */
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
