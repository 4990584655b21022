/// <reference path="./framework-aliases.d.ts" />
import type { Authenticator, Budget, Principal } from '@portcullis/core';
import express5, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import express4 from 'express4';
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

/** Both majors, so a test runs on Express 5 and on Express 4. */
export const EXPRESSES: ReadonlyArray<readonly [string, () => Express]> = [
  ['Express 5', () => express5()],
  ['Express 4', () => express4()],
];

type Req = { auth?: Principal; budget?: Budget };

/**
 * An Express app with the spec's routes, mounted with `adapter`'s middleware.
 *
 * @example
 * ```ts
 * const app = expressApp(adapter, fakeKeysAuthenticator(), { routes: [{ path: '/me' }] });
 * ```
 */
export function expressApp(
  adapter: Adapter<RequestHandler>,
  authenticator: Authenticator,
  spec: AppSpec,
  make: () => Express = express5,
): Express {
  const app = make();
  app.disable('x-powered-by');
  if (spec.protectedResource !== undefined) {
    app.use(adapter.protectedResource({ ...spec.protectedResource, authenticator }));
  }
  for (const route of spec.routes) {
    const chain: RequestHandler[] = [];
    if (route.forge !== undefined) {
      const forged = route.forge;
      chain.push((req, _res, next) => {
        (req as Req).auth = forged;
        next();
      });
    }
    if (route.auth !== false) chain.push(adapter.authenticate(authenticator, route.auth ?? {}));
    chain.push(...guardsOf(adapter, route));
    chain.push((req, res, next) => {
      const { auth, budget } = req as Req;
      const done = respond(spec, route, auth, budget, (body) => res.json(body));
      if (done instanceof Promise) done.catch(next);
    });
    const routed = app.route(route.path);
    for (const method of methodsOf(route)) {
      if (method === 'GET') routed.get(...chain);
      else routed.post(...chain);
    }
  }
  if (spec.catchErrors) {
    const caught: ErrorRequestHandler = (err, _req, res, _next) => {
      res.status(ESCAPED_STATUS).set('x-escaped', '1').json(escapedBody(err));
    };
    app.use(caught);
  }
  return app;
}

/**
 * An {@link AppFactory} for one Express major, served over real HTTP.
 *
 * @example
 * ```ts
 * const target = await expressTarget(express)(authenticator, { routes });
 * ```
 */
export function expressTarget(
  adapter: Adapter<RequestHandler>,
  make: () => Express = express5,
): AppFactory {
  return (authenticator, spec): Promise<Target> =>
    listen(expressApp(adapter, authenticator, spec, make));
}
