import { authenticate, rateLimit, requireScope } from '@portcullis/express';
import express from 'express';
import { createApi, noRoute, parseJson, TOO_LARGE } from './shared/api.js';
import { listen } from './shared/listen.js';
import { readNodeBody } from './shared/read-body.js';

/**
 * The example API on Express. All logic lives in ./shared; this file only wires routes.
 *
 * @example
 * const app = createExpressApp(createAuthServer());
 */
export function createExpressApp(server) {
  const api = createApi();
  const app = express();
  app.disable('x-powered-by');
  const auth = authenticate(server.authenticator);
  // Each agent (API key or token subject) gets its own budget of requests per minute.
  const limit = rateLimit(server.rateLimit);
  const send = (res, { status, headers = {}, body }) => res.status(status).set(headers).json(body);
  // The OAuth endpoints take the raw form body; the shared code parses it strictly.
  const endpoint = (handler) => async (req, res) => {
    const body = await readNodeBody(req);
    if (body === null) return send(res, TOO_LARGE);
    const { authorization, 'content-type': contentType } = req.headers;
    send(res, await handler({ authorization, contentType, body }));
  };

  app.post('/oauth/token', endpoint(server.token));
  app.post('/oauth/revoke', endpoint(server.revoke));
  app.get('/conversations', auth, limit, requireScope('conversations:read'), (req, res) =>
    send(res, api.listConversations(req.auth)),
  );
  app.get('/billing/invoices', auth, limit, requireScope('billing:read'), (req, res) =>
    send(res, api.listInvoices(req.auth)),
  );
  app.post('/billing/invoices', auth, limit, requireScope('billing:write'), async (req, res) => {
    const text = await readNodeBody(req);
    if (text === null) return send(res, TOO_LARGE);
    send(res, api.createInvoice(req.auth, parseJson(req.headers['content-type'], text)));
  });
  app.use((req, res) => send(res, noRoute(req.path)));
  return app;
}

/**
 * Serve the Express example on 127.0.0.1 (port 0: a free port).
 *
 * @example
 * const { url, close } = await startExpress(createAuthServer());
 */
export function startExpress(server, { port = 0, host = '127.0.0.1' } = {}) {
  return listen(createExpressApp(server), port, host);
}
