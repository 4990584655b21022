import { isAuthError } from '@portcullis/core';
import { errorResponse } from '@portcullis/core/adapter';
import type { FastifyReply, HookHandlerDoneFunction } from 'fastify';
import type { ErrorsMode } from './types.js';

/**
 * Answer a failure from a hook: send the default response (`errors: 'respond'`), or hand the
 * error to Fastify's error handler with `done(err)` (`errors: 'throw'`, anything that is not an
 * `AuthError`, or a reply already sent).
 *
 * @example
 * ```ts
 * answer(err, reply, done, 'respond');
 * ```
 */
export function answer(
  err: unknown,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
  mode: ErrorsMode,
): void {
  if (mode === 'throw' || !isAuthError(err) || reply.sent) {
    done(err as Error);
    return;
  }
  const { status, headers, body } = errorResponse(err);
  reply.code(status).headers(headers).send(body);
}
