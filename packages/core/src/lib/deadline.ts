/**
 * Settle with `pending`, or with `timedOut` once `ms` milliseconds have passed, whichever comes
 * first; the timer is always cleared. A user callback that never answers must not hang a request.
 *
 * @example
 * ```ts
 * const TIMED_OUT = Symbol('timed out');
 * const answer = await withDeadline(store.isRevoked(jti), 5000, TIMED_OUT);
 * if (answer === TIMED_OUT) throw unavailable(AuthErrorCodes.DENY_LIST_FAILED);
 * ```
 */
export function withDeadline<T, F>(
  pending: PromiseLike<T>,
  ms: number,
  timedOut: F,
): Promise<T | F> {
  return new Promise<T | F>((resolve, reject) => {
    const timer = setTimeout(() => resolve(timedOut), ms);
    Promise.resolve(pending).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (cause: unknown) => {
        clearTimeout(timer);
        reject(cause);
      },
    );
  });
}
