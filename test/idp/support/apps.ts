// The same small API on Express, Koa, Hono and Fastify, each on 127.0.0.1 at a port of its own,
// called with fetch: `/me` needs any valid token, `/orders` the scope `orders:read`,
// `/orders/write` the scope `orders:write`. Each answers what it saw of the principal.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Router } from '@koa/router';
import {
  type AuthEvent,
  type Authenticator,
  createAuthenticator,
  type JwtOptions,
  jwt,
  type Method,
  type Principal,
} from '@portcullis/core';
import * as ex from '@portcullis/express';
import * as fa from '@portcullis/fastify';
import * as ho from '@portcullis/hono';
import * as ko from '@portcullis/koa';
import express from 'express';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { onTestFinished } from 'vitest';
import { type Idp, jwtOptionsFor } from './provider.js';

/** The frameworks every case runs through. */
export const ADAPTERS = ['Express', 'Koa', 'Hono', 'Fastify'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

/** The routes of the API. */
export type Route = '/me' | '/orders' | '/orders/write';

/** What a route answers for an authenticated request. */
export interface Seen {
  subject: string;
  scopes: string[];
  /** `Principal.client`: the token's `client_id` (or `azp`). */
  client: string | undefined;
  /** `Principal.confirmation.jkt`: the DPoP key a bound token was proven with (absent else). */
  jkt?: string;
}

const seen = (p: Principal | undefined): Seen | undefined =>
  p && {
    subject: p.subject,
    scopes: [...p.scopes],
    client: p.client,
    ...(p.confirmation && { jkt: p.confirmation.jkt }),
  };

async function listenerFor(
  adapter: AdapterName,
  authenticator: Authenticator,
): Promise<RequestListener> {
  switch (adapter) {
    case 'Express': {
      const app = express();
      const auth = ex.authenticate(authenticator);
      const handler: express.RequestHandler = (req, res) => {
        res.json(seen(req.auth));
      };
      app.get('/me', auth, handler);
      app.get('/orders', auth, ex.requireScope('orders:read'), handler);
      app.get('/orders/write', auth, ex.requireScope('orders:write'), handler);
      return app as RequestListener;
    }
    case 'Koa': {
      const app = new Koa();
      app.silent = true;
      const router = new Router();
      const auth = ko.authenticate(authenticator);
      const handler = (ctx: Koa.Context) => {
        ctx.body = seen(ctx.state.auth);
      };
      router.get('/me', auth, handler);
      router.get('/orders', auth, ko.requireScope('orders:read'), handler);
      router.get('/orders/write', auth, ko.requireScope('orders:write'), handler);
      app.use(router.routes());
      return app.callback();
    }
    case 'Hono': {
      const app = new Hono();
      const auth = ho.authenticate(authenticator);
      app.get('/me', auth, (c) => c.json(seen(c.var.auth)));
      app.get('/orders', auth, ho.requireScope('orders:read'), (c) => c.json(seen(c.var.auth)));
      app.get('/orders/write', auth, ho.requireScope('orders:write'), (c) =>
        c.json(seen(c.var.auth)),
      );
      return getRequestListener(app.fetch);
    }
    case 'Fastify': {
      const app = Fastify();
      await app.register(fa.portcullis, { authenticator });
      const handler = async (request: FastifyRequest, reply: FastifyReply) =>
        reply.send(seen(request.auth ?? undefined));
      app.get('/me', { onRequest: app.authenticate }, handler);
      app.get(
        '/orders',
        { onRequest: app.authenticate, preHandler: fa.requireScope('orders:read') },
        handler,
      );
      app.get(
        '/orders/write',
        { onRequest: app.authenticate, preHandler: fa.requireScope('orders:write') },
        handler,
      );
      await app.ready();
      return (req, res) => app.routing(req, res);
    }
  }
}

/** One answer of the API, with the audit event of the attempt. */
export interface Answer {
  status: number;
  /** `WWW-Authenticate`, or `''`. */
  challenge: string;
  body: Record<string, unknown>;
  /** The principal the route saw, on a 200. */
  seen: Seen | undefined;
  /** The `code` of the last audit event (`OK` on success). */
  code: string | undefined;
}

/** A running API. */
export interface Api {
  readonly adapter: AdapterName;
  readonly events: AuthEvent[];
  /** `http://127.0.0.1:<port>`, where the API listens. */
  readonly url: string;
  /** `GET path` with `Authorization: Bearer <token>`. */
  get(path: Route, token: string): Promise<Answer>;
  /** `GET path` with these headers (`Authorization: DPoP …` and a `DPoP` proof, say). */
  send(path: Route, headers: Record<string, string>): Promise<Answer>;
  close(): Promise<void>;
}

/** What an API is built from: its methods, and optionally a clock (epoch ms). */
export interface ApiOptions {
  methods: Method[];
  now?: () => number;
}

/**
 * Start the API on `adapter` over a fresh authenticator.
 *
 * @example
 * ```ts
 * const api = await startApi('Koa', { methods: [jwt(options)] });
 * expect((await api.get('/me', token)).status).toBe(200);
 * ```
 */
export async function startApi(adapter: AdapterName, options: ApiOptions): Promise<Api> {
  const events: AuthEvent[] = [];
  const authenticator = createAuthenticator({
    methods: options.methods,
    ...(options.now && { now: options.now }),
    onEvent: (e) => {
      events.push(e);
    },
  });
  const server: Server = createServer(await listenerFor(adapter, authenticator));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const send = async (path: Route, headers: Record<string, string>): Promise<Answer> => {
    const before = events.length;
    const res = await fetch(`${url}${path}`, { headers });
    const text = await res.text();
    const body = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
    return {
      status: res.status,
      challenge: res.headers.get('www-authenticate') ?? '',
      body,
      seen: res.status === 200 ? (body as unknown as Seen) : undefined,
      code: events.slice(before).at(-1)?.code,
    };
  };
  return {
    adapter,
    events,
    url,
    get: (path, token) => send(path, { authorization: `Bearer ${token}` }),
    send,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * {@link startApi} for the running test only: the API closes when the test finishes.
 *
 * @example
 * ```ts
 * const api = await testApi('Hono', { methods: [jwt(jwtOptionsFor(a)), jwt(jwtOptionsFor(b))] });
 * ```
 */
export async function testApi(adapter: AdapterName, options: ApiOptions): Promise<Api> {
  const started = await startApi(adapter, options);
  onTestFinished(() => started.close());
  return started;
}

/**
 * A test's API trusting `idp` through the recipe's `jwt()` options, with `options` on top and an
 * optional clock (epoch ms).
 *
 * @example
 * ```ts
 * const api = await idpApi('Koa', idp, { jwksOptions: { cacheMaxAge: 60_000 } }, () => clock.now);
 * ```
 */
export function idpApi(
  adapter: AdapterName,
  idp: Idp,
  options: Partial<JwtOptions> = {},
  now?: () => number,
): Promise<Api> {
  const method = jwt({ ...jwtOptionsFor(idp), ...options });
  return testApi(adapter, { methods: [method], ...(now && { now }) });
}
