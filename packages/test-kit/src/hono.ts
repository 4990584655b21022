import { getRequestListener } from '@hono/node-server';
import type {
  Authenticator,
  Budget,
  BudgetOptions,
  Principal,
  RateLimitOptions,
} from '@portcullis/core';
import { type Context, type Handler, Hono, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { inMemory, listen, type Target } from './http.js';
import {
  type Adapter,
  type AppFactory,
  type AppSpec,
  type AuthOptions,
  ESCAPED_STATUS,
  escapedBody,
  guardsOf,
  methodsOf,
  type Route,
  respond,
} from './routes.js';

/** What `withAuth()`'s options take besides `authenticate()`'s. */
interface WithAuthOptions extends Omit<AuthOptions, 'optional'> {
  requireScope?: string[];
  requireAnyScope?: string[];
  rateLimit?: RateLimitOptions;
  budget?: BudgetOptions;
}

type RouteHandler = (c: Context) => Response | Promise<Response>;

/** @portcullis/hono: the three names, and `withAuth()` (typed apart for optional routes). */
export interface HonoAdapter extends Adapter<MiddlewareHandler> {
  withAuth(
    authenticator: Authenticator,
    handler: RouteHandler,
    options: WithAuthOptions & { optional: true },
  ): Handler;
  withAuth(
    authenticator: Authenticator,
    handler: RouteHandler,
    options?: WithAuthOptions & { optional?: false },
  ): Handler;
}

type Variables = { auth?: Principal; budget?: Budget };

function handlerOf(spec: AppSpec, route: Route): RouteHandler {
  return (c: Context) => {
    const { auth, budget } = c.var as Variables;
    return respond(spec, route, auth, budget, (body) => c.json(body as object));
  };
}

/** The route as middleware: forge, `authenticate()`, the guards, the handler. */
function middlewareRoute(
  app: Hono,
  adapter: Adapter<MiddlewareHandler>,
  authenticator: Authenticator,
  spec: AppSpec,
  route: Route,
) {
  const chain: MiddlewareHandler[] = [];
  if (route.forge !== undefined) {
    const forged = route.forge;
    chain.push(async (c, next) => {
      c.set('auth' as never, forged as never);
      await next();
    });
  }
  if (route.auth !== false) chain.push(adapter.authenticate(authenticator, route.auth ?? {}));
  chain.push(...guardsOf(adapter, route));
  app.on([...methodsOf(route)], [route.path], ...chain, handlerOf(spec, route));
}

/** A new app, with `protectedResource()` on every path when the spec asks for it. */
function newApp(adapter: Adapter<MiddlewareHandler>, authenticator: Authenticator, spec: AppSpec) {
  const app = new Hono();
  if (spec.protectedResource !== undefined) {
    app.use(adapter.protectedResource({ ...spec.protectedResource, authenticator }));
  }
  return app;
}

function onErrors(app: Hono, spec: AppSpec): Hono {
  if (spec.catchErrors) {
    app.onError((err, c) => {
      // Hono's way to answer from a middleware (the adapter's default `errors: 'throw'`).
      if (err instanceof HTTPException) return err.getResponse();
      c.header('x-escaped', '1');
      return c.json(escapedBody(err), ESCAPED_STATUS);
    });
  }
  return app;
}

/**
 * A Hono app with the spec's routes, mounted with `adapter`'s middleware.
 *
 * @example
 * ```ts
 * const app = honoApp(adapter, fakeKeysAuthenticator(), { routes: [{ path: '/me' }] });
 * ```
 */
export function honoApp(
  adapter: Adapter<MiddlewareHandler>,
  authenticator: Authenticator,
  spec: AppSpec,
): Hono {
  const app = newApp(adapter, authenticator, spec);
  for (const route of spec.routes) middlewareRoute(app, adapter, authenticator, spec, route);
  return onErrors(app, spec);
}

/**
 * The same routes with no middleware: each one handler wrapped in `withAuth()`, the route's
 * `auth` options, scopes, rate limit and budget passed to it. A route that forges a principal,
 * mounts no `authenticate()` or needs `requireToolScopes()` or `requireActor()` stays middleware,
 * as withAuth() has no form for it. `protectedResource()` is middleware on the whole app in both.
 *
 * @example
 * ```ts
 * const app = honoWithAuthApp(adapter, fakeKeysAuthenticator(), { routes: [{ path: '/me' }] });
 * ```
 */
export function honoWithAuthApp(
  adapter: HonoAdapter,
  authenticator: Authenticator,
  spec: AppSpec,
): Hono {
  const app = newApp(adapter, authenticator, spec);
  for (const route of spec.routes) {
    if (
      route.auth === false ||
      route.forge !== undefined ||
      route.requireToolScopes ||
      route.requireActor
    ) {
      middlewareRoute(app, adapter, authenticator, spec, route);
      continue;
    }
    const { optional, ...auth } = route.auth ?? {};
    const options: WithAuthOptions = auth;
    if (route.requireScope) options.requireScope = [...route.requireScope];
    if (route.requireAnyScope) options.requireAnyScope = [...route.requireAnyScope];
    if (route.rateLimit) options.rateLimit = route.rateLimit;
    if (route.budget) options.budget = route.budget;
    const handler = handlerOf(spec, route);
    app.on(
      [...methodsOf(route)],
      [route.path],
      optional === true
        ? adapter.withAuth(authenticator, handler, { ...options, optional })
        : adapter.withAuth(authenticator, handler, options),
    );
  }
  return onErrors(app, spec);
}

/**
 * Hono in memory (`app.request()`), or on Node over real HTTP through @hono/node-server.
 *
 * @example
 * ```ts
 * const target = await honoTarget(hono, honoApp, 'node-server')(authenticator, { routes });
 * ```
 */
export function honoTarget<A extends Adapter<MiddlewareHandler>>(
  adapter: A,
  build: (adapter: A, authenticator: Authenticator, spec: AppSpec) => Hono,
  runtime: 'memory' | 'node-server' = 'memory',
): AppFactory {
  return async (authenticator, spec): Promise<Target> => {
    const app = build(adapter, authenticator, spec);
    return runtime === 'memory' ? inMemory(app) : listen(getRequestListener(app.fetch));
  };
}
