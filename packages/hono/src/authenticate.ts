import { type Authenticator, adapterOptions, type Principal, rememberAuth } from '@portcullis/core';
import type { Context, MiddlewareHandler, Next } from 'hono';
import { authenticateThen } from './run.js';
import type { AuthenticateOptions, AuthVariables, OptionalAuthVariables } from './types.js';

/**
 * Hono middleware for any runtime: verify the request's API key or bearer token and set
 * `c.var.auth`. A failure is thrown as an `HTTPException` carrying the prepared response
 * (status, challenge, JSON body), which Hono's default handler sends.
 *
 * @example
 * ```ts
 * import { authenticate, requireScope } from '@portcullis/hono';
 *
 * app.get('/billing', authenticate(authenticator), requireScope('billing:read'), (c) =>
 *   c.json({ caller: c.var.auth.subject }));
 * ```
 */
export function authenticate(
  authenticator: Authenticator,
  options: AuthenticateOptions & { optional: true },
): MiddlewareHandler<{ Variables: OptionalAuthVariables }>;
export function authenticate(
  authenticator: Authenticator,
  options?: AuthenticateOptions & { optional?: false },
): MiddlewareHandler<{ Variables: AuthVariables }>;
export function authenticate(
  authenticator: Authenticator,
  options?: AuthenticateOptions,
): MiddlewareHandler<{ Variables: OptionalAuthVariables }>;
export function authenticate(
  authenticator: Authenticator,
  options: AuthenticateOptions = {},
):
  | MiddlewareHandler<{ Variables: AuthVariables }>
  | MiddlewareHandler<{ Variables: OptionalAuthVariables }> {
  const { optional, errors: mode } = adapterOptions(authenticator, options, 'throw');
  const accept = (c: Context, principal: Principal | null, next: Next) => {
    rememberAuth(c, { principal, realm: authenticator.realm, errors: mode });
    if (principal !== null) c.set('auth', principal);
    return next();
  };
  // Not an async function: when the answer is known at once, `next()`'s own promise is returned.
  const middleware: MiddlewareHandler<{ Variables: OptionalAuthVariables }> =
    function portcullisAuthenticate(c, next) {
      const result = authenticateThen(authenticator, c, optional, mode, (principal) =>
        accept(c, principal, next),
      );
      return result instanceof Promise ? result : Promise.resolve(result);
    };
  return middleware;
}
