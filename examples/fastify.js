import portcullis, { rateLimit, requireScope } from '@portcullis/fastify';
import Fastify from 'fastify';
import { createApi, noRoute, parseJson, TOO_LARGE } from './shared/api.js';
import { BODY_LIMIT } from './shared/read-body.js';

/**
 * The example API on Fastify (5, or 4). All logic lives in ./shared; this file only wires routes:
 * the `portcullis` plugin gives `app.authenticate`, each API route runs it as its `onRequest`
 * hook (before the body is read) and the rate limit and scope guard as `preHandler` hooks.
 *
 * @example
 * const app = await createFastifyApp(createAuthServer());
 * const res = await app.inject('/conversations'); // 401
 */
export async function createFastifyApp(server) {
  const api = createApi();
  const app = Fastify({ bodyLimit: BODY_LIMIT });
  await app.register(portcullis, { authenticator: server.authenticator });
  // Each agent (API key or token subject) gets its own budget of requests per minute.
  const limit = rateLimit(server.rateLimit);
  const guarded = (scope) => ({
    onRequest: app.authenticate,
    preHandler: [limit, requireScope(scope)],
  });
  const send = (reply, { status, headers = {}, body }) =>
    reply.code(status).headers(headers).send(body);
  // Every body as text: the shared code parses the OAuth forms and the JSON strictly itself.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  // The OAuth endpoints take the raw form body.
  const endpoint = (handler) => async (request, reply) => {
    const { authorization, 'content-type': contentType } = request.headers;
    return send(reply, await handler({ authorization, contentType, body: request.body ?? '' }));
  };

  app.post('/oauth/token', endpoint(server.token));
  app.post('/oauth/revoke', endpoint(server.revoke));
  app.get('/conversations', guarded('conversations:read'), async (request, reply) =>
    send(reply, api.listConversations(request.auth)),
  );
  app.get('/billing/invoices', guarded('billing:read'), async (request, reply) =>
    send(reply, api.listInvoices(request.auth)),
  );
  app.post('/billing/invoices', guarded('billing:write'), async (request, reply) =>
    send(
      reply,
      api.createInvoice(request.auth, parseJson(request.headers['content-type'], request.body)),
    ),
  );
  app.setNotFoundHandler((request, reply) => send(reply, noRoute(request.url.split('?')[0])));
  app.setErrorHandler((err, _request, reply) => {
    if (err.statusCode === 413) return send(reply, TOO_LARGE);
    return reply.send(err);
  });
  return app;
}

/**
 * Serve the Fastify example on 127.0.0.1 (port 0: a free port).
 *
 * @example
 * const { url, close } = await startFastify(createAuthServer());
 */
export async function startFastify(server, { port = 0, host = '127.0.0.1' } = {}) {
  const app = await createFastifyApp(server);
  await app.listen({ port, host });
  return {
    url: `http://${host}:${app.server.address().port}`,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
}
