import type { Authenticator, Principal } from '@portcullis/core';
import {
  adapterOptions,
  authenticateThen,
  type RequestAuth,
  rememberAuth,
  runLimits,
  scopeGuard,
  withAuthLimits,
} from '@portcullis/core/adapter';
import type { Context, Handler, Next } from 'hono';
import { answer } from './answer.js';
import { applyLimit } from './rate-limit.js';
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
  const limits = withAuthLimits(options);
  const inner = handler as Handler<{ Variables: OptionalAuthVariables }>;
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
    if (limits.length === 0) return inner(c, next);
    // The limits, then the handler: at once while each store answers at once.
    return runLimits(
      limits,
      state,
      (result) => applyLimit(c, result, mode),
      () => inner(c, next),
    );
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
