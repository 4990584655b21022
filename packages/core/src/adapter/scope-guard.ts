import type { AuthError } from '../auth-error.js';
import { insufficientScope, noCredentials, notAuthenticated } from '../errors.js';
import { reportDenied } from '../lib/audit.js';
import { challengeFor, policyOf } from '../resource/policy.js';
import { hasScopes } from '../scopes.js';
import type { AuthState } from './types.js';

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * Build the pure check behind every adapter's `requireScope()` and `requireAnyScope()`.
 * Scope names are validated here, at construction (`TypeError`), never on a request.
 * The check returns `undefined` when the request may pass, else the `AuthError` to answer:
 * 500 when `authenticate()` never ran (a programming error, never a 200), 401 when an optional
 * route saw no credential, 403 `insufficient_scope` naming the required scopes. A 403 is also
 * reported to the recorded authenticator's `onEvent` as one event: `outcome: 'denied'`, status
 * 403, `ERR_INSUFFICIENT_SCOPE`, who was refused (method, subject, key id, `jti`, tenant) and
 * `scopes`, the names the route requires. A pass reports nothing; neither does a 401 on an
 * optional route, whose `anonymous` event already recorded the attempt, nor a 500. With the
 * authenticator's `scopeHierarchy`, a broader granted scope satisfies a narrower required one;
 * with its `resourceMetadata`, the 401 and 403 challenges name it, and the 401 names the scopes.
 *
 * @example
 * ```ts
 * const check = scopeGuard('all', ['billing:write']);
 * const err = check(state); // state recorded by authenticate()
 * ```
 */
export function scopeGuard(
  mode: 'all' | 'any',
  required: readonly string[],
): (state: AuthState | undefined) => AuthError | undefined {
  const name = mode === 'all' ? 'requireScope' : 'requireAnyScope';
  if (required.length === 0) throw new TypeError(`${name}() needs at least one scope`);
  for (const scope of required) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      throw new TypeError(
        `${name}(): each scope must be a non-empty string of visible ASCII without spaces, quotes or backslashes`,
      );
    }
  }
  const scopes = Object.freeze([...required]);
  return (state) => {
    if (state === undefined) {
      return notAuthenticated(`${name}()`);
    }
    if (state.principal === null) return challengeFor(state, noCredentials(state.realm), scopes);
    const implies = policyOf(state.authenticator)?.implies;
    if (hasScopes(state.principal, scopes, mode, implies)) return undefined;
    reportDenied(state.authenticator, state.principal, scopes);
    return challengeFor(state, insufficientScope(scopes, state.realm), scopes);
  };
}
