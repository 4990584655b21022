import type { Authenticator, Principal } from '@portcullis/core';
import {
  adapterOptions,
  authenticateThen,
  fromNodeRequest,
  isPromiseLike,
  rememberAuth,
} from '@portcullis/core/adapter';
import type { NextFunction, Request, RequestHandler } from 'express';
import { answer } from './answer.js';
import type { AuthenticateOptions } from './types.js';

/**
 * Express 4 and 5 middleware: verify the request's API key or bearer token and set `req.auth`.
 * A failure is answered with its status, challenge and JSON body (or passed to `next(err)` with
 * `errors: 'throw'`). Never lets a promise rejection escape, so it is safe on Express 4.
 *
 * @example
 * ```ts
 * import { authenticate, requireScope } from '@portcullis/express';
 *
 * app.use(authenticate(authenticator));
 * app.get('/billing', requireScope('billing:read'), (req, res) => {
 *   res.json({ caller: req.auth?.subject });
 * });
 * ```
 */
export function authenticate(
  authenticator: Authenticator,
  options: AuthenticateOptions = {},
): RequestHandler {
  const { optional, errors: mode } = adapterOptions(authenticator, options, 'respond');
  const accept = (req: Request, principal: Principal | null, next: NextFunction) => {
    rememberAuth(req, { principal, realm: authenticator.realm, errors: mode, authenticator });
    if (principal !== null) req.auth = principal;
    next();
  };
  return function portcullisAuthenticate(req, res, next) {
    const done = authenticateThen(
      authenticator,
      fromNodeRequest(req),
      { optional },
      (principal) => accept(req, principal, next),
      (err) => answer(err, res, next, mode),
    );
    if (isPromiseLike(done)) done.then(undefined, next);
  };
}
