// What `authenticate()` found for a request, kept for the scope guards after it. Kept under a
// symbol private to this module, not in the framework's context variables, which application
// code can set. So a guard passes only on what was recorded through `rememberAuth()`: by an
// adapter's `authenticate()`, or by other code that imports `@portcullis/core/adapter`.
// Application code never needs that subpath. (A WeakMap would do the same, but inserting a new
// key per request costs microseconds.)
import type { RequestAuth } from './types.js';

const RECORDED = Symbol('portcullis.auth');
type Recorded = { [RECORDED]?: RequestAuth };

/**
 * Record what `authenticate()` found for a request, keyed by an object that lives as long as the
 * request (Express `req`, Koa `ctx.req`, Hono `c`).
 *
 * @example
 * ```ts
 * rememberAuth(req, { principal, realm: authenticator.realm, errors, authenticator });
 * ```
 */
export function rememberAuth(request: object, auth: RequestAuth): void {
  (request as Recorded)[RECORDED] = auth;
}

/**
 * What `authenticate()` recorded for a request, or `undefined` when it did not run on it.
 *
 * @example
 * ```ts
 * const err = scopeGuard('all', ['billing:read'])(recallAuth(req));
 * ```
 */
export function recallAuth(request: object): RequestAuth | undefined {
  return (request as Recorded)[RECORDED];
}
