import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Authenticator } from '@portcullis/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import supertest from 'supertest';

/** The three frameworks every scenario runs on. */
export const ADAPTERS = ['express', 'koa', 'hono'] as const;
/** The frameworks, and Hono's `withAuth()` handlers (no middleware), as a fourth target. */
export const TARGETS = [...ADAPTERS, 'hono-with-auth'] as const;
/** One of {@link TARGETS}. */
export type AdapterName = (typeof TARGETS)[number];

/** Request headers as pairs, so a header can be sent twice. */
export type HeaderPairs = ReadonlyArray<readonly [string, string]>;

/** What an app answered. `status` is -1 when the HTTP client refused to send the request. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The client's refusal (a header value HTTP cannot carry), when `status` is -1. */
  refused?: string;
}

/** A tiny app with the routes every scenario uses. */
export interface TestApp {
  adapter: AdapterName;
  /** `GET path` with these headers. */
  get(path: string, headers?: HeaderPairs | Record<string, string>): Promise<Answer>;
}

// The routes: /private (authenticate), /admin (authenticate + requireScope('admin')),
// /any (requireAnyScope('admin', 'root')), /optional (authenticate optional),
// /misconfigured (requireScope('admin') with no authenticate: must fail closed),
// /tamper (a handler that tries to grant itself 'admin' by mutating the principal).
// A 200 answers the principal's method, subject and scopes, nothing secret.

interface AdapterModule {
  authenticate(authenticator: Authenticator, options?: { optional?: boolean }): unknown;
  requireScope(...scopes: string[]): unknown;
  requireAnyScope(...scopes: string[]): unknown;
}

interface WithAuthModule {
  withAuth(
    authenticator: Authenticator,
    handler: (c: import('hono').Context) => unknown,
    options?: { optional?: boolean; requireScope?: string[]; requireAnyScope?: string[] },
  ): import('hono').Handler;
}

interface PrincipalLike {
  method?: unknown;
  subject?: unknown;
  scopes?: unknown;
}

// What a careless or hostile handler might do to the principal it was given.
function tamper(principal: PrincipalLike | null | undefined): void {
  if (principal === null || principal === undefined) return;
  const p = principal as { scopes?: unknown; claims?: Record<string, unknown> };
  const attempts = [
    () => (p.scopes as string[]).push('admin'),
    () => {
      (p.scopes as string[])[0] = 'admin';
    },
    () => {
      if (p.claims) p.claims['scope'] = 'read admin';
    },
    () => {
      if (p.claims) Object.assign(p.claims, { scope: 'admin', scp: ['admin'] });
    },
  ];
  for (const attempt of attempts) {
    try {
      attempt();
    } catch {
      // Frozen: good.
    }
  }
}

function summary(principal: PrincipalLike | null | undefined) {
  if (principal === null || principal === undefined) return { ok: true, anonymous: true };
  return {
    ok: true,
    method: principal.method,
    subject: principal.subject,
    scopes: principal.scopes,
  };
}

// Node refuses request headers above 16 KiB with 431 before any app runs; the oversized-token
// scenarios must reach the middleware, so the test servers accept up to 1 MiB of headers.
const MAX_HEADER_SIZE = 1024 * 1024;

function server(listener: Parameters<typeof createServer>[1]): Server {
  return createServer({ maxHeaderSize: MAX_HEADER_SIZE }, listener);
}

async function expressApp(authenticator: Authenticator): Promise<Server> {
  const { default: express } = await import('express');
  const m = (await import('@portcullis/express')) as unknown as AdapterModule;
  const app = express();
  app.disable('x-powered-by');
  const auth = m.authenticate(authenticator) as RequestHandler;
  const optional = m.authenticate(authenticator, { optional: true }) as RequestHandler;
  const send = (req: Request, res: Response) => {
    res.json(summary((req as unknown as { auth?: PrincipalLike | null }).auth));
  };
  app.get('/private', auth, send);
  app.get('/admin', auth, m.requireScope('admin') as RequestHandler, send);
  app.get('/any', auth, m.requireAnyScope('admin', 'root') as RequestHandler, send);
  app.get('/optional', optional, send);
  app.get('/misconfigured', m.requireScope('admin') as RequestHandler, send);
  app.get('/tamper', auth, (req, res) => {
    tamper((req as unknown as { auth?: PrincipalLike }).auth);
    send(req, res);
  });
  // Anything that escapes the adapter lands here: the scenarios assert it never does.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    void err;
    res.status(500).set('x-escaped', '1').json({ escaped: true });
  });
  return server(app);
}

async function koaApp(authenticator: Authenticator): Promise<Server> {
  const { default: Koa } = await import('koa');
  const { default: Router } = await import('@koa/router');
  const m = (await import('@portcullis/koa')) as unknown as AdapterModule;
  type Mw = Parameters<InstanceType<typeof Router>['get']>[1];
  const app = new Koa();
  app.silent = true;
  const router = new Router();
  const auth = m.authenticate(authenticator) as Mw;
  const optional = m.authenticate(authenticator, { optional: true }) as Mw;
  const send: Mw = (ctx) => {
    ctx.body = summary((ctx.state as { auth?: PrincipalLike | null }).auth);
  };
  router.get('/private', auth, send);
  router.get('/admin', auth, m.requireScope('admin') as Mw, send);
  router.get('/any', auth, m.requireAnyScope('admin', 'root') as Mw, send);
  router.get('/optional', optional, send);
  router.get('/misconfigured', m.requireScope('admin') as Mw, send);
  router.get('/tamper', auth, (ctx) => {
    tamper((ctx.state as { auth?: PrincipalLike }).auth);
    ctx.body = summary((ctx.state as { auth?: PrincipalLike }).auth);
  });
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      // An error that escapes the adapter: the scenarios assert it never does.
      void err;
      ctx.status = 500;
      ctx.set('x-escaped', '1');
      ctx.body = { escaped: true };
    }
  });
  app.use(router.routes());
  return server(app.callback());
}

async function honoApp(authenticator: Authenticator, withAuth = false) {
  const { Hono } = await import('hono');
  const m = (await import('@portcullis/hono')) as unknown as AdapterModule & WithAuthModule;
  type Mw = import('hono').MiddlewareHandler;
  const app = new Hono();
  const auth = m.authenticate(authenticator) as Mw;
  const optional = m.authenticate(authenticator, { optional: true }) as Mw;
  const send = (c: import('hono').Context) =>
    c.json(summary((c.var as { auth?: PrincipalLike | null }).auth) as object);
  const tampered = (c: import('hono').Context) => {
    tamper((c.var as { auth?: PrincipalLike }).auth);
    return send(c);
  };
  if (withAuth) {
    // Each route one handler, wrapped in withAuth(): no middleware at all.
    app.get('/private', m.withAuth(authenticator, send));
    app.get('/admin', m.withAuth(authenticator, send, { requireScope: ['admin'] }));
    app.get('/any', m.withAuth(authenticator, send, { requireAnyScope: ['admin', 'root'] }));
    app.get('/optional', m.withAuth(authenticator, send, { optional: true }));
    app.get('/tamper', m.withAuth(authenticator, tampered));
  } else {
    app.get('/private', auth, send);
    app.get('/admin', auth, m.requireScope('admin') as Mw, send);
    app.get('/any', auth, m.requireAnyScope('admin', 'root') as Mw, send);
    app.get('/optional', optional, send);
    app.get('/tamper', auth, tampered);
  }
  app.get('/misconfigured', m.requireScope('admin') as Mw, send);
  const { HTTPException } = await import('hono/http-exception');
  app.onError((err, c) => {
    // Hono's way to answer from a middleware (the adapter's default `errors: 'throw'`).
    if (err instanceof HTTPException) return err.getResponse();
    c.header('x-escaped', '1');
    return c.json({ escaped: true }, 500);
  });
  return app;
}

function pairsOf(headers: HeaderPairs | Record<string, string> | undefined): HeaderPairs {
  if (headers === undefined) return [];
  return Array.isArray(headers) ? headers : Object.entries(headers);
}

// Errors by which an HTTP client refuses to send a header value HTTP cannot carry.
const CLIENT_REFUSALS = new Set([
  'ERR_INVALID_CHAR',
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_INVALID_HTTP_TOKEN',
]);

function refused(err: unknown): Answer {
  const code = (err as { code?: unknown } | null)?.code;
  const isClientRefusal =
    (typeof code === 'string' && CLIENT_REFUSALS.has(code)) || err instanceof TypeError;
  // Anything else (a reset connection, a crashed server) is a real failure of the scenario.
  if (!isClientRefusal) throw err;
  return { status: -1, headers: {}, body: '', refused: String(code ?? 'TypeError') };
}

/**
 * Build the scenario app on one target: Express 5 and Koa 3 over real HTTP (supertest), Hono
 * in memory (`app.request`), with middleware or (`hono-with-auth`) with `withAuth()` handlers.
 *
 * @example
 * ```ts
 * const app = await buildApp('koa', authenticator);
 * const answer = await app.get('/private', { authorization: `Bearer ${token}` });
 * ```
 */
export async function buildApp(
  adapter: AdapterName,
  authenticator: Authenticator,
): Promise<TestApp> {
  if (adapter === 'hono' || adapter === 'hono-with-auth') {
    const app = await honoApp(authenticator, adapter === 'hono-with-auth');
    return {
      adapter,
      async get(path, headers) {
        let init: Headers;
        try {
          init = new Headers();
          for (const [name, value] of pairsOf(headers)) init.append(name, value);
        } catch (err) {
          return refused(err);
        }
        const res = await app.request(`http://localhost${path}`, { headers: init });
        return {
          status: res.status,
          headers: Object.fromEntries(res.headers.entries()),
          body: await res.text(),
        };
      },
    };
  }
  const srv = adapter === 'express' ? await expressApp(authenticator) : await koaApp(authenticator);
  // Listen once (not once a request, as supertest does for an idle server); unref'd, so the
  // worker can exit with it open.
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  srv.unref();
  const { port } = srv.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    adapter,
    async get(path, headers) {
      const grouped = new Map<string, string[]>();
      // Header names are case-insensitive: `X-Api-Key` and `x-api-key` are one header, sent twice.
      for (const [name, value] of pairsOf(headers)) {
        const lower = name.toLowerCase();
        grouped.set(lower, [...(grouped.get(lower) ?? []), value]);
      }
      let req = supertest(origin).get(path);
      try {
        for (const [name, values] of grouped) {
          req = req.set(name, (values.length === 1 ? values[0]! : values) as string);
        }
        const res = await req;
        return {
          status: res.status,
          headers: Object.fromEntries(
            Object.entries(res.headers).map(([k, v]) => [
              k,
              Array.isArray(v) ? v.join(', ') : String(v),
            ]),
          ),
          body: res.text,
        };
      } catch (err) {
        return refused(err);
      }
    },
  };
}
