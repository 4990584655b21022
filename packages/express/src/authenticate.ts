import { type Authenticator, fromNodeHeaders } from '@portcullis/core';
import type { RequestHandler } from 'express';
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
  validate(authenticator, options);
  const optional = options.optional === true;
  const mode = options.errors ?? 'respond';
  return function portcullisAuthenticate(req, res, next) {
    authenticator
      .authenticate(fromNodeHeaders(req.headersDistinct), { optional })
      .then(
        (principal) => {
          remember(req, { principal, realm: authenticator.realm }, mode);
          if (principal !== null) req.auth = principal;
          next();
        },
        (err: unknown) => answer(err, res, next, mode),
      )
      .catch(next);
  };
}
