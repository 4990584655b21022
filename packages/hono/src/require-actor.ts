import type { Actor } from '@portcullis/core';
import { actorGuard, recallAuth } from '@portcullis/core/adapter';
import type { MiddlewareHandler } from 'hono';
import { answer } from './answer.js';

/**
 * Let the request through only when `c.var.auth` is a delegated token (RFC 8693 `act`) whose
 * current actor (`c.var.auth.actor`) is one of `subjects`, a subject of the token's own issuer;
 * or, given a function, one it returns `true` for (`requireActor(() => true)`: any actor).
 * Otherwise 403 `ERR_ACTOR_NOT_ALLOWED` with `error="insufficient_scope"` and no `scope` in the
 * challenge: only a token delegated to an allowed actor passes. Prior actors are never consulted.
 * No subjects is a `TypeError`. Mount `authenticate()` before it: without it the guard answers
 * 500.
 *
 * @example
 * ```ts
 * app.post('/refunds', authenticate(authenticator), requireActor('agent:support-bot'), refund);
 * ```
 */
export function requireActor(...subjects: string[]): MiddlewareHandler;
export function requireActor(allow: (actor: Actor) => boolean): MiddlewareHandler;
export function requireActor(...actors: string[] | [(actor: Actor) => boolean]): MiddlewareHandler {
  const check = actorGuard(actors);
  return async function portcullisRequireActor(c, next) {
    const remembered = recallAuth(c);
    const err = check(remembered);
    if (err !== undefined) return answer(c, err, remembered?.errors ?? 'throw');
    await next();
  };
}
