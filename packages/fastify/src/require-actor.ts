import type { Actor } from '@portcullis/core';
import { actorGuard, recallAuth } from '@portcullis/core/adapter';
import { answer } from './answer.js';
import type { PortcullisHook } from './types.js';

/**
 * A `preHandler` hook that lets the request through only when `request.auth` is a delegated
 * token (RFC 8693 `act`) whose current actor (`request.auth.actor`) is one of `subjects`, a
 * subject of the token's own issuer; or, given a function, one it returns `true` for
 * (`requireActor(() => true)`: any actor). Otherwise 403 `ERR_ACTOR_NOT_ALLOWED` with
 * `error="insufficient_scope"` and no `scope` in the challenge: only a token delegated to an
 * allowed actor passes. Prior actors are never consulted. No subjects is a `TypeError`. Add
 * `authenticate()` before it: without it the hook answers 500.
 *
 * @example
 * ```ts
 * app.post('/refunds', { preHandler: requireActor('agent:support-bot') }, refund);
 * ```
 */
export function requireActor(...subjects: string[]): PortcullisHook;
export function requireActor(allow: (actor: Actor) => boolean): PortcullisHook;
export function requireActor(...actors: string[] | [(actor: Actor) => boolean]): PortcullisHook {
  const check = actorGuard(actors);
  return function portcullisRequireActor(request, reply, done) {
    const remembered = recallAuth(request);
    const err = check(remembered);
    if (err === undefined) done();
    else answer(err, reply, done, remembered?.errors ?? 'respond');
  };
}
