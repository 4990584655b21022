import {
  type Authenticator,
  adapterOptions,
  fromNodeRequest,
  type Principal,
  rememberAuth,
} from '@portcullis/core';
import type { Middleware } from 'koa';
import { answer } from './answer.js';
import type { AuthenticateOptions } from './types.js';

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
  const { optional, errors: mode } = adapterOptions(authenticator, options, 'respond');
  return async function portcullisAuthenticate(ctx, next) {
    let principal: Principal | null;
    try {
      const view = fromNodeRequest(ctx.req);
      principal = await authenticator.authenticate(view, { optional });
    } catch (err) {
      answer(ctx, err, mode);
      return;
    }
    rememberAuth(ctx.req, { principal, realm: authenticator.realm, errors: mode });
    if (principal !== null) ctx.state.auth = principal;
    await next();
  };
}
