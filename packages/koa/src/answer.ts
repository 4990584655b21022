import { isAuthError } from '@portcullis/core';
import { errorResponse } from '@portcullis/core/adapter';
import type { Context } from 'koa';
import type { ErrorsMode } from './types.js';

/**
 * Answer a failure: set the default response, or throw into Koa's error flow
 * (`errors: 'throw'`, or anything that is not an `AuthError`).
 *
 * @example
 * ```ts
 * answer(ctx, err, 'respond');
 * ```
 */
export function answer(ctx: Context, err: unknown, mode: ErrorsMode): void {
  if (mode === 'throw' || !isAuthError(err)) throw err;
  const { status, headers, body } = errorResponse(err);
  ctx.status = status;
  ctx.set(headers);
  ctx.body = body;
}
