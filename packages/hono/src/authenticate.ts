import { type Authenticator, adapterOptions, type Principal, rememberAuth } from '@portcullis/core';
import type { MiddlewareHandler } from 'hono';
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
  const middleware: MiddlewareHandler<{ Variables: OptionalAuthVariables }> =
    async function portcullisAuthenticate(c, next) {
      let principal: Principal | null;
      try {
        principal = await authenticator.authenticate(requestView(c), { optional });
      } catch (err) {
        return answer(c, err, mode);
      }
      rememberAuth(c, { principal, realm: authenticator.realm, errors: mode });
      if (principal !== null) c.set('auth', principal);
      await next();
    };
  return middleware;
}
