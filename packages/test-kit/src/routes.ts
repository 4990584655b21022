import type {
  Authenticator,
  Budget,
  BudgetOptions,
  Principal,
  ProtectedResourceOptions,
  RateLimitOptions,
  ToolScopesOptions,
} from '@portcullis/core';
import type { Target } from './http.js';

/** The options every adapter's `authenticate()` takes. */
export interface AuthOptions {
  optional?: boolean;
  errors?: 'respond' | 'throw';
}

/**
 * The names every adapter package exports, as the harness mounts them. Pass the adapter's
 * module (`import * as express from '@portcullis/express'`) or, in its own unit tests, its source.
 */
export interface Adapter<Middleware> {
  authenticate(authenticator: Authenticator, options?: AuthOptions): Middleware;
  requireScope(...scopes: string[]): Middleware;
  requireAnyScope(...scopes: string[]): Middleware;
  requireActor(...subjects: string[]): Middleware;
  rateLimit(options: RateLimitOptions): Middleware;
  budget(options: BudgetOptions): Middleware;
  protectedResource(options: ProtectedResourceOptions): Middleware;
  requireToolScopes(options: ToolScopesOptions): Middleware;
}

/** A method a test route answers. */
export type RouteMethod = 'GET' | 'POST';

/** One route of a test app, the same on every framework. */
export interface Route {
  path: string;
  /** The methods the route answers, each with the same chain. Default `['GET']`. */
  methods?: readonly RouteMethod[];
  /**
   * `authenticate()`'s options (default `{}`), or `false` to mount none: a scope guard on its own
   * must then fail closed.
   */
  auth?: AuthOptions | false;
  /** Mount `requireScope(...scopes)` after `authenticate()`. */
  requireScope?: readonly string[];
  /** Mount `requireAnyScope(...scopes)` after that. */
  requireAnyScope?: readonly string[];
  /**
   * Mount `requireActor(...subjects)` after that. Hono's `withAuth()` has no form for it: such a
   * route stays middleware there.
   */
  requireActor?: readonly string[];
  /**
   * Mount `requireToolScopes(options)` after those. Hono's `withAuth()` has no form for it: such a
   * route stays middleware there.
   */
  requireToolScopes?: ToolScopesOptions;
  /**
   * Mount `rateLimit(options)` after the guards (with `withAuth()`, its `rateLimit` option). The
   * options are used as they are on every app built from the spec: a `store` in them is shared.
   */
  rateLimit?: RateLimitOptions;
  /** Mount `budget(options)` after that (with `withAuth()`, its `budget` option). */
  budget?: BudgetOptions;
  /** Units the handler charges to the request's budget, when it has one, before it answers. */
  charge?: number;
  /**
   * Before the guards, attach this principal where the adapter would attach its own (`req.auth`,
   * `ctx.state.auth`, `c.var.auth`), as other code might: the guards must not trust it.
   */
  forge?: Principal;
  /** Runs on the principal the handler sees before it answers (to try to tamper with it, say). */
  touch?: (principal: Principal | undefined) => void;
}

/** A test app: its routes, the handler's answer and what catches errors. */
export interface AppSpec {
  routes: readonly Route[];
  /**
   * The handler's JSON body from the principal it saw, and the budget (after its `charge`).
   * Default {@link answerAuth}.
   */
  answer?: (principal: Principal | undefined, budget: Budget | undefined) => unknown;
  /**
   * Install an error handler that answers whatever reaches the framework's error flow with
   * {@link ESCAPED_STATUS}, an `x-escaped: 1` header and `{ escaped: true, code, status }` from
   * the error (Hono's `HTTPException`, its normal way to answer from a middleware, is answered as
   * Hono would). Without it, the framework's own error handling answers.
   */
  catchErrors?: boolean;
  /**
   * Mount `protectedResource({ ...options, authenticator })` on the whole app, before every
   * route, with the authenticator the app is built with (so its `resourceMetadata` and `jwt()`
   * audiences are checked against the document).
   */
  protectedResource?: Omit<ProtectedResourceOptions, 'authenticator'>;
}

/**
 * The methods a route answers.
 *
 * @example
 * ```ts
 * for (const method of methodsOf(route)) router.register(route.path, [method], chain);
 * ```
 */
export function methodsOf(route: Route): readonly RouteMethod[] {
  return route.methods ?? ['GET'];
}

/**
 * The route's guards and limits after `authenticate()`, in the order every harness mounts them:
 * `requireScope`, `requireAnyScope`, `requireActor`, `requireToolScopes`, `rateLimit`, `budget`.
 *
 * @example
 * ```ts
 * app.get(route.path, adapter.authenticate(authenticator), ...guardsOf(adapter, route), handler);
 * ```
 */
export function guardsOf<Middleware>(adapter: Adapter<Middleware>, route: Route): Middleware[] {
  const chain: Middleware[] = [];
  if (route.requireScope) chain.push(adapter.requireScope(...route.requireScope));
  if (route.requireAnyScope) chain.push(adapter.requireAnyScope(...route.requireAnyScope));
  if (route.requireActor) chain.push(adapter.requireActor(...route.requireActor));
  if (route.requireToolScopes) chain.push(adapter.requireToolScopes(route.requireToolScopes));
  if (route.rateLimit) chain.push(adapter.rateLimit(route.rateLimit));
  if (route.budget) chain.push(adapter.budget(route.budget));
  return chain;
}

/** The status of an answer from the {@link AppSpec.catchErrors} handler. */
export const ESCAPED_STATUS = 418;

/**
 * Builds a running app on one framework. A harness that cannot build some routes as written
 * (fetch's `withAuth()` has no form for `auth: false` or `forge`) leaves them out and says why
 * through `cannotBuild`, so a suite can skip their cases, saying so.
 */
export type AppFactory = ((authenticator: Authenticator, spec: AppSpec) => Promise<Target>) & {
  /** Why this harness cannot build `route`, or `undefined` when it can. Absent: it builds all. */
  readonly cannotBuild?: (route: Route) => string | undefined;
};

/**
 * The default handler body: the whole principal, or `null`.
 *
 * @example
 * ```ts
 * expect((await app.get('/me', { 'x-api-key': 'fk_admin' })).json).toMatchObject({ auth: { subject: 'admin' } });
 * ```
 */
export const answerAuth = (principal: Principal | undefined) => ({ auth: principal ?? null });

/** The body of an escaped error, from what it carries. */
export function escapedBody(err: unknown) {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    code?: unknown;
    status?: unknown;
  };
  return { escaped: true, code: e.code ?? null, status: e.status ?? null };
}

/**
 * The handler's work, the same on every framework: touch the principal, charge the budget when
 * the route says so (and only then wait for it), then `send` the JSON body.
 *
 * @example
 * ```ts
 * return respond(spec, route, c.var.auth, c.var.budget, (body) => c.json(body));
 * ```
 */
export function respond<R>(
  spec: AppSpec,
  route: Route,
  principal: Principal | undefined,
  budget: Budget | undefined,
  send: (body: unknown) => R,
): R | Promise<R> {
  route.touch?.(principal);
  const answer = spec.answer ?? answerAuth;
  if (route.charge === undefined || budget === undefined) return send(answer(principal, budget));
  return budget.charge(route.charge).then(() => send(answer(principal, budget)));
}
