import type { Authenticator, Principal } from '@portcullis/core';
import { adapterOptions, authenticateThen, rememberAuth } from '@portcullis/core/adapter';
import type { Context, MiddlewareHandler, Next } from 'hono';
import { answer } from './answer.js';
import type { AuthenticateOptions, AuthVariables, OptionalAuthVariables } from './types.js';
import { requestView } from './view.js';

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
    rememberAuth(c, { principal, realm: authenticator.realm, errors: mode, authenticator });
    if (principal !== null) c.set('auth', principal);
    return next();
  };
  // Not an async function: when the answer is known at once, `next()`'s own promise is returned.
  const middleware: MiddlewareHandler<{ Variables: OptionalAuthVariables }> =
    function portcullisAuthenticate(c, next) {
      // biome-ignore lint/suspicious/noConfusingVoidType: Hono's MiddlewareHandler returns Promise<Response | void>
      const done = authenticateThen<Response | void>(
        authenticator,
        requestView(c),
        { optional },
        (principal) => accept(c, principal, next),
        (err) => answer(c, err, mode),
      );
      // A native promise is returned as it is; a value is wrapped, as Hono expects a promise.
      return Promise.resolve(done);
    };
  return middleware;
}
