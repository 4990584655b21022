// Most requests are decided without waiting on anything (a cached token, a cached API key record,
// a malformed header), and each promise between the adapter and the verifier costs a turn of the
// microtask queue. So the steps of authentication answer with an `Awaitable`: the value itself
// when it is known at once, a promise only for a real wait. `isPromiseLike` is the one test of
// which it is, everywhere.

/**
 * A value now, or a promise of it later.
 *
 * @example
 * ```ts
 * function verifyDirect(value: string, ctx: VerifyContext): Awaitable<Principal> { … }
 * ```
 */
export type Awaitable<T> = T | Promise<T>;

/**
 * Whether `value` is a promise or another thenable, rather than the value itself. The one test
 * of an {@link Awaitable} (and of what user callbacks return) in Portcullis.
 *
 * @example
 * ```ts
 * const result = authenticateAwaitable(authenticator, view);
 * if (isPromiseLike(result)) result.then(accept, refuse);
 * else accept(result);
 * ```
 */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
