import { recallAuth, scopeGuard } from '@portcullis/core/adapter';
import type { MiddlewareHandler } from 'hono';
import { answer } from './answer.js';

function guard(mode: 'all' | 'any', scopes: readonly string[]): MiddlewareHandler {
  const check = scopeGuard(mode, scopes);
  return async function portcullisRequireScope(c, next) {
    const remembered = recallAuth(c);
    const err = check(remembered);
    if (err !== undefined) return answer(c, err, remembered?.errors ?? 'throw');
    await next();
  };
}

/**
 * Let the request through only when `c.var.auth` holds every one of `scopes`; otherwise 403
 * `insufficient_scope` with `scope="…"` in the challenge. Mount `authenticate()` before it:
 * without it the guard answers 500, never 200.
 *
 * @example
 * ```ts
 * app.post('/invoices', authenticate(authenticator), requireScope('billing:write'), createInvoice);
 * ```
 */
export function requireScope(...scopes: string[]): MiddlewareHandler {
  return guard('all', scopes);
}

/**
 * Let the request through when `c.var.auth` holds at least one of `scopes`; otherwise 403
 * `insufficient_scope`, naming them all in the challenge.
 *
 * @example
 * ```ts
 * app.get('/invoices', authenticate(authenticator), requireAnyScope('billing:read', 'billing:write'), list);
 * ```
 */
export function requireAnyScope(...scopes: string[]): MiddlewareHandler {
  return guard('any', scopes);
}
