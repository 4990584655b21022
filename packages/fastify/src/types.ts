import type {
  Authenticator,
  Budget,
  BudgetOptions,
  Principal,
  ProtectedResourceOptions,
  RateLimitOptions,
  ToolScopesOptions,
} from '@portcullis/core';
import type { ErrorsMode } from '@portcullis/core/adapter';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

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
 * app.get('/feed', { onRequest: authenticate(authenticator, { optional: true }) }, feed);
 * ```
 */
export interface AuthenticateOptions {
  /**
   * Let a request with no credential through with `request.auth` set to `null`. A bad credential
   * is still refused. Default `false`.
   */
  optional?: boolean;
  /**
   * `'respond'` (default) answers a failure from the hook itself: its status, `WWW-Authenticate`
   * or `Retry-After`, `Cache-Control: no-store` and a JSON body `{ error, error_description }`.
   * `'throw'` hands the `AuthError` to Fastify's error handler (`done(err)`); it carries
   * `statusCode` and `headers`, so Fastify's default handler answers with the right status and
   * challenge (in Fastify's own error body), and `setErrorHandler` sees it. The guards after it
   * (`requireScope()`, `rateLimit()`, …) answer the same way.
   */
  errors?: ErrorsMode;
}

/**
 * Options of the `portcullis` plugin.
 *
 * @example
 * ```ts
 * await app.register(portcullis, { authenticator, errors: 'throw' });
 * app.get('/me', { onRequest: app.authenticate }, (request) => request.auth);
 * ```
 */
export interface PortcullisPluginOptions {
  /**
   * Decorate the instance with `authenticate`, the `authenticate(authenticator, { errors })`
   * hook, for routes to use as `{ onRequest: app.authenticate }`. Without it, the plugin only
   * decorates the request.
   */
  authenticator?: Authenticator;
  /** How `app.authenticate` answers a failure, as `authenticate()`'s `errors` (`'respond'`). */
  errors?: ErrorsMode;
}

/**
 * What every function of this package returns: a callback-style Fastify hook, for `onRequest`
 * (`authenticate()`, `protectedResource()`) or `preHandler` (the guards and limits). It calls
 * `done()` at once when the answer needs no waiting, and never returns a promise.
 *
 * @example
 * ```ts
 * const hooks: PortcullisHook[] = [authenticate(authenticator), requireScope('billing:read')];
 * ```
 */
export type PortcullisHook = (
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
) => void;

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The authenticated caller, set by `authenticate()`: `null` on an optional route with no
     * credential (and where it did not run, once the `portcullis` plugin decorated the request).
     */
    auth?: Principal | null;
    /**
     * This request's budget, set by `budget()` for the handler to charge; `null` or absent where
     * it did not run, for an exempt principal, and when a failing store was allowed through.
     */
    budget?: Budget | null;
  }
  interface FastifyInstance {
    /**
     * The `authenticate(authenticator)` hook, set by the `portcullis` plugin when registered
     * with `{ authenticator }`: `{ onRequest: app.authenticate }`.
     */
    authenticate: PortcullisHook;
  }
}
