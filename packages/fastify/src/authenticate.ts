import type { Authenticator, Principal } from '@portcullis/core';
import {
  adapterOptions,
  authenticateThen,
  fromNodeRequest,
  isPromiseLike,
  rememberAuth,
} from '@portcullis/core/adapter';
import type { FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { answer } from './answer.js';
import type { AuthenticateOptions, PortcullisHook } from './types.js';

/**
 * Fastify 4 and 5 `onRequest` hook: verify the request's API key or bearer token and set
 * `request.auth` (`null` on an optional route with no credential). A failure is answered with
 * its status, challenge and JSON body (or handed to Fastify's error handler with
 * `errors: 'throw'`). A callback-style hook: when core answers at once (a cached token or API
 * key record) it calls `done()` before returning, with no promise in between.
 *
 * @example
 * ```ts
 * import { authenticate, requireScope } from '@portcullis/fastify';
 *
 * app.addHook('onRequest', authenticate(authenticator));
 * app.get('/billing', { preHandler: requireScope('billing:read') }, async (request) => ({
 *   caller: request.auth?.subject,
 * }));
 * ```
 */
export function authenticate(
  authenticator: Authenticator,
  options: AuthenticateOptions = {},
): PortcullisHook {
  const { optional, errors: mode } = adapterOptions(authenticator, options, 'respond');
  const realm = authenticator.realm;
  const accept = (
    request: FastifyRequest,
    principal: Principal | null,
    done: HookHandlerDoneFunction,
  ) => {
    rememberAuth(request, { principal, realm, errors: mode, authenticator });
    request.auth = principal;
    done();
  };
  return function portcullisAuthenticate(request, reply, done) {
    // The raw request: its header lines keep a second Authorization header apart, and its `url`
    // is the target as received (the `originalUrl` Fastify keeps when `rewriteUrl` changed it),
    // whatever prefix the route was registered under, for a DPoP proof's `htu`.
    const result = authenticateThen(
      authenticator,
      fromNodeRequest(request.raw),
      { optional },
      (principal) => accept(request, principal, done),
      (err) => answer(err, reply, done, mode),
    );
    if (isPromiseLike(result)) result.then(undefined, done);
  };
}
