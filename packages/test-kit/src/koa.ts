/// <reference path="./framework-aliases.d.ts" />
import { Router } from '@koa/router';
import type { Authenticator, Budget, Principal } from '@portcullis/core';
import Koa, { type Middleware } from 'koa';
import Koa2 from 'koa2';
import { listen, type Target } from './http.js';
import {
  type Adapter,
  type AppFactory,
  type AppSpec,
  ESCAPED_STATUS,
  escapedBody,
  guardsOf,
  methodsOf,
  respond,
} from './routes.js';

/** Both majors, so a test runs on Koa 3 and on Koa 2. */
export const KOAS: ReadonlyArray<readonly [string, () => Koa]> = [
  ['Koa 3', () => new Koa()],
  ['Koa 2', () => new Koa2()],
];

type State = { auth?: Principal; budget?: Budget };

/**
 * A quiet Koa app with the spec's routes on @koa/router, mounted with `adapter`'s middleware.
 *
 * @example
 * ```ts
 * const app = koaApp(adapter, fakeKeysAuthenticator(), { routes: [{ path: '/me' }] });
 * ```
 */
export function koaApp(
  adapter: Adapter<Middleware>,
  authenticator: Authenticator,
  spec: AppSpec,
  make: () => Koa = () => new Koa(),
): Koa {
  const app = make();
  app.silent = true;
  if (spec.catchErrors) {
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (err) {
        ctx.status = ESCAPED_STATUS;
        ctx.set('x-escaped', '1');
        ctx.body = escapedBody(err);
      }
    });
  }
  if (spec.protectedResource !== undefined) {
    app.use(adapter.protectedResource({ ...spec.protectedResource, authenticator }));
  }
  const router = new Router();
  for (const route of spec.routes) {
    const chain: Middleware[] = [];
    if (route.forge !== undefined) {
      const forged = route.forge;
      chain.push((ctx, next) => {
        (ctx.state as State).auth = forged;
        return next();
      });
    }
    if (route.auth !== false) chain.push(adapter.authenticate(authenticator, route.auth ?? {}));
    chain.push(...guardsOf(adapter, route));
    chain.push((ctx) => {
      const { auth, budget } = ctx.state as State;
      return respond(spec, route, auth, budget, (body) => {
        ctx.body = body;
      });
    });
    for (const method of methodsOf(route)) {
      if (method === 'GET') router.get(route.path, ...chain);
      else router.post(route.path, ...chain);
    }
  }
  app.use(router.routes());
  return app;
}

/**
 * An {@link AppFactory} for one Koa major, served over real HTTP.
 *
 * @example
 * ```ts
 * const target = await koaTarget(koa)(authenticator, { routes });
 * ```
 */
export function koaTarget(
  adapter: Adapter<Middleware>,
  make: () => Koa = () => new Koa(),
): AppFactory {
  return (authenticator, spec): Promise<Target> =>
    listen(koaApp(adapter, authenticator, spec, make).callback());
}
