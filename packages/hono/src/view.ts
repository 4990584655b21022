import { fromFetchHeaders, fromNodeRequest, type RequestView } from '@portcullis/core/adapter';
import type { Context } from 'hono';

type NodeRequest = { rawHeaders: readonly string[]; method?: string; url?: string };

// @hono/node-server builds each request's `Request` lazily from Node's IncomingMessage, and keeps
// that message under a symbol of its own (`Symbol('incomingKey')`, not exported). The symbol is
// found once by its description and remembered; a `Request` that does not hold the very message
// in `c.env.incoming` was built by someone else, and its own headers decide.
let incomingKey: symbol | undefined;

function builtFrom(raw: Request, incoming: object): boolean {
  const held = raw as unknown as Record<symbol, unknown>;
  if (incomingKey !== undefined && held[incomingKey] === incoming) return true;
  for (const key of Object.getOwnPropertySymbols(raw)) {
    if (key.description === 'incomingKey' && held[key] === incoming) {
      incomingKey = key;
      return true;
    }
  }
  return false;
}

function nodeRequestOf(c: Context): NodeRequest | undefined {
  const incoming = (c.env as { incoming?: { rawHeaders?: unknown } } | undefined)?.incoming;
  return Array.isArray(incoming?.rawHeaders) && builtFrom(c.req.raw, incoming)
    ? (incoming as NodeRequest)
    : undefined;
}

/**
 * The request's headers for core. On `@hono/node-server`, Node's own header lines
 * (`c.env.incoming.rawHeaders`): they keep repeated headers apart, and reading them does not
 * build a Fetch `Headers`. Only when `c.req.raw` is the very `Request` node-server built from that
 * message: a `Request` a handler forwards in-process with the same env
 * (`app.fetch(new Request(url, { headers }), c.env)`) is read from its own headers. Elsewhere
 * (Bun, Deno, Workers, `app.request()`), `c.req.raw.headers`.
 *
 * @example
 * ```ts
 * const principal = await authenticator.authenticate(requestView(c), { optional });
 * ```
 */
export function requestView(c: Context): RequestView {
  const node = nodeRequestOf(c);
  if (node !== undefined) return fromNodeRequest(node);
  const view = fromFetchHeaders(c.req.raw.headers);
  // The method and target, for a DPoP proof's `htm` and `htu`: parsed only when one is checked.
  return {
    header: view.header,
    get method() {
      return c.req.method;
    },
    get url() {
      const url = new URL(c.req.url);
      return url.pathname + url.search;
    },
  };
}
