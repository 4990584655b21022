import {
  type Authenticator,
  authenticateNow,
  type ErrorsMode,
  type Principal,
} from '@portcullis/core';
import type { Context } from 'hono';
import { answer } from './answer.js';
import { requestView } from './view.js';

/**
 * Authenticate `c` and hand the principal (or `null`) to `accept`; answer a failure as the
 * adapter does. Synchronous while nothing has to be awaited: `accept`'s own result (or the
 * failure's response) comes back as it is, and a promise only when authentication waits.
 *
 * @example
 * ```ts
 * return authenticateThen(authenticator, c, optional, mode, (principal) => handler(c, next));
 * ```
 */
export function authenticateThen<R>(
  authenticator: Authenticator,
  c: Context,
  optional: boolean,
  mode: ErrorsMode,
  accept: (principal: Principal | null) => R | Promise<R>,
): R | Response | Promise<R | Response> {
  let result: ReturnType<typeof authenticateNow>;
  try {
    result = authenticateNow(authenticator, requestView(c), { optional });
  } catch (err) {
    return answer(c, err, mode);
  }
  return result instanceof Promise
    ? result.then(accept, (err: unknown) => answer(c, err, mode))
    : accept(result);
}
