import { recallAuth, scopeGuard } from '@portcullis/core/adapter';
import type { RequestHandler } from 'express';
import { answer } from './answer.js';

function guard(mode: 'all' | 'any', scopes: readonly string[]): RequestHandler {
  const check = scopeGuard(mode, scopes);
  return function portcullisRequireScope(req, res, next) {
    const remembered = recallAuth(req);
    const err = check(remembered);
    if (err === undefined) next();
    else answer(err, res, next, remembered?.errors ?? 'respond');
  };
}

/**
 * Let the request through only when `req.auth` holds every one of `scopes`; otherwise 403
 * `insufficient_scope` with `scope="…"` in the challenge. Mount `authenticate()` before it:
 * without it the guard answers 500, never 200.
 *
 * @example
 * ```ts
 * app.post('/invoices', requireScope('billing:write'), createInvoice);
 * ```
 */
export function requireScope(...scopes: string[]): RequestHandler {
  return guard('all', scopes);
}

/**
 * Let the request through when `req.auth` holds at least one of `scopes`; otherwise 403
 * `insufficient_scope`, naming them all in the challenge.
 *
 * @example
 * ```ts
 * app.get('/invoices', requireAnyScope('billing:read', 'billing:write'), listInvoices);
 * ```
 */
export function requireAnyScope(...scopes: string[]): RequestHandler {
  return guard('any', scopes);
}
