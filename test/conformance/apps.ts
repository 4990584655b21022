import { createServer, request as httpRequest, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Router } from '@koa/router';
import type { Authenticator, Principal } from '@portcullis/core';
import * as ex from '@portcullis/express';
import * as ho from '@portcullis/hono';
import * as ko from '@portcullis/koa';
import express5, { type Express } from 'express';
import express4 from 'express4';
import { type Context, Hono } from 'hono';
import Koa from 'koa';
import Koa2 from 'koa2';

/** Request headers as pairs, so a header can be sent twice. */
export type HeaderPairs = ReadonlyArray<readonly [string, string]>;

/** The routes every app has. */
export type Route = '/open' | '/me' | '/read' | '/write' | '/any';

/** What the handler saw of the principal. */
export interface Seen {
  subject: string;
  method: string;
  scopes: readonly string[];
}

/** What an app answered. */
export interface Observed {
  status: number;
  header(name: string): string | undefined;
  text: string;
}

/** A running app under test. */
export interface Target {
  send(path: Route, headers: HeaderPairs): Promise<Observed>;
  close(): Promise<void>;
}

/** Builds one app with every route from an authenticator. */
export type AppFactory = (authenticator: Authenticator) => Promise<Target>;

const seen = (p: Principal | undefined) => ({
  seen: p === undefined ? null : { subject: p.subject, method: p.method, scopes: [...p.scopes] },
});

/** Serve a Node request listener on 127.0.0.1 and send raw requests (repeated headers kept). */
async function serve(listener: RequestListener): Promise<Target> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const send = (path: string, pairs: HeaderPairs) =>
    new Promise<Observed>((resolve, reject) => {
      const headers: Record<string, string[]> = {};
      for (const [name, value] of pairs) {
        const lower = name.toLowerCase();
        headers[lower] = [...(headers[lower] ?? []), value];
      }
      const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          const header = (name: string) => {
            const v = res.headers[name];
            return Array.isArray(v) ? v.join(', ') : v;
          };
          resolve({ status: res.statusCode ?? 0, header, text });
        });
      });
      req.on('error', reject);
      req.end();
    });
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { send, close };
}

function express(make: () => Express): AppFactory {
  return (authenticator) => {
    const app = make();
    const auth = ex.authenticate(authenticator);
    const handler: express5.RequestHandler = (req, res) => {
      res.json(seen(req.auth));
    };
    app.get('/open', ex.authenticate(authenticator, { optional: true }), handler);
    app.get('/me', auth, handler);
    app.get('/read', auth, ex.requireScope('conversations:read'), handler);
    app.get('/write', auth, ex.requireScope('billing:write'), handler);
    app.get('/any', auth, ex.requireAnyScope('billing:read', 'billing:write'), handler);
    return serve(app);
  };
}

function koa(make: () => Koa): AppFactory {
  return (authenticator) => {
    const app = make();
    app.silent = true;
    const router = new Router();
    const auth = ko.authenticate(authenticator);
    const handler = (ctx: Koa.Context) => {
      ctx.body = seen(ctx.state.auth);
    };
    router.get('/open', ko.authenticate(authenticator, { optional: true }), handler);
    router.get('/me', auth, handler);
    router.get('/read', auth, ko.requireScope('conversations:read'), handler);
    router.get('/write', auth, ko.requireScope('billing:write'), handler);
    router.get('/any', auth, ko.requireAnyScope('billing:read', 'billing:write'), handler);
    app.use(router.routes());
    return serve(app.callback());
  };
}

function honoApp(authenticator: Authenticator): Hono {
  const app = new Hono();
  const auth = ho.authenticate(authenticator);
  const handler = (c: Context) => c.json(seen(c.var.auth));
  app.get('/open', ho.authenticate(authenticator, { optional: true }), handler);
  app.get('/me', auth, handler);
  app.get('/read', auth, ho.requireScope('conversations:read'), handler);
  app.get('/write', auth, ho.requireScope('billing:write'), handler);
  app.get('/any', auth, ho.requireAnyScope('billing:read', 'billing:write'), handler);
  return app;
}

/** The same routes, each one handler wrapped in `withAuth()`: no middleware at all. */
function honoWithAuthApp(authenticator: Authenticator): Hono {
  const app = new Hono();
  const handler = (c: Context) => c.json(seen(c.var.auth));
  app.get('/open', ho.withAuth(authenticator, handler, { optional: true }));
  app.get('/me', ho.withAuth(authenticator, handler));
  app.get('/read', ho.withAuth(authenticator, handler, { requireScope: ['conversations:read'] }));
  app.get('/write', ho.withAuth(authenticator, handler, { requireScope: ['billing:write'] }));
  app.get(
    '/any',
    ho.withAuth(authenticator, handler, { requireAnyScope: ['billing:read', 'billing:write'] }),
  );
  return app;
}

/** Hono in memory: `app.request()`, repeated headers appended to one Fetch `Headers`. */
const hono =
  (build: (authenticator: Authenticator) => Hono): AppFactory =>
  async (authenticator) => {
    const app = build(authenticator);
    return {
      async send(path, pairs) {
        const headers = new Headers();
        for (const [name, value] of pairs) headers.append(name, value);
        const res = await app.request(path, { headers });
        const text = await res.text();
        return { status: res.status, header: (n) => res.headers.get(n) ?? undefined, text };
      },
      close: async () => {},
    };
  };

/** Hono on Node over real HTTP, through @hono/node-server. */
const honoOnNode =
  (build: (authenticator: Authenticator) => Hono): AppFactory =>
  (authenticator) =>
    serve(getRequestListener(build(authenticator).fetch));

/**
 * The apps every scenario runs on: Express 5 and 4, Koa 3 and 2, and Hono in memory and on Node,
 * with middleware and with `withAuth()` handlers.
 */
export const ADAPTERS: ReadonlyArray<readonly [string, AppFactory]> = [
  ['Express 5', express(() => express5())],
  ['Express 4', express(() => express4())],
  ['Koa 3', koa(() => new Koa())],
  ['Koa 2', koa(() => new Koa2())],
  ['Hono', hono(honoApp)],
  ['Hono on @hono/node-server', honoOnNode(honoApp)],
  ['Hono withAuth()', hono(honoWithAuthApp)],
  ['Hono withAuth() on @hono/node-server', honoOnNode(honoWithAuthApp)],
];
