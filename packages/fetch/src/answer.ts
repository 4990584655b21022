import { isAuthError } from '@portcullis/core';
import { errorResponse } from '@portcullis/core/adapter';

/** Header lines to add to an answer: a limit's `RateLimit-Policy` and `RateLimit`. */
export type HeaderLines = ReadonlyArray<readonly [string, string]>;

/**
 * The answer to a failure, as every adapter answers it: the `AuthError`'s status, its headers
 * (`WWW-Authenticate`, `Retry-After`), `Cache-Control: no-store` and the JSON body, with `lines`
 * (the limits' headers sent so far) added. Anything not an `AuthError` is rethrown.
 *
 * @example
 * ```ts
 * return errorAnswer(err);
 * ```
 */
export function errorAnswer(err: unknown, lines: HeaderLines = []): Response {
  if (!isAuthError(err)) throw err;
  const { status, headers, body } = errorResponse(err);
  const res = new Response(body, { status, headers });
  for (const [name, value] of lines) res.headers.append(name, value);
  return res;
}

/**
 * `response` with `lines` appended to its headers. A response whose headers are immutable (one
 * from `fetch()`, `Response.redirect()`) is copied into a new `Response` with the same status,
 * status text, headers and body, and the lines added there; one that cannot be rebuilt (a status
 * outside 200–599: `Response.error()`, a 101 upgrade) is returned as it is.
 *
 * @example
 * ```ts
 * return withHeaders(await handler(request), [['ratelimit', '"default";r=9;t=60']]);
 * ```
 */
export function withHeaders(response: Response, lines: HeaderLines): Response {
  if (lines.length === 0) return response;
  try {
    for (const [name, value] of lines) response.headers.append(name, value);
    return response;
  } catch {
    // Immutable headers: the first append threw, before any change.
  }
  const { status } = response;
  if (!(status >= 200 && status <= 599)) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of lines) headers.append(name, value);
  return new Response(response.body, { status, statusText: response.statusText, headers });
}
