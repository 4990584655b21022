import { getRequestListener } from '@hono/node-server';
import type {
  Authenticator,
  Budget,
  BudgetOptions,
  Principal,
  ProtectedResourceOptions,
  RateLimitOptions,
  ToolScopesOptions,
} from '@portcullis/core';
import { inMemory, listen, type Target } from './http.js';
import {
  type AppFactory,
  type AppSpec,
  ESCAPED_STATUS,
  escapedBody,
  methodsOf,
  type Route,
  respond,
} from './routes.js';

/** What a route's handler receives after the request. */
interface RouteContext {
  readonly auth: Principal | undefined;
  readonly budget: Budget | undefined;
}

/** `withAuth()`'s options, as the harness passes them. */
interface WithAuthOptions {
  authenticator: Authenticator;
  optional?: boolean;
  scopes?: readonly string[];
  anyScopes?: readonly string[];
  actors?: readonly string[];
  tools?: ToolScopesOptions;
  rateLimit?: RateLimitOptions;
  budget?: BudgetOptions;
}

type RouteHandler = (request: Request, context: RouteContext) => Response | Promise<Response>;

/**
 * @portcullis/fetch, as the harness uses it: pass the package (`import * as fetch from
 * '@portcullis/fetch'`), or in its own tests its source. (Described here, not imported: the test
 * kit does not depend on the packages it tests.)
 */
export interface FetchAdapter {
  withAuth(
    handler: RouteHandler,
    options: WithAuthOptions & { optional: true },
  ): (request: Request) => Promise<Response>;
  protectedResource(options: ProtectedResourceOptions): (request: Request) => Response | undefined;
}

/** A fetch app: the request, then whatever the runtime passes (@hono/node-server: its env). */
export type FetchApp = (request: Request, ...rest: unknown[]) => Promise<Response>;

/**
 * Why a route cannot be built with `withAuth()`, or `undefined` when it can. `withAuth()` always
 * authenticates, and nothing runs before it: a scope guard with no authentication (`auth: false`)
 * and a principal attached by other code first (`forge`) have no form on this target. The fetch
 * harness leaves such a route out (its path answers 404), and a suite skips its cases, saying so.
 *
 * @example
 * ```ts
 * const reason = fetchCannotBuild({ path: '/unguarded', auth: false, requireScope: ['a'] });
 * ```
 */
export function fetchCannotBuild(route: Route): string | undefined {
  if (route.forge !== undefined) {
    return 'withAuth() has nothing before it: no other code can attach a principal first (`forge`)';
  }
  if (route.auth === false) {
    return 'withAuth() always authenticates: a scope guard with no authentication (`auth: false`) has no form';
  }
  return undefined;
}

/** A route's path (`/orders/:id`) as a pattern over a request's path. */
function patternOf(path: string): RegExp {
  const segments = path
    .split('/')
    .map((segment) =>
      segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    );
  return new RegExp(`^${segments.join('/')}$`);
}

/** The route's `withAuth()` handler, with its options from the route. */
function handlerOf(
  adapter: FetchAdapter,
  authenticator: Authenticator,
  spec: AppSpec,
  route: Route,
): FetchApp {
  const { optional = false } = route.auth === false ? {} : (route.auth ?? {});
  const options: WithAuthOptions = { authenticator };
  if (route.requireScope) options.scopes = route.requireScope;
  if (route.requireAnyScope) options.anyScopes = route.requireAnyScope;
  if (route.requireActor) options.actors = route.requireActor;
  if (route.requireToolScopes) options.tools = route.requireToolScopes;
  if (route.rateLimit) options.rateLimit = route.rateLimit;
  if (route.budget) options.budget = route.budget;
  const answer: RouteHandler = (_request, { auth, budget }) =>
    respond(spec, route, auth, budget, (body) => Response.json(body));
  // Typed as an optional route's: the handler reads `auth` as possibly undefined either way.
  return adapter.withAuth(answer, { ...options, optional: optional as true });
}

/**
 * One fetch handler for the spec: `protectedResource()` first (when the spec asks for it), then
 * each route by method and path (`:name` matches one segment; a GET route answers HEAD), one
 * `withAuth()` handler per route, its options from the route. Routes that `withAuth()` has no form
 * for ({@link fetchCannotBuild}) are left out. With `catchErrors`, an error a handler throws is
 * answered {@link ESCAPED_STATUS} with `x-escaped: 1`; without it, it rejects the returned promise,
 * as it would reach the runtime.
 *
 * @example
 * ```ts
 * const app = fetchWithAuthApp(adapter, fakeKeysAuthenticator(), { routes: [{ path: '/me' }] });
 * const res = await app(new Request('http://localhost/me', { headers: { 'x-api-key': 'fk_admin' } }));
 * ```
 */
export function fetchWithAuthApp(
  adapter: FetchAdapter,
  authenticator: Authenticator,
  spec: AppSpec,
): FetchApp {
  const metadata =
    spec.protectedResource === undefined
      ? undefined
      : adapter.protectedResource({ ...spec.protectedResource, authenticator });
  const table = spec.routes
    .filter((route) => fetchCannotBuild(route) === undefined)
    .map((route) => ({
      pattern: patternOf(route.path),
      methods: new Set<string>(methodsOf(route).flatMap((m) => (m === 'GET' ? [m, 'HEAD'] : [m]))),
      handler: handlerOf(adapter, authenticator, spec, route),
    }));
  const routed: FetchApp = (request, ...rest) => {
    const early = metadata?.(request);
    if (early !== undefined) return Promise.resolve(early);
    const path = new URL(request.url).pathname;
    const found = table.find((r) => r.methods.has(request.method) && r.pattern.test(path));
    if (found === undefined) return Promise.resolve(new Response('404 Not Found', { status: 404 }));
    return found.handler(request, ...rest);
  };
  if (!spec.catchErrors) return routed;
  return (request, ...rest) =>
    routed(request, ...rest).catch((err: unknown) =>
      Response.json(escapedBody(err), { status: ESCAPED_STATUS, headers: { 'x-escaped': '1' } }),
    );
}

/**
 * The fetch app in memory (each request a `new Request(...)` handed to it; a rejection answered
 * 500, as a runtime would), or on Node over real HTTP through @hono/node-server's
 * `getRequestListener()`, which passes `{ incoming, outgoing }` after the request. The factory
 * carries {@link fetchCannotBuild} as `cannotBuild`.
 *
 * @example
 * ```ts
 * const target = await fetchTarget(fetch, 'node-server')(authenticator, { routes });
 * ```
 */
export function fetchTarget(
  adapter: FetchAdapter,
  runtime: 'memory' | 'node-server' = 'memory',
): AppFactory {
  const factory = async (authenticator: Authenticator, spec: AppSpec): Promise<Target> => {
    const app = fetchWithAuthApp(adapter, authenticator, spec);
    if (runtime === 'node-server') return listen(getRequestListener(app));
    return inMemory({
      request: async (input, init) => {
        const request = new Request(input, init);
        const res = await app(request).catch(
          () => new Response('Internal Server Error', { status: 500 }),
        );
        // Like a server, send no body for HEAD.
        return request.method === 'HEAD' ? new Response(null, res) : res;
      },
    });
  };
  return Object.assign(factory, { cannotBuild: fetchCannotBuild });
}
