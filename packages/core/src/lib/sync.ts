// The awaitable faces of authentication, private to core: the `authenticate()` and `verify()`
// core makes are async functions, and each has a twin that answers with an `Awaitable` (see
// awaitable.ts), so an adapter can take a cached answer at once and keep promises for real waits.
//
// A fast path is an optimisation of the functions core made, never a reason to skip code a user
// wrapped around them. Each awaitable face is therefore found from the very public function it
// stands for (`authenticate`, `verify`), in a module-private WeakMap: an object that replaces that
// function (`{ ...authenticator, authenticate: mine }`, `Object.assign`, `Object.create`, an
// assignment in place) finds nothing and is called as written; a copy that keeps it runs the same
// code either way. Nothing here sits on the objects, so nothing can be copied along with them.
import type { RequestView } from '../request.js';
import type { Authenticator, Method, Principal, VerifyContext } from '../types.js';
import type { Awaitable } from './awaitable.js';

/**
 * A method's `verify()` that answers directly when it can (a principal, or a throw).
 *
 * @example
 * ```ts
 * const verifyAwaitable: AwaitableVerify = (value, ctx) => cached.get(value) ?? lookup(value);
 * ```
 */
export type AwaitableVerify = (value: string, ctx: VerifyContext) => Awaitable<Principal>;

/**
 * An authenticator's `authenticate()` that answers directly when it can.
 *
 * @example
 * ```ts
 * const attempt: AwaitableAuthenticate = (request, options) => …;
 * ```
 */
export type AwaitableAuthenticate = (
  request: RequestView,
  options?: { optional?: boolean },
) => Awaitable<Principal | null>;

// Each public function core made → its awaitable face.
const faces = new WeakMap<object, unknown>();

// The public, promise-returning twin of an awaitable face, registered so core can find the face.
function publicTwin<A extends unknown[], T>(
  awaitable: (...args: A) => Awaitable<T>,
): (...args: A) => Promise<T> {
  const twin = async (...args: A) => awaitable(...args);
  faces.set(twin, awaitable);
  return twin;
}

/**
 * A method's public `verify()`, made from its awaitable face and known to core as such.
 *
 * @example
 * ```ts
 * return { type: 'jwt', ..., verify: verifyFrom(verifyAwaitable) };
 * ```
 */
export function verifyFrom(awaitable: AwaitableVerify): Method['verify'] {
  return publicTwin(awaitable);
}

/**
 * The awaitable face of a `verify()` made by {@link verifyFrom}, or `undefined` for any other.
 *
 * @example
 * ```ts
 * const direct = awaitableVerifyOf(method.verify);
 * ```
 */
export function awaitableVerifyOf(verify: Method['verify']): AwaitableVerify | undefined {
  return faces.get(verify) as AwaitableVerify | undefined;
}

/**
 * An authenticator's public `authenticate()`, made from its awaitable face and known to core.
 *
 * @example
 * ```ts
 * const authenticator = { realm, authenticate: authenticateFrom(attempt) };
 * ```
 */
export function authenticateFrom(awaitable: AwaitableAuthenticate): Authenticator['authenticate'] {
  return publicTwin(awaitable);
}

/**
 * The awaitable face of an `authenticate()` made by {@link authenticateFrom}, or `undefined`.
 *
 * @example
 * ```ts
 * const attempt = awaitableAuthenticateOf(authenticator.authenticate);
 * ```
 */
export function awaitableAuthenticateOf(
  authenticate: Authenticator['authenticate'],
): AwaitableAuthenticate | undefined {
  return faces.get(authenticate) as AwaitableAuthenticate | undefined;
}
