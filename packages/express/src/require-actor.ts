import type { Actor } from '@portcullis/core';
import { actorGuard, recallAuth } from '@portcullis/core/adapter';
import type { RequestHandler } from 'express';
import { answer } from './answer.js';

/**
 * Let the request through only when `req.auth` is a delegated token (RFC 8693 `act`) whose
 * current actor (`req.auth.actor`) is one of `subjects`, a subject of the token's own issuer; or,
 * given a function, one it returns `true` for (`requireActor(() => true)`: any actor). Otherwise
 * 403 `ERR_ACTOR_NOT_ALLOWED` with `error="insufficient_scope"` and no `scope` in the challenge:
 * only a token delegated to an allowed actor passes. Prior actors are never consulted. No
 * subjects is a `TypeError`. Mount `authenticate()` before it: without it the guard answers 500.
 *
 * @example
 * ```ts
 * app.post('/refunds', requireActor('agent:support-bot'), refund);
 * ```
 */
export function requireActor(...subjects: string[]): RequestHandler;
export function requireActor(allow: (actor: Actor) => boolean): RequestHandler;
export function requireActor(...actors: string[] | [(actor: Actor) => boolean]): RequestHandler {
  const check = actorGuard(actors);
  return function portcullisRequireActor(req, res, next) {
    const remembered = recallAuth(req);
    const err = check(remembered);
    if (err === undefined) next();
    else answer(err, res, next, remembered?.errors ?? 'respond');
  };
}
