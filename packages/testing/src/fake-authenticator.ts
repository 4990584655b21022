import type { Authenticator, Principal } from '@portcullis/core';
import { checkOptions, noCredentials, type RequestView } from '@portcullis/core/adapter';

/**
 * What {@link fakeAuthenticator} answers: a principal, none, or a function of the request.
 *
 * @example
 * ```ts
 * const answer: FakeAnswer = (req) => (req.header('x-user') ? testPrincipal() : null);
 * ```
 */
export type FakeAnswer =
  | Principal
  | null
  | ((request: RequestView) => Principal | null | Promise<Principal | null>);

/**
 * An {@link Authenticator} that ignores credentials and answers with a fixed principal, so a
 * handler and its `requireScope()` guard can be unit-tested with no token. Pass it to any
 * adapter's `authenticate()`. With `null`, every request is unauthenticated: 401 with a bare
 * challenge, or no principal on an `optional` route. A function may also throw an `AuthError`.
 *
 * @example
 * ```ts
 * import { authenticate, requireScope } from '@portcullis/express';
 *
 * app.use(authenticate(fakeAuthenticator(testPrincipal({ scopes: ['billing:read'] }))));
 * app.get('/billing/invoices', requireScope('billing:read'), listInvoices);
 * ```
 */
export function fakeAuthenticator(
  answer: FakeAnswer,
  options: { realm?: string } = {},
): Authenticator {
  if (answer !== null && typeof answer !== 'function' && typeof answer?.subject !== 'string') {
    throw new TypeError(
      'fakeAuthenticator() needs a principal (see testPrincipal()), null or a function',
    );
  }
  checkOptions('fakeAuthenticator()', options, ['realm']);
  const realm = options.realm ?? 'api';
  return {
    realm,
    async authenticate(request, opts) {
      const principal = typeof answer === 'function' ? await answer(request) : answer;
      if (principal !== null && principal !== undefined) return principal;
      if (opts?.optional === true) return null;
      throw noCredentials(realm);
    },
  };
}
