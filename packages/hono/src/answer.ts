import { isAuthError } from '@portcullis/core';
import { errorResponse } from '@portcullis/core/adapter';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ErrorsMode } from './types.js';

/**
 * Answer a failure: throw an `HTTPException` carrying the prepared response (the default),
 * or return that response (`errors: 'respond'`). Anything not an `AuthError` is rethrown.
 *
 * @example
 * ```ts
 * return answer(c, err, 'throw');
 * ```
 */
export function answer(c: Context, err: unknown, mode: ErrorsMode): Response {
  if (!isAuthError(err)) throw err;
  const { status, headers, body } = errorResponse(err);
  if (mode === 'respond') return c.body(body, status, headers);
  const res = new Response(body, { status, headers });
  throw new HTTPException(status, { res, message: err.message, cause: err });
}
