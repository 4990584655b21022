import { serve } from '@hono/node-server';
import { authenticate, rateLimit, requireScope } from '@portcullis/hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createApi, noRoute, parseJson, TOO_LARGE } from './shared/api.js';
import { BODY_LIMIT } from './shared/read-body.js';

/**
 * The example API on Hono. All logic lives in ./shared; this file only wires routes.
 *
 * @example
 * const app = createHonoApp(createAuthServer());
 * const res = await app.request('/conversations'); // 401
 */
export function createHonoApp(server) {
  const api = createApi();
  const app = new Hono();
  const auth = authenticate(server.authenticator);
  // Each agent (API key or token subject) gets its own budget of requests per minute.
  const limit = rateLimit(server.rateLimit);
  const send = (c, { status, headers = {}, body }) => c.json(body, status, headers);
  app.use(bodyLimit({ maxSize: BODY_LIMIT, onError: (c) => send(c, TOO_LARGE) }));
  // The OAuth endpoints take the raw form body; the shared code parses it strictly.
  const endpoint = (handler) => async (c) => {
    const [authorization, contentType] = [
      c.req.header('authorization'),
      c.req.header('content-type'),
    ];
    return send(c, await handler({ authorization, contentType, body: await c.req.text() }));
  };

  app.post('/oauth/token', endpoint(server.token));
  app.post('/oauth/revoke', endpoint(server.revoke));
  app.get('/conversations', auth, limit, requireScope('conversations:read'), (c) =>
    send(c, api.listConversations(c.var.auth)),
  );
  app.get('/billing/invoices', auth, limit, requireScope('billing:read'), (c) =>
    send(c, api.listInvoices(c.var.auth)),
  );
  app.post('/billing/invoices', auth, limit, requireScope('billing:write'), async (c) =>
    send(
      c,
      api.createInvoice(c.var.auth, parseJson(c.req.header('content-type'), await c.req.text())),
    ),
  );
  app.notFound((c) => send(c, noRoute(c.req.path)));
  return app;
}

/**
 * Serve the Hono example on 127.0.0.1 (port 0: a free port) with @hono/node-server.
 *
 * @example
 * const { url, close } = await startHono(createAuthServer());
 */
export function startHono(server, { port = 0, host = '127.0.0.1' } = {}) {
  return new Promise((resolve) => {
    const http = serve({ fetch: createHonoApp(server).fetch, port, hostname: host }, (info) => {
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
