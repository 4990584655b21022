import type { RequestHandler } from 'express';
import type { Middleware } from 'koa';
import { EXPRESSES, expressTarget } from './express.js';
import { type HonoAdapter, honoApp, honoTarget, honoWithAuthApp } from './hono.js';
import { KOAS, koaTarget } from './koa.js';
import type { Adapter, AppFactory } from './routes.js';

/** The three adapter packages, as imported (`import * as express from '@portcullis/express'`). */
export interface Adapters {
  express: Adapter<RequestHandler>;
  koa: Adapter<Middleware>;
  hono: HonoAdapter;
}

/**
 * Every app a cross-package suite runs on, by name: Express 5 and 4 and Koa 3 and 2 over real
 * HTTP, and Hono in memory and on @hono/node-server, with middleware and with `withAuth()`
 * handlers.
 *
 * @example
 * ```ts
 * describe.each(allTargets({ express, koa, hono }))('%s', (_name, factory) => { ... });
 * ```
 */
export function allTargets(adapters: Adapters): ReadonlyArray<readonly [string, AppFactory]> {
  return [
    ...EXPRESSES.map(([name, make]) => [name, expressTarget(adapters.express, make)] as const),
    ...KOAS.map(([name, make]) => [name, koaTarget(adapters.koa, make)] as const),
    ['Hono', honoTarget(adapters.hono, honoApp)],
    ['Hono on @hono/node-server', honoTarget(adapters.hono, honoApp, 'node-server')],
    ['Hono withAuth()', honoTarget(adapters.hono, honoWithAuthApp)],
    [
      'Hono withAuth() on @hono/node-server',
      honoTarget(adapters.hono, honoWithAuthApp, 'node-server'),
    ],
  ];
}

/**
 * One of {@link allTargets}, by its name.
 *
 * @example
 * ```ts
 * const koa3 = targetNamed({ express, koa, hono }, 'Koa 3');
 * ```
 */
export function targetNamed(adapters: Adapters, name: string): AppFactory {
  const found = allTargets(adapters).find(([n]) => n === name);
  if (found === undefined) throw new TypeError(`no target named ${JSON.stringify(name)}`);
  return found[1];
}
