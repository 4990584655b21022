// The error factories: each is a noun that returns a ready `AuthError` (status, RFC 6750 word,
// challenge, description), so every verifier, adapter and test fake answers the same way. Core's
// code throws what they return; none of them throws.
import { AuthError } from './auth-error.js';
import { type AuthErrorCode, AuthErrorCodes } from './error-codes.js';

/**
 * A 400 `invalid_request`: the request is malformed (not the credential in it).
 *
 * @example
 * ```ts
 * throw invalidRequest(AuthErrorCodes.MULTIPLE_CREDENTIALS, 'Send exactly one credential in one header', realm);
 * ```
 */
export function invalidRequest(
  code: AuthErrorCode,
  description: string,
  realm?: string,
): AuthError {
  return new AuthError({ status: 400, error: 'invalid_request', code, description, realm });
}

/**
 * A 401 `invalid_token`: the credential is bad, expired, revoked or unknown.
 *
 * @example
 * ```ts
 * throw invalidToken(AuthErrorCodes.API_KEY_INVALID, 'The API key is invalid', ctx.realm);
 * ```
 */
export function invalidToken(code: AuthErrorCode, description: string, realm?: string): AuthError {
  return new AuthError({ status: 401, error: 'invalid_token', code, description, realm });
}

/**
 * A 401 with a bare challenge (no `error`, RFC 6750 §3.1): the request carried no credential.
 *
 * @example
 * ```ts
 * if (opts?.optional !== true) throw noCredentials(realm);
 * ```
 */
export function noCredentials(realm?: string): AuthError {
  return new AuthError({
    status: 401,
    error: 'unauthorized',
    code: AuthErrorCodes.NO_CREDENTIALS,
    description: 'Authentication required',
    realm,
  });
}

/**
 * A 403 `insufficient_scope`, naming the scopes the route requires in its challenge.
 *
 * @example
 * ```ts
 * if (!hasScopes(principal, ['billing:write'])) return insufficientScope(['billing:write'], realm);
 * ```
 */
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

/**
 * A 403 `ERR_ACTOR_NOT_ALLOWED` of `requireActor()`: the token is not delegated to an actor the
 * route allows. Its challenge says `error="insufficient_scope"` (RFC 6750's word for a valid token
 * without the privilege) but names no `scope`: no scope fixes it, so a client (an MCP client
 * stepping up) is not sent to ask for one; only a token delegated to an allowed actor does.
 *
 * @example
 * ```ts
 * if (principal.actor === undefined) return actorNotAllowed(realm);
 * ```
 */
export function actorNotAllowed(realm?: string): AuthError {
  return new AuthError({
    status: 403,
    error: 'insufficient_scope',
    code: AuthErrorCodes.ACTOR_NOT_ALLOWED,
    description: 'The token is not delegated to an actor allowed here',
    realm,
  });
}

/**
 * A 503 `temporarily_unavailable` with `Retry-After`: a dependency (lookup, deny-list, JWKS)
 * failed, so the request fails closed. `cause` is kept for logs, never sent.
 *
 * @example
 * ```ts
 * throw unavailable(AuthErrorCodes.LOOKUP_FAILED, err);
 * ```
 */
export function unavailable(code: AuthErrorCode, cause?: unknown): AuthError {
  return new AuthError({
    status: 503,
    error: 'temporarily_unavailable',
    code,
    description: 'Authentication is temporarily unavailable',
    cause,
  });
}

/**
 * A 500 `server_error`: a programming error (a bad lookup result, a guard without
 * `authenticate()`, a hook that threw). `cause` is kept for logs, never sent.
 *
 * @example
 * ```ts
 * return serverError(AuthErrorCodes.INTERNAL, err);
 * ```
 */
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
 * The 500 of a guard (`requireScope()`, `requireActor()`, `requireToolScopes()`, `rateLimit()`,
 * `budget()`) on a request no `authenticate()` handled: a programming error, never a 200.
 *
 * @example
 * ```ts
 * if (state === undefined) return notAuthenticated('requireScope()');
 * ```
 */
export function notAuthenticated(guard: string): AuthError {
  return serverError(
    AuthErrorCodes.NOT_AUTHENTICATED,
    new Error(
      `${guard} ran on a request that authenticate() did not handle; mount authenticate() first`,
    ),
  );
}
