import type { RequestHandler } from 'express';
import type { Middleware } from 'koa';
import { EXPRESSES, expressTarget } from './express.js';
import { FASTIFIES, type FastifyAdapter, fastifyTarget } from './fastify.js';
import { type FetchAdapter, fetchTarget } from './fetch.js';
import { type HonoAdapter, honoApp, honoTarget, honoWithAuthApp } from './hono.js';
import { KOAS, koaTarget } from './koa.js';
import type { Adapter, AppFactory } from './routes.js';

/** The three adapter packages, as imported (`import * as express from '@portcullis/express'`). */
export interface Adapters {
  express: Adapter<RequestHandler>;
  koa: Adapter<Middleware>;
  hono: HonoAdapter;
  /** @portcullis/fastify: `onRequest` and `preHandler` hooks, and its plugin. */
  fastify: FastifyAdapter;
  /** @portcullis/fetch: one `withAuth()` handler per route, routed by path. */
  fetch: FetchAdapter;
}

/**
 * Every app a cross-package suite runs on, by name: Express 5 and 4, Koa 3 and 2 and Fastify 5
 * and 4 over real HTTP, and Hono in memory and on @hono/node-server, with middleware and with
 * `withAuth()` handlers; and `@portcullis/fetch`'s `withAuth()` handlers, in memory and on
 * @hono/node-server (whose factories say, through `cannotBuild`, which routes they leave out).
 *
 * @example
 * ```ts
 * describe.each(allTargets({ express, koa, hono, fastify, fetch }))('%s', (_name, factory) => {
 *   ...
 * });
 * ```
 */
export function allTargets(adapters: Adapters): ReadonlyArray<readonly [string, AppFactory]> {
  return [
    ...EXPRESSES.map(([name, make]) => [name, expressTarget(adapters.express, make)] as const),
    ...KOAS.map(([name, make]) => [name, koaTarget(adapters.koa, make)] as const),
    ...FASTIFIES.map(([name, make]) => [name, fastifyTarget(adapters.fastify, make)] as const),
    ['Hono', honoTarget(adapters.hono, honoApp)],
    ['Hono on @hono/node-server', honoTarget(adapters.hono, honoApp, 'node-server')],
    ['Hono withAuth()', honoTarget(adapters.hono, honoWithAuthApp)],
    [
      'Hono withAuth() on @hono/node-server',
      honoTarget(adapters.hono, honoWithAuthApp, 'node-server'),
    ],
    ['fetch withAuth()', fetchTarget(adapters.fetch)],
    ['fetch withAuth() on @hono/node-server', fetchTarget(adapters.fetch, 'node-server')],
  ];
}

/**
 * One of {@link allTargets}, by its name.
 *
 * @example
 * ```ts
 * const koa3 = targetNamed({ express, koa, hono, fastify, fetch }, 'Koa 3');
 * ```
 */
export function targetNamed(adapters: Adapters, name: string): AppFactory {
  const found = allTargets(adapters).find(([n]) => n === name);
  if (found === undefined) throw new TypeError(`no target named ${JSON.stringify(name)}`);
  return found[1];
}
