import { type Authenticator, fromFetchHeaders, type Principal } from '@portcullis/core';
import type { MiddlewareHandler } from 'hono';
import { answer } from './answer.js';
import { remember } from './state.js';
import type { AuthenticateOptions, AuthVariables, OptionalAuthVariables } from './types.js';

function validate(authenticator: Authenticator, options: AuthenticateOptions): void {
  if (typeof authenticator?.authenticate !== 'function') {
    throw new TypeError('authenticate() needs the authenticator made by createAuthenticator()');
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('authenticate(): options must be an object');
  }
  if (options.errors !== undefined && options.errors !== 'respond' && options.errors !== 'throw') {
    throw new TypeError("authenticate(): `errors` must be 'respond' or 'throw'");
  }
}

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
  validate(authenticator, options);
  const optional = options.optional === true;
  const mode = options.errors ?? 'throw';
  const middleware: MiddlewareHandler<{ Variables: OptionalAuthVariables }> =
    async function portcullisAuthenticate(c, next) {
      let principal: Principal | null;
      try {
        const view = fromFetchHeaders(c.req.raw.headers);
        principal = await authenticator.authenticate(view, { optional });
      } catch (err) {
        return answer(c, err, mode);
      }
      remember(c, { principal, realm: authenticator.realm }, mode);
      if (principal !== null) c.set('auth', principal);
      await next();
    };
  return middleware;
}
