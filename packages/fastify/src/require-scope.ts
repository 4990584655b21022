import { recallAuth, scopeGuard } from '@portcullis/core/adapter';
import { answer } from './answer.js';
import type { PortcullisHook } from './types.js';

function guard(mode: 'all' | 'any', scopes: readonly string[]): PortcullisHook {
  const check = scopeGuard(mode, scopes);
  return function portcullisRequireScope(request, reply, done) {
    const remembered = recallAuth(request);
    const err = check(remembered);
    if (err === undefined) done();
    else answer(err, reply, done, remembered?.errors ?? 'respond');
  };
}

/**
 * A `preHandler` hook that lets the request through only when `request.auth` holds every one of
 * `scopes`; otherwise 403 `insufficient_scope` with `scope="…"` in the challenge. It reads what
 * `authenticate()` recorded, never a `request.auth` other code set: without `authenticate()`
 * before it the hook answers 500, never 200.
 *
 * @example
 * ```ts
 * app.post('/invoices', {
 *   onRequest: authenticate(authenticator),
 *   preHandler: requireScope('billing:write'),
 * }, createInvoice);
 * ```
 */
export function requireScope(...scopes: string[]): PortcullisHook {
  return guard('all', scopes);
}

/**
 * A `preHandler` hook that lets the request through when `request.auth` holds at least one of
 * `scopes`; otherwise 403 `insufficient_scope`, naming them all in the challenge.
 *
 * @example
 * ```ts
 * app.get('/invoices', { preHandler: requireAnyScope('billing:read', 'billing:write') }, list);
 * ```
 */
export function requireAnyScope(...scopes: string[]): PortcullisHook {
  return guard('any', scopes);
}
