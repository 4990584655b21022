// The errors of JWT verification: 401s carrying an audit reason (and the token's `jti`, once the
// signature verified), and the 503s of a key set or revocation store that cannot answer. Each is a
// noun that returns the error; the verifier throws it.
import type { AuthEventReason, JwtFailureReason } from '../audit-reasons.js';
import type { AuthError } from '../auth-error.js';
import { type AuthErrorCode, AuthErrorCodes } from '../error-codes.js';
import { invalidToken, unavailable } from '../errors.js';
import { withDetail } from '../lib/detail.js';
import type { FetchFailed } from './fetch-jwks.js';

/**
 * A 401 with a stable code, a generic description and an audit reason (and `jti`, which is only
 * known after the signature verified; an empty one names no token and is left out).
 *
 * @example
 * ```ts
 * throw jwtRejection(AuthErrorCodes.JWT_EXPIRED, 'The token has expired', 'expired', realm, jti);
 * ```
 */
export function jwtRejection(
  code: AuthErrorCode,
  description: string,
  reason: AuthEventReason,
  realm: string,
  jti?: unknown,
): AuthError {
  const err = invalidToken(code, description, realm);
  return withDetail(err, typeof jti === 'string' && jti !== '' ? { reason, jti } : { reason });
}

/**
 * A 401 `ERR_JWT_MALFORMED` with an audit reason: the token is not a well-formed JWS compact JWT.
 *
 * @example
 * ```ts
 * throw malformedToken('segments', realm);
 * ```
 */
export function malformedToken(reason: JwtFailureReason, realm: string): AuthError {
  return withDetail(invalidToken(AuthErrorCodes.JWT_MALFORMED, 'The token is malformed', realm), {
    reason,
  });
}

/**
 * A 401 `ERR_JWT_CLAIM_MISSING`; the audit reason is the claim's name.
 *
 * @example
 * ```ts
 * if (exp === undefined) throw missingClaim('exp', realm, jti);
 * ```
 */
export function missingClaim(name: string, realm: string, jti: unknown): AuthError {
  const description = `The "${name}" claim is missing`;
  return jwtRejection(AuthErrorCodes.JWT_CLAIM_MISSING, description, name, realm, jti);
}

/**
 * A 401 `ERR_JWT_CLAIM_INVALID`; the audit reason is the claim's name.
 *
 * @example
 * ```ts
 * if (typeof subject !== 'string') throw invalidClaim('sub', realm, jti);
 * ```
 */
export function invalidClaim(name: string, realm: string, jti: unknown): AuthError {
  const description = `The "${name}" claim is invalid`;
  return jwtRejection(AuthErrorCodes.JWT_CLAIM_INVALID, description, name, realm, jti);
}

/**
 * A 401 `ERR_JWT_ISSUER_INVALID`, audit reason `issuer_unknown`: with several `jwt()` methods, the
 * token's `iss` (read before verifying) names none of them, so no key is looked up or fetched.
 *
 * @example
 * ```ts
 * if (routed === undefined) throw unknownIssuer(realm);
 * ```
 */
export function unknownIssuer(realm: string): AuthError {
  const description = 'The token issuer is not accepted';
  return jwtRejection(AuthErrorCodes.JWT_ISSUER_INVALID, description, 'issuer_unknown', realm);
}

/**
 * A 401 `ERR_JWT_NO_MATCHING_KEY` with an audit reason.
 *
 * @example
 * ```ts
 * throw noMatchingKey('unknown_kid', realm);
 * ```
 */
export function noMatchingKey(reason: 'unknown_kid' | 'ambiguous_key', realm: string): AuthError {
  return withDetail(
    invalidToken(AuthErrorCodes.JWT_NO_MATCHING_KEY, 'No key matches the token', realm),
    { reason },
  );
}

/**
 * A 503 `ERR_JWKS_UNAVAILABLE`: the key set could not be fetched and no usable key is cached.
 * The underlying error is the `cause`; the audit reason says which failure it was.
 *
 * @example
 * ```ts
 * throw jwksUnavailable(new FetchFailed('jwks_timeout', err));
 * ```
 */
export function jwksUnavailable(failure: FetchFailed): AuthError {
  return withDetail(unavailable(AuthErrorCodes.JWKS_UNAVAILABLE, failure.error), {
    reason: failure.reason,
  });
}

/**
 * A 401 `ERR_JWT_REVOKED`: the token's `jti` is on the deny-list.
 *
 * @example
 * ```ts
 * if (await denyList.isRevoked(jti)) throw revokedToken(realm, jti);
 * ```
 */
export function revokedToken(realm: string, jti: string): AuthError {
  const description = 'The token has been revoked';
  return jwtRejection(AuthErrorCodes.JWT_REVOKED, description, 'revoked', realm, jti);
}

/**
 * A 503 `ERR_DENY_LIST_FAILED`: a revocation check threw, answered late or answered neither true
 * nor false. Never "not revoked".
 *
 * @example
 * ```ts
 * throw revocationFailure('deny_list_timeout', jti, new Error('no answer within 5000 ms'));
 * ```
 */
export function revocationFailure(
  reason: 'deny_list_failed' | 'deny_list_timeout',
  jti: string,
  cause: unknown,
): AuthError {
  return withDetail(unavailable(AuthErrorCodes.DENY_LIST_FAILED, cause), { reason, jti });
}

/**
 * A 401 `ERR_JWT_SIGNATURE_INVALID`: the signature does not verify with the key found.
 *
 * @example
 * ```ts
 * if (!ok) throw invalidSignature(realm);
 * ```
 */
export function invalidSignature(realm: string): AuthError {
  const description = 'The token signature is invalid';
  return jwtRejection(AuthErrorCodes.JWT_SIGNATURE_INVALID, description, 'signature', realm);
}

/**
 * Throw the `TypeError` of a `jwt()` configuration mistake: construction stops, no request ever
 * sees it.
 *
 * @example
 * ```ts
 * if (!Array.isArray(algorithms)) throwOptionError('`algorithms` must be an array');
 * ```
 */
export function throwOptionError(message: string): never {
  throw new TypeError(`jwt(): ${message}`);
}

/**
 * A 401 for `Authorization: DPoP …` sent to a `jwt()` without `dpop`: it cannot check the proof,
 * so the token is not accepted (never as a bearer token either).
 *
 * @example
 * ```ts
 * if (ctx.request?.scheme === 'dpop') throw dpopNotAccepted(ctx.realm);
 * ```
 */
export function dpopNotAccepted(realm: string): AuthError {
  return jwtRejection(
    AuthErrorCodes.UNSUPPORTED_CREDENTIAL,
    'DPoP-bound tokens are not accepted here',
    'dpop_not_accepted',
    realm,
  );
}
