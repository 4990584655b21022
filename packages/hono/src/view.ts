import { fromFetchRequest, type RequestView } from '@portcullis/core/adapter';
import type { Context } from 'hono';

/**
 * The request's view for core. On `@hono/node-server`, Node's own header lines
 * (`c.env.incoming.rawHeaders`): they keep repeated headers apart, and reading them does not
 * build a Fetch `Headers`. Only when `c.req.raw` is the very `Request` node-server built from that
 * message: a `Request` a handler forwards in-process with the same env
 * (`app.fetch(new Request(url, { headers }), c.env)`) is read from its own headers. Elsewhere
 * (Bun, Deno, Workers, `app.request()`), `c.req.raw`'s headers, method and URL.
 *
 * @example
 * ```ts
 * const principal = await authenticator.authenticate(requestView(c), { optional });
 * ```
 */
export function requestView(c: Context): RequestView {
  return fromFetchRequest(c.req.raw, c.env);
}
