// The pure check behind every adapter's `requireActor()`: the route is for delegated tokens
// (RFC 8693 `act`) whose current actor it allows. It reads the current actor only, never a prior
// one (`claims.act.act`, kept for the audit trail).
import { type ActorRule, actorRule } from '../actors.js';
import type { AuthError } from '../auth-error.js';
import { AuthErrorCodes } from '../error-codes.js';
import { actorNotAllowed, noCredentials, notAuthenticated, serverError } from '../errors.js';
import { reportTo } from '../lib/audit.js';
import { actorDeniedEvent } from '../lib/events.js';
import { challengeFor } from '../resource/policy.js';
import type { Actor } from '../types.js';
import type { AuthState } from './types.js';

/**
 * Build the pure check behind every adapter's `requireActor()`. `actors` is a list of actor
 * subjects or a function `(actor) => boolean` (alone, or alone in the list, as an adapter's rest
 * arguments pass it); an empty list or an empty subject is a `TypeError` at construction. A
 * subject matches a current actor (`principal.actor`) with no `iss` of its own or with the token's
 * `iss`; a function must return `true` to allow (a throw or a non-boolean answer is a 500, never a
 * pass); to accept any delegated token, pass `() => true`.
 *
 * The check returns `undefined` when the request may pass, else the `AuthError` to answer: 500
 * when `authenticate()` never ran, 401 when an optional route saw no credential, 403
 * `ERR_ACTOR_NOT_ALLOWED` (`error="insufficient_scope"` with no `scope`: only another token helps)
 * when the principal has no actor (an API key, a token without `act`) or not an allowed one. A 403
 * is reported to the recorded authenticator's `onEvent` as one `denied` event with the current
 * actor's subject, when there is one, and the reason `not_delegated` or `actor_not_allowed`.
 * With the authenticator's `resourceMetadata`, the 401 and 403 challenges name it.
 *
 * @example
 * ```ts
 * const check = actorGuard(['agent:support-bot']);
 * const err = check(state); // state recorded by authenticate()
 * ```
 */
export function actorGuard(
  actors: ActorRule | readonly [(actor: Actor) => boolean],
): (state: AuthState | undefined) => AuthError | undefined {
  const rule: ActorRule =
    Array.isArray(actors) && actors.length === 1 && typeof actors[0] === 'function'
      ? (actors[0] as (actor: Actor) => boolean)
      : (actors as ActorRule);
  const allows = actorRule(rule, 'requireActor()');
  return (state) => {
    if (state === undefined) {
      return notAuthenticated('requireActor()');
    }
    const challenge = (err: AuthError) => challengeFor(state, err);
    const principal = state.principal;
    if (principal === null) return challenge(noCredentials(state.realm));
    const actor = principal.actor;
    if (actor !== undefined) {
      let allowed: boolean;
      try {
        allowed = allows(actor, principal.claims?.iss);
      } catch (err) {
        // The function threw or answered no boolean: a programming error, never a pass.
        return serverError(AuthErrorCodes.INTERNAL, err);
      }
      if (allowed) return undefined;
    }
    reportTo(state.authenticator, () => actorDeniedEvent(principal));
    return challenge(actorNotAllowed(state.realm));
  };
}
