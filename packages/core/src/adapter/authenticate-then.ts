// An adapter's whole control flow, answering at once when nothing has to be waited for. This is
// what earns the awaitable path its keep: Hono's `withAuth()` returns the handler's own response,
// with no promise in between, for a cached token or API key record.
import { type Awaitable, isPromiseLike } from '../lib/awaitable.js';
import { awaitableAuthenticateOf } from '../lib/sync.js';
import type { RequestView } from '../request.js';
import type { Authenticator, Principal } from '../types.js';

/**
 * `authenticator.authenticate(request, options)` for adapters, answering directly when nothing has
 * to be waited for: a cached token or API key record gives the principal (or `null`, or a thrown
 * `AuthError`) at once; a lookup, a key set load or a revocation check gives a promise. Each
 * promise saved is a turn of the microtask queue per request. An authenticator not made by
 * `createAuthenticator()` (a test fake), or one whose `authenticate` was wrapped or replaced
 * (`{ ...authenticator, authenticate: mine }`), is called as written, its answer wrapped in a
 * native promise; tell the two cases apart with `isPromiseLike()`.
 *
 * @example
 * ```ts
 * const result = authenticateAwaitable(authenticator, fromNodeRequest(req), { optional });
 * if (isPromiseLike(result)) result.then(accept, refuse);
 * else accept(result);
 * ```
 */
export function authenticateAwaitable(
  authenticator: Authenticator,
  request: RequestView,
  options?: { optional?: boolean },
): Awaitable<Principal | null> {
  // Only the very `authenticate()` createAuthenticator() made has an awaitable face.
  const authenticate = authenticator.authenticate;
  const awaitable = awaitableAuthenticateOf(authenticate);
  return awaitable === undefined
    ? Promise.resolve(authenticate.call(authenticator, request, options))
    : awaitable(request, options);
}

/**
 * {@link authenticateAwaitable} with both outcomes handed on: `accept` receives the principal (or
 * `null`), `refuse` the error, whether they come at once or after a wait. Returns what the one
 * called returns, or a promise of it when authentication had to wait: an adapter's whole
 * control flow, in one place.
 *
 * @example
 * ```ts
 * const done = authenticateThen(authenticator, fromNodeRequest(req), { optional },
 *   (principal) => { req.auth = principal; next(); },
 *   (err) => answer(err, res, next));
 * if (isPromiseLike(done)) done.then(undefined, next);
 * ```
 */
export function authenticateThen<R>(
  authenticator: Authenticator,
  request: RequestView,
  options: { optional?: boolean } | undefined,
  accept: (principal: Principal | null) => Awaitable<R>,
  refuse: (err: unknown) => Awaitable<R>,
): Awaitable<R> {
  let result: Awaitable<Principal | null>;
  try {
    result = authenticateAwaitable(authenticator, request, options);
  } catch (err) {
    return refuse(err);
  }
  return isPromiseLike(result) ? result.then(accept, refuse) : accept(result);
}
