// The synchronous faces of authentication, private to core. Most requests are decided without
// waiting on anything (a cached token, a cached API key record, a malformed header), and each
// promise between the adapter and the verifier costs a turn of the microtask queue: these let an
// adapter take the answer at once and keep promises for real waits.
//
// A fast path is an optimisation of the functions core made, never a reason to skip code a user
// wrapped around them. Each synchronous face is therefore found from the very public function it
// stands for (`authenticate`, `verify`), in a module-private WeakMap: an object that replaces that
// function (`{ ...authenticator, authenticate: mine }`, `Object.assign`, `Object.create`, an
// assignment in place) finds nothing and is called as written; a copy that keeps it runs the same
// code either way. Nothing here sits on the objects, so nothing can be copied along with them.
import type { RequestView } from '../request.js';
import type { Authenticator, Method, Principal, VerifyContext } from '../types.js';

/** A principal now, or a native promise of one. */
export type Now<T> = T | Promise<T>;

/** A method's `verify()` that answers directly when it can (a principal, or a throw). */
export type VerifyNow = (value: string, ctx: VerifyContext) => Now<Principal>;
/** An authenticator's `authenticate()` that answers directly when it can. */
export type Attempt = (
  request: RequestView,
  options?: { optional?: boolean },
) => Now<Principal | null>;

const verifiers = new WeakMap<Method['verify'], VerifyNow>();
const attempts = new WeakMap<Authenticator['authenticate'], Attempt>();

/**
 * A method's public `verify()`, made from its synchronous face and known to core as such.
 *
 * @example
 * ```ts
 * return { type: 'jwt', ..., verify: verifyFrom(verifyNow) };
 * ```
 */
export function verifyFrom(now: VerifyNow): Method['verify'] {
  const verify = async (value: string, ctx: VerifyContext) => now(value, ctx);
  verifiers.set(verify, now);
  return verify;
}

/**
 * The synchronous face of a `verify()` made by {@link verifyFrom}, or `undefined` for any other.
 *
 * @example
 * ```ts
 * const now = verifyNowOf(method.verify);
 * ```
 */
export function verifyNowOf(verify: Method['verify']): VerifyNow | undefined {
  return verifiers.get(verify);
}

/**
 * An authenticator's public `authenticate()`, made from its synchronous face and known to core.
 *
 * @example
 * ```ts
 * const authenticator = { realm, authenticate: authenticateFrom(attempt) };
 * ```
 */
export function authenticateFrom(attempt: Attempt): Authenticator['authenticate'] {
  const authenticate = async (request: RequestView, options?: { optional?: boolean }) =>
    attempt(request, options);
  attempts.set(authenticate, attempt);
  return authenticate;
}

/**
 * The synchronous face of an `authenticate()` made by {@link authenticateFrom}, or `undefined`.
 *
 * @example
 * ```ts
 * const attempt = attemptOf(authenticator.authenticate);
 * ```
 */
export function attemptOf(authenticate: Authenticator['authenticate']): Attempt | undefined {
  return attempts.get(authenticate);
}
