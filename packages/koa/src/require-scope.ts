import { recallAuth, scopeGuard } from '@portcullis/core/adapter';
import type { Middleware } from 'koa';
import { answer } from './answer.js';

function guard(mode: 'all' | 'any', scopes: readonly string[]): Middleware {
  const check = scopeGuard(mode, scopes);
  return async function portcullisRequireScope(ctx, next) {
    const remembered = recallAuth(ctx.req);
    const err = check(remembered);
    if (err !== undefined) return answer(ctx, err, remembered?.errors ?? 'respond');
    await next();
  };
}

/**
 * Let the request through only when `ctx.state.auth` holds every one of `scopes`; otherwise
 * 403 `insufficient_scope` with `scope="…"` in the challenge. Mount `authenticate()` before it:
 * without it the guard answers 500, never 200.
 *
 * @example
 * ```ts
 * router.post('/invoices', requireScope('billing:write'), createInvoice);
 * ```
 */
export function requireScope(...scopes: string[]): Middleware {
  return guard('all', scopes);
}

/**
 * Let the request through when `ctx.state.auth` holds at least one of `scopes`; otherwise 403
 * `insufficient_scope`, naming them all in the challenge.
 *
 * @example
 * ```ts
 * router.get('/invoices', requireAnyScope('billing:read', 'billing:write'), listInvoices);
 * ```
 */
export function requireAnyScope(...scopes: string[]): Middleware {
  return guard('any', scopes);
}
