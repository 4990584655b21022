import { authenticate, requireScope } from '@portcullis/express';
import express from 'express';
import { createApi, parseJson } from './shared/api.js';
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
  const send = (res, { status, headers = {}, body }) => res.status(status).set(headers).json(body);
  const raw = async (req) => {
    const body = await readNodeBody(req);
    if (body === null)
      return {
        status: 413,
        body: { error: 'invalid_request', error_description: 'Body too large' },
      };
    return {
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body,
    };
  };
  const endpoint = (handler) => async (req, res) => {
    const request = await raw(req);
    send(res, request.status ? request : await handler(request));
  };

  app.post('/oauth/token', endpoint(server.token));
  app.post('/oauth/revoke', endpoint(server.revoke));
  app.get('/conversations', auth, requireScope('conversations:read'), (req, res) =>
    send(res, api.listConversations(req.auth)),
  );
  app.get('/billing/invoices', auth, requireScope('billing:read'), (req, res) =>
    send(res, api.listInvoices(req.auth)),
  );
  app.post('/billing/invoices', auth, requireScope('billing:write'), async (req, res) => {
    const text = await readNodeBody(req);
    send(res, api.createInvoice(req.auth, parseJson(req.headers['content-type'], text)));
  });
  app.use((_req, res) => send(res, { status: 404, body: { error: 'not_found' } }));
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
