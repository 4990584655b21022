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
 * router.get('/feed', authenticate(authenticator, { optional: true }), feed);
 * ```
 */
export interface AuthenticateOptions {
  /**
   * Let a request with no credential through with no `ctx.state.auth`. A bad credential is
   * still refused. Default `false`.
   */
  optional?: boolean;
  /**
   * `'respond'` (default) answers a failure at once: its status, `WWW-Authenticate` or
   * `Retry-After`, `Cache-Control: no-store` and a JSON body `{ error, error_description }`.
   * `'throw'` throws the `AuthError` into Koa's error flow; it carries `status`, `headers` and
   * `expose`, so Koa's default handler answers with the right status and challenge.
   * `requireScope()` answers the same way as the `authenticate()` before it.
   */
  errors?: ErrorsMode;
}

declare module 'koa' {
  interface DefaultState {
    /** The authenticated caller, set by `authenticate()`; absent on an optional route with no credential. */
    auth?: Principal;
    /**
     * This request's budget, set by `budget()` for the handler to charge; absent where it did not
     * run, for an exempt principal, and when a failing store was allowed through.
     */
    budget?: Budget;
  }
}
