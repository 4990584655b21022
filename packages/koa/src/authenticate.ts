import type { Authenticator, Principal } from '@portcullis/core';
import {
  adapterOptions,
  authenticateThen,
  fromNodeRequest,
  rememberAuth,
} from '@portcullis/core/adapter';
import type { Context, Middleware, Next } from 'koa';
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
  const accept = (ctx: Context, principal: Principal | null, next: Next) => {
    rememberAuth(ctx.req, { principal, realm: authenticator.realm, errors: mode, authenticator });
    if (principal !== null) ctx.state.auth = principal;
    return next();
  };
  // Not an async function: when the answer is known at once, `next()`'s own promise is returned.
  return function portcullisAuthenticate(ctx, next) {
    const done = authenticateThen<unknown>(
      authenticator,
      // The target as received (`ctx.originalUrl`): a mount (koa-mount) strips its prefix from
      // `ctx.req.url`, and a DPoP proof's `htu` names the whole path.
      fromNodeRequest({
        rawHeaders: ctx.req.rawHeaders,
        method: ctx.req.method,
        originalUrl: ctx.originalUrl,
      }),
      { optional },
      (principal) => accept(ctx, principal, next),
      (err) => answer(ctx, err, mode),
    );
    // A native promise is returned as it is; a value is wrapped, as Koa expects a promise.
    return Promise.resolve(done);
  };
}
