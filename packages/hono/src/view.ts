import { fromFetchHeaders, fromNodeRequest, type RequestView } from '@portcullis/core';
import type { Context } from 'hono';

function nodeRequestOf(env: unknown): { rawHeaders: readonly string[] } | undefined {
  const incoming = (env as { incoming?: { rawHeaders?: unknown } } | undefined)?.incoming;
  return Array.isArray(incoming?.rawHeaders)
    ? (incoming as { rawHeaders: readonly string[] })
    : undefined;
}

/**
 * The request's headers for core. On `@hono/node-server`, Node's own header lines
 * (`c.env.incoming.rawHeaders`): they keep repeated headers apart, and reading them does not
 * build a Fetch `Request`. Elsewhere (Bun, Deno, Workers, `app.request()`), `c.req.raw.headers`.
 *
 * @example
 * ```ts
 * const principal = await authenticator.authenticate(requestView(c), { optional });
 * ```
 */
export function requestView(c: Context): RequestView {
  const node = nodeRequestOf(c.env);
  return node === undefined ? fromFetchHeaders(c.req.raw.headers) : fromNodeRequest(node);
}
