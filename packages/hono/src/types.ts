import type {
  Budget,
  BudgetOptions,
  Principal,
  ProtectedResourceOptions,
  RateLimitOptions,
  ToolScopesOptions,
} from '@portcullis/core';
import type { ErrorsMode } from '@portcullis/core/adapter';

export type {
  Budget,
  BudgetOptions,
  ErrorsMode,
  ProtectedResourceOptions,
  RateLimitOptions,
  ToolScopesOptions,
};

/**
 * Options of `authenticate()`.
 *
 * @example
 * ```ts
 * app.get('/feed', authenticate(authenticator, { optional: true }), feed);
 * ```
 */
export interface AuthenticateOptions {
  /**
   * Let a request with no credential through with no `c.var.auth`. A bad credential is still
   * refused. Default `false`.
   */
  optional?: boolean;
  /**
   * `'throw'` (default) throws an `HTTPException` carrying the prepared response (status,
   * `WWW-Authenticate` or `Retry-After`, `Cache-Control: no-store`, JSON body) with the
   * `AuthError` as its `cause`: Hono's default handler sends that response, and `app.onError`
   * can change it. `'respond'` returns the response at once, bypassing `app.onError`.
   * `requireScope()` answers the same way as the `authenticate()` before it.
   */
  errors?: ErrorsMode;
}

/**
 * The options of `withAuth()`: those of `authenticate()`, and the scopes the route needs.
 *
 * @example
 * ```ts
 * app.get('/orders', withAuth(authenticator, listOrders, { requireScope: ['orders:read'] }));
 * ```
 */
export interface WithAuthOptions extends AuthenticateOptions {
  /** Scopes the caller must hold, every one: as `requireScope(...)` after `authenticate()`. */
  requireScope?: readonly string[];
  /** Scopes of which the caller must hold at least one: as `requireAnyScope(...)`. */
  requireAnyScope?: readonly string[];
  /** A rate limit, checked after the scopes: as `rateLimit(options)`. */
  rateLimit?: RateLimitOptions;
  /** A budget, checked after the rate limit: as `budget(options)`, with `c.var.budget`. */
  budget?: BudgetOptions;
}

/**
 * The variables `authenticate()` sets: `c.var.auth` is the caller.
 *
 * @example
 * ```ts
 * const app = new Hono<{ Variables: AuthVariables }>();
 * app.use('/api/*', authenticate(authenticator));
 * app.get('/api/me', (c) => c.json({ subject: c.var.auth.subject }));
 * ```
 */
export interface AuthVariables {
  auth: Principal;
}

/**
 * The variables an `optional: true` `authenticate()` sets: `c.var.auth` may be absent.
 *
 * @example
 * ```ts
 * app.get('/feed', authenticate(authenticator, { optional: true }), (c) =>
 *   c.json({ personal: c.var.auth !== undefined }));
 * ```
 */
export interface OptionalAuthVariables {
  auth?: Principal;
}

/**
 * The variable `budget()` sets: `c.var.budget`, the request's budget for the handler to charge.
 * Absent for an exempt principal (`quota` returned `null`) and when a failing store was allowed
 * through (`onStoreError: 'allow'`).
 *
 * @example
 * ```ts
 * const app = new Hono<{ Variables: AuthVariables & BudgetVariables }>();
 * app.post('/complete', async (c) => {
 *   await c.var.budget?.charge(tokensUsed);
 *   return c.json({ ok: true });
 * });
 * ```
 */
export interface BudgetVariables {
  budget?: Budget;
}

declare module 'hono' {
  interface ContextVariableMap {
    /** The authenticated caller, set by `authenticate()`; absent where it did not run or found no credential. */
    auth?: Principal;
    /** The request's budget, set by `budget()`; absent where it did not run or set none. */
    budget?: Budget;
  }
}
