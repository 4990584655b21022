import { type Authenticator, fromNodeHeaders, type Principal } from '@portcullis/core';
import type { Middleware } from 'koa';
import { answer } from './answer.js';
import { remember } from './state.js';
import type { AuthenticateOptions } from './types.js';

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
 * Koa 2 and 3 middleware: verify the request's API key or bearer token and set
 * `ctx.state.auth`. A failure is answered with its status, challenge and JSON body (or thrown
 * into Koa's error flow with `errors: 'throw'`).
 *
 * @example
 * ```ts
 * import { authenticate, requireScope } from '@portcullis/koa';
 *
 * app.use(authenticate(authenticator));
 * router.get('/billing', requireScope('billing:read'), (ctx) => {
 *   ctx.body = { caller: ctx.state.auth?.subject };
 * });
 * ```
 */
export function authenticate(
  authenticator: Authenticator,
  options: AuthenticateOptions = {},
): Middleware {
  validate(authenticator, options);
  const optional = options.optional === true;
  const mode = options.errors ?? 'respond';
  return async function portcullisAuthenticate(ctx, next) {
    let principal: Principal | null;
    try {
      const view = fromNodeHeaders(ctx.req.headersDistinct);
      principal = await authenticator.authenticate(view, { optional });
    } catch (err) {
      answer(ctx, err, mode);
      return;
    }
    remember(ctx.req, { principal, realm: authenticator.realm }, mode);
    if (principal !== null) ctx.state.auth = principal;
    await next();
  };
}
