// What an authenticator tells the guards after it, besides its audit trail: the resource metadata
// URL its challenges name (RFC 9728) and how scopes imply one another. Kept under a symbol, like
// the audit link, so a copy of the authenticator (`{ ...authenticator }`) keeps it.
import type { AuthError } from '../auth-error.js';
import { buildChallenge } from '../challenge.js';
import { AuthErrorCodes } from '../error-codes.js';
import type { Authenticator } from '../types.js';

/**
 * Whether a granted scope satisfies a required one.
 *
 * @example
 * ```ts
 * const implies: ScopeImplies = (granted, required) => required.startsWith(`${granted}:`);
 * ```
 */
export type ScopeImplies = (granted: string, required: string) => boolean;

/**
 * The challenge and scope rules an authenticator hands its guards.
 *
 * @example
 * ```ts
 * const policy: AuthPolicy = { resourceMetadata: 'https://mcp.example.com/.well-known/oauth-protected-resource' };
 * ```
 */
export interface AuthPolicy {
  readonly resourceMetadata?: string | undefined;
  readonly implies?: ScopeImplies | undefined;
  /** Every `jwt()` method's audiences, one list per method (a resource must be in each). */
  readonly audiences?: readonly (readonly string[])[] | undefined;
}

const POLICY = Symbol('portcullis.policy');

/**
 * Attach `policy` to an authenticator (nothing when it is empty).
 *
 * @example
 * ```ts
 * linkPolicy(authenticator, { resourceMetadata });
 * ```
 */
export function linkPolicy<T extends object>(authenticator: T, policy: AuthPolicy): T {
  return Object.assign(authenticator, { [POLICY]: Object.freeze({ ...policy }) });
}

/**
 * The policy of an authenticator made by `createAuthenticator()`, or `undefined`.
 *
 * @example
 * ```ts
 * const implies = policyOf(state.authenticator)?.implies;
 * ```
 */
export function policyOf(authenticator: Authenticator | undefined): AuthPolicy | undefined {
  return (authenticator as { [POLICY]?: AuthPolicy } | undefined)?.[POLICY];
}

/**
 * A scope rule from the `scopeHierarchy` option: a separator (`':'`: `files` satisfies
 * `files:read` and `files:read:own`), or your own function.
 *
 * @example
 * ```ts
 * const implies = scopeRule(':');
 * implies('files', 'files:read'); // true
 * ```
 */
export function scopeRule(hierarchy: string | ScopeImplies): ScopeImplies {
  if (typeof hierarchy === 'function') return hierarchy;
  return (granted, required) => required.startsWith(granted + hierarchy);
}

/**
 * Put the resource metadata URL (and, for a 401, the scopes the route needs) into an error's
 * challenge, and expose `WWW-Authenticate` to browser clients (CORS). Errors without a challenge
 * (429, 5xx) only gain the CORS header. Returns the same error.
 *
 * @example
 * ```ts
 * throw withResourceMetadata(err, realm, policy.resourceMetadata);
 * ```
 */
export function withResourceMetadata(
  err: AuthError,
  realm: string,
  resourceMetadata: string,
  scopes?: readonly string[],
): AuthError {
  err.headers['access-control-expose-headers'] = 'WWW-Authenticate';
  const current = err.headers['www-authenticate'];
  // A DPoP challenge (RFC 9449 §7.1) keeps its scheme and parameters.
  if (current === undefined || current.startsWith('DPoP')) return err;
  const bare = err.code === AuthErrorCodes.NO_CREDENTIALS;
  err.headers['www-authenticate'] = buildChallenge({
    realm,
    error: bare ? undefined : err.error,
    description: bare ? undefined : err.message,
    scope: err.scope ?? scopes,
    resourceMetadata,
  });
  return err;
}

/**
 * A guard's error with the challenge its authenticator asks for: {@link withResourceMetadata}
 * when the authenticator recorded in `state` has `resourceMetadata`, else the error as it is.
 *
 * @example
 * ```ts
 * return challengeFor(state, insufficientScope(scopes, state.realm), scopes);
 * ```
 */
export function challengeFor(
  state: { realm: string; authenticator?: Authenticator | undefined },
  err: AuthError,
  scopes?: readonly string[],
): AuthError {
  const url = policyOf(state.authenticator)?.resourceMetadata;
  return url === undefined ? err : withResourceMetadata(err, state.realm, url, scopes);
}
