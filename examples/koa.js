import { authenticate, rateLimit, requireScope } from '@portcullis/koa';
import Koa from 'koa';
import { createApi, noRoute, parseJson, TOO_LARGE } from './shared/api.js';
import { listen } from './shared/listen.js';
import { readNodeBody } from './shared/read-body.js';

/** A route: runs `handlers` in order (Koa style) for one method and path, else passes on. */
function route(method, path, ...handlers) {
  return async (ctx, next) => {
    if (ctx.method !== method || ctx.path !== path) return next();
    const run = async (i) => handlers[i]?.(ctx, () => run(i + 1));
    await run(0);
  };
}

/**
 * The example API on Koa. All logic lives in ./shared; this file only wires routes.
 *
 * @example
 * const app = createKoaApp(createAuthServer());
 */
export function createKoaApp(server) {
  const api = createApi();
  const app = new Koa();
  const auth = authenticate(server.authenticator);
  // Each agent (API key or token subject) gets its own budget of requests per minute.
  const limit = rateLimit(server.rateLimit);
  const send = (ctx, { status, headers = {}, body }) => {
    ctx.status = status;
    ctx.set(headers);
    ctx.body = body;
  };
  // The OAuth endpoints take the raw form body; the shared code parses it strictly.
  const endpoint = (handler) => async (ctx) => {
    const body = await readNodeBody(ctx.req);
    if (body === null) return send(ctx, TOO_LARGE);
    const { authorization, 'content-type': contentType } = ctx.headers;
    send(ctx, await handler({ authorization, contentType, body }));
  };

  app.use(route('POST', '/oauth/token', endpoint(server.token)));
  app.use(route('POST', '/oauth/revoke', endpoint(server.revoke)));
  app.use(
    route('GET', '/conversations', auth, limit, requireScope('conversations:read'), (ctx) =>
      send(ctx, api.listConversations(ctx.state.auth)),
    ),
  );
  app.use(
    route('GET', '/billing/invoices', auth, limit, requireScope('billing:read'), (ctx) =>
      send(ctx, api.listInvoices(ctx.state.auth)),
    ),
  );
  app.use(
    route('POST', '/billing/invoices', auth, limit, requireScope('billing:write'), async (ctx) => {
      const text = await readNodeBody(ctx.req);
      if (text === null) return send(ctx, TOO_LARGE);
      send(ctx, api.createInvoice(ctx.state.auth, parseJson(ctx.get('content-type'), text)));
    }),
  );
  app.use((ctx) => send(ctx, noRoute(ctx.path)));
  return app;
}

/**
 * Serve the Koa example on 127.0.0.1 (port 0: a free port).
 *
 * @example
 * const { url, close } = await startKoa(createAuthServer());
 */
export function startKoa(server, { port = 0, host = '127.0.0.1' } = {}) {
  return listen(createKoaApp(server).callback(), port, host);
}
