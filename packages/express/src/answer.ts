import { isAuthError } from '@portcullis/core';
import { errorResponse } from '@portcullis/core/adapter';
import type { NextFunction, Response } from 'express';
import type { ErrorsMode } from './types.js';

/**
 * Answer a failure: send the default response, or hand the error to Express's error flow
 * (`errors: 'throw'`, anything that is not an `AuthError`, or a response already started).
 *
 * @example
 * ```ts
 * answer(err, res, next, 'respond');
 * ```
 */
export function answer(err: unknown, res: Response, next: NextFunction, mode: ErrorsMode): void {
  if (mode === 'throw' || !isAuthError(err) || res.headersSent) {
    next(err);
    return;
  }
  const { status, headers, body } = errorResponse(err);
  res.writeHead(status, headers).end(body);
}
