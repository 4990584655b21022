import type { Authenticator, Principal } from '@portcullis/core';
import {
  adapterOptions,
  authenticateThen,
  budgeter,
  isPromiseLike,
  type RequestAuth,
  rateLimiter,
  rememberAuth,
  scopeGuard,
} from '@portcullis/core/adapter';
import type { Context, Handler, Next } from 'hono';
import { answer } from './answer.js';
import { applyLimit, type LimitCheck } from './rate-limit.js';
import type { AuthVariables, OptionalAuthVariables, WithAuthOptions } from './types.js';
import { requestView } from './view.js';

type Check = ReturnType<typeof scopeGuard>;

function checksOf(options: WithAuthOptions): Check[] {
  const checks: Check[] = [];
  for (const [name, mode] of [
    ['requireScope', 'all'],
    ['requireAnyScope', 'any'],
  ] as const) {
    const scopes = options[name];
    if (scopes === undefined) continue;
    if (!Array.isArray(scopes)) throw new TypeError(`withAuth(): \`${name}\` must be an array`);
    checks.push(scopeGuard(mode, scopes));
  }
  return checks;
}

function limitsOf(options: WithAuthOptions): LimitCheck[] {
  const limits: LimitCheck[] = [];
  for (const name of ['rateLimit', 'budget'] as const) {
    const value: unknown = options[name];
    if (value === undefined) continue;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TypeError(`withAuth(): \`${name}\` must be an options object`);
    }
  }
  if (options.rateLimit !== undefined) {
    limits.push(rateLimiter('withAuth({ rateLimit })', options.rateLimit));
  }
  if (options.budget !== undefined) limits.push(budgeter('withAuth({ budget })', options.budget));
  return limits;
}

/**
 * One route's handler behind authentication (and, if asked, scopes, a rate limit and a budget),
 * for Hono on any runtime: what `authenticate()`, `requireScope()`, `rateLimit()` and `budget()`
 * do as middleware, done inside the handler, in that order. A route
 * with one handler and no middleware stays on Hono's fastest path: when the answer needs no
 * waiting (a cached token or API key record), the handler's own response goes back as it is,
 * with no promise in between, which on `@hono/node-server` is answered without the slower path a
 * middleware's promise takes; `memoryLimitStore()`, the limits' default, answers at once too.
 * Failures are answered as `authenticate()` answers them.
 *
 * @example
 * ```ts
 * import { withAuth } from '@portcullis/hono';
 *
 * app.get('/orders', withAuth(authenticator, (c) => c.json(orders.of(c.var.auth.subject)), {
 *   requireScope: ['orders:read'],
 *   rateLimit: { limit: 100, window: 60 },
 * }));
 * ```
 */
export function withAuth(
  authenticator: Authenticator,
  handler: Handler<{ Variables: OptionalAuthVariables }>,
  options: WithAuthOptions & { optional: true },
): Handler<{ Variables: OptionalAuthVariables }>;
export function withAuth(
  authenticator: Authenticator,
  handler: Handler<{ Variables: AuthVariables }>,
  options?: WithAuthOptions & { optional?: false },
): Handler<{ Variables: AuthVariables }>;
export function withAuth(
  authenticator: Authenticator,
  handler: Handler<{ Variables: AuthVariables }> | Handler<{ Variables: OptionalAuthVariables }>,
  options: WithAuthOptions = {},
): Handler<{ Variables: AuthVariables }> | Handler<{ Variables: OptionalAuthVariables }> {
  const { optional, errors: mode } = adapterOptions(authenticator, options, 'throw', 'withAuth()', [
    'requireScope',
    'requireAnyScope',
    'rateLimit',
    'budget',
  ]);
  if (typeof handler !== 'function') throw new TypeError('withAuth() needs a handler function');
  const checks = checksOf(options);
  const limits = limitsOf(options);
  const inner = handler as Handler<{ Variables: OptionalAuthVariables }>;
  // The limits from `from` on, then the handler: at once while each store answers at once.
  const limited = (
    c: Context,
    state: RequestAuth,
    from: number,
    next: Next,
  ): ReturnType<typeof inner> => {
    for (let i = from; i < limits.length; i++) {
      const result = limits[i]!(state);
      if (isPromiseLike(result)) {
        return result.then((r) => applyLimit(c, r, mode) ?? limited(c, state, i + 1, next));
      }
      const refused = applyLimit(c, result, mode);
      if (refused !== undefined) return refused;
    }
    return inner(c, next);
  };
  const accept = (c: Context, principal: Principal | null, next: Next) => {
    const state: RequestAuth = {
      principal,
      realm: authenticator.realm,
      errors: mode,
      authenticator,
    };
    rememberAuth(c, state);
    for (const check of checks) {
      const err = check(state);
      if (err !== undefined) return answer(c, err, mode);
    }
    if (principal !== null) c.set('auth', principal);
    return limits.length === 0 ? inner(c, next) : limited(c, state, 0, next);
  };
  const wrapped: Handler<{ Variables: OptionalAuthVariables }> = function portcullisWithAuth(
    c,
    next,
  ) {
    return authenticateThen(
      authenticator,
      requestView(c),
      { optional },
      (principal) => accept(c, principal, next),
      (err) => answer(c, err, mode),
    );
  };
  return wrapped;
}
