import type { AuthError } from './auth-error.js';
import type { AuthErrorStatus } from './error-codes.js';

/**
 * The complete HTTP answer to an {@link AuthError}, ready for any framework to send.
 *
 * @example
 * ```ts
 * const answer: AuthErrorResponse = errorResponse(err);
 * return new Response(answer.body, answer);
 * ```
 */
export interface AuthErrorResponse {
  status: AuthErrorStatus;
  /** The error's own headers, plus `content-type` (JSON) and `cache-control: no-store`. */
  headers: Record<string, string>;
  /** `JSON.stringify(err.body)`. */
  body: string;
}

/**
 * The default answer to an {@link AuthError}: its status, its headers (`WWW-Authenticate`,
 * `Retry-After`), `Cache-Control: no-store` and the JSON body `{ error, error_description }`.
 * The adapters send this; use it in your own error handler to answer the same way.
 *
 * @example
 * ```ts
 * const { status, headers, body } = errorResponse(err);
 * res.writeHead(status, headers).end(body);
 * ```
 */
export function errorResponse(err: AuthError): AuthErrorResponse {
  return {
    status: err.status,
    headers: {
      ...err.headers,
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    },
    body: JSON.stringify(err.body),
  };
}
