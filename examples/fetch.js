import { serve } from '@hono/node-server';
import { withAuth } from '@portcullis/fetch';
import { createApi, noRoute, parseJson, TOO_LARGE } from './shared/api.js';
import { BODY_LIMIT } from './shared/read-body.js';

/** A request body as UTF-8 text, up to {@link BODY_LIMIT} bytes; `null` when it is larger. */
async function readText(request) {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > BODY_LIMIT) return null;
  if (request.body === null) return '';
  const chunks = [];
  let size = 0;
  for await (const chunk of request.body) {
    size += chunk.byteLength;
    if (size > BODY_LIMIT) return null;
    chunks.push(chunk);
  }
  return new Blob(chunks).text();
}

const send = ({ status, headers = {}, body }) => Response.json(body, { status, headers });

/**
 * The example API as one fetch handler, `(request) => Promise<Response>`, with no framework: it
 * runs as it is on Bun (`Bun.serve({ fetch })`), Deno (`Deno.serve(fetch)`), Cloudflare Workers
 * (`export default { fetch }`) and, below, on Node through @hono/node-server. All logic lives in
 * ./shared; this file only routes. Each API route is one `withAuth()` handler with its scope and
 * the per-agent rate limit (the server's limit store is shared, so an agent has one budget of
 * requests across routes).
 *
 * @example
 * const fetch = createFetchHandler(createAuthServer());
 * const res = await fetch(new Request('http://localhost/conversations')); // 401
 */
export function createFetchHandler(server) {
  const api = createApi();
  const route = (scope, handle) =>
    withAuth(handle, {
      authenticator: server.authenticator,
      scopes: [scope],
      rateLimit: server.rateLimit,
    });
  // The OAuth endpoints take the raw form body; the shared code parses it strictly.
  const endpoint = (handler) => async (request) => {
    const body = await readText(request);
    if (body === null) return send(TOO_LARGE);
    const [authorization, contentType] = [
      request.headers.get('authorization') ?? undefined,
      request.headers.get('content-type') ?? undefined,
    ];
    return send(await handler({ authorization, contentType, body }));
  };
  const routes = {
    'POST /oauth/token': endpoint(server.token),
    'POST /oauth/revoke': endpoint(server.revoke),
    'GET /conversations': route('conversations:read', (_request, { auth }) =>
      send(api.listConversations(auth)),
    ),
    'GET /billing/invoices': route('billing:read', (_request, { auth }) =>
      send(api.listInvoices(auth)),
    ),
    'POST /billing/invoices': route('billing:write', async (request, { auth }) => {
      const body = await readText(request);
      if (body === null) return send(TOO_LARGE);
      return send(api.createInvoice(auth, parseJson(request.headers.get('content-type'), body)));
    }),
  };
  return async function fetch(request) {
    const { pathname } = new URL(request.url);
    const handler = routes[`${request.method} ${pathname}`];
    return handler === undefined ? send(noRoute(pathname)) : handler(request);
  };
}

/**
 * Serve the fetch example on 127.0.0.1 (port 0: a free port) with @hono/node-server.
 *
 * @example
 * const { url, close } = await startFetch(createAuthServer());
 */
export function startFetch(server, { port = 0, host = '127.0.0.1' } = {}) {
  return new Promise((resolve) => {
    const http = serve({ fetch: createFetchHandler(server), port, hostname: host }, (info) => {
      resolve({
        url: `http://${host}:${info.port}`,
        close: () =>
          new Promise((done) => {
            http.close(() => done());
            http.closeAllConnections?.();
          }),
      });
    });
  });
}
