import type { AuthError, Principal } from '@portcullis/core';
import {
  type AuthState,
  type Awaitable,
  actorGuard,
  adapterOptions,
  authenticateThen,
  checkOptions,
  fromFetchRequest,
  isPromiseLike,
  type LimitAnswer,
  type RequestAuth,
  type RequestView,
  rememberAuth,
  runLimits,
  scopeGuard,
  toolScopeGuard,
  withAuthLimits,
} from '@portcullis/core/adapter';
import { errorAnswer, withHeaders } from './answer.js';
import type {
  AuthContext,
  AuthHandler,
  FetchHandler,
  OptionalAuthContext,
  WithAuthOptions,
} from './types.js';

const OPTIONS = [
  'authenticator',
  'optional',
  'scopes',
  'anyScopes',
  'actors',
  'tools',
  'rateLimit',
  'budget',
] as const;

/** One guard's per-request check: `undefined` to pass, else the error to answer. */
type Guard = (state: AuthState, request: Request, view: RequestView) => AuthError | undefined;
type Handler = AuthHandler<Request, unknown[], OptionalAuthContext>;
/** The context a handler receives, filled in as the checks pass. */
type Context = { auth: Principal | undefined; budget: OptionalAuthContext['budget'] };

function fail(message: string): never {
  throw new TypeError(`withAuth(): ${message}`);
}

/** The guards the options ask for, in their order: scopes, any scopes, actors, tools. */
function guardsOf(options: WithAuthOptions): Guard[] {
  const guards: Guard[] = [];
  for (const [name, mode] of [
    ['scopes', 'all'],
    ['anyScopes', 'any'],
  ] as const) {
    const scopes = options[name];
    if (scopes === undefined) continue;
    if (!Array.isArray(scopes)) fail(`\`${name}\` must be an array of scopes`);
    const check = scopeGuard(mode, scopes);
    guards.push((state) => check(state));
  }
  const { actors, tools } = options;
  if (actors !== undefined) {
    if (typeof actors !== 'function' && !Array.isArray(actors)) {
      fail('`actors` must be an array of actor subjects or a function (actor) => boolean');
    }
    const check = actorGuard(actors);
    guards.push((state) => check(state));
  }
  if (tools !== undefined) {
    const check = toolScopeGuard('withAuth({ tools })', tools);
    guards.push((state, request, view) => check(state, request.method, view));
  }
  return guards;
}

/**
 * Wrap a fetch handler — `(request, ...rest) => Response` — so it runs only for an authenticated
 * caller with what the route needs, on any runtime with the Fetch API: Next.js route handlers,
 * `Bun.serve`, `Deno.serve`, Cloudflare Workers, `@hono/node-server`. The handler receives the
 * request, `{ auth, budget }`, and every further argument the runtime passed (Workers: `env`,
 * `ctx`; Bun: `server`; Deno: `info`; Next.js: `{ params }`). The checks run in the order of the
 * options: authenticate, `scopes` (all), `anyScopes` (one), `actors`, `tools` (MCP per-tool
 * scopes), `rateLimit`, `budget`. A failure is answered as every Portcullis adapter answers it
 * (status, `WWW-Authenticate` or `Retry-After`, `Cache-Control: no-store`, JSON body); the limits'
 * `RateLimit-Policy` and `RateLimit` headers are added to the handler's response, a copy of it
 * when its headers are immutable (a `fetch()` response, `Response.redirect()`). An error the
 * handler throws is the returned promise's rejection, for the runtime's own error handling.
 * Mistakes in the options throw a `TypeError` here, at startup. When nothing has to be waited
 * for (a cached token or API key record, the memory limit store), the handler is called at once
 * and its own promise returned, with no promise hop in between.
 *
 * @example
 * ```ts
 * import { withAuth } from '@portcullis/fetch';
 *
 * export const GET = withAuth(
 *   (request, { auth }) => Response.json({ caller: auth.subject }),
 *   { authenticator, scopes: ['orders:read'], rateLimit: { limit: 100, window: 60 } },
 * );
 * ```
 */
export function withAuth<Req extends Request = Request, Rest extends unknown[] = []>(
  handler: AuthHandler<Req, Rest, OptionalAuthContext>,
  options: WithAuthOptions & { optional: true },
): FetchHandler<Req, Rest>;
export function withAuth<Req extends Request = Request, Rest extends unknown[] = []>(
  handler: AuthHandler<Req, Rest, AuthContext>,
  options: WithAuthOptions & { optional?: false },
): FetchHandler<Req, Rest>;
export function withAuth<Req extends Request = Request, Rest extends unknown[] = []>(
  handler: AuthHandler<Req, Rest, OptionalAuthContext>,
  options: WithAuthOptions,
): FetchHandler<Req, Rest>;
export function withAuth<Req extends Request, Rest extends unknown[]>(
  route: AuthHandler<Req, Rest, AuthContext> | AuthHandler<Req, Rest, OptionalAuthContext>,
  options: WithAuthOptions,
): FetchHandler<Req, Rest> {
  if (typeof route !== 'function') fail('needs a handler function as its first argument');
  // Given an OptionalAuthContext when `optional`, an AuthContext (`auth` set) otherwise.
  const handler = route as unknown as Handler;
  checkOptions('withAuth()', options, OPTIONS);
  const { authenticator } = options;
  const { optional } = adapterOptions(
    authenticator,
    options.optional === undefined ? {} : { optional: options.optional },
    'respond',
    'withAuth()',
  );
  const guards = guardsOf(options);
  const limits = withAuthLimits(options);

  // The handler, with the limits' headers (gathered in `lines`) added to its response.
  const answered = (
    request: Request,
    context: Context,
    rest: unknown[],
    lines: [string, string][],
  ): Awaitable<Response> => {
    const response = handler(request, context, ...rest);
    return isPromiseLike(response)
      ? Promise.resolve(response).then((res) => withHeaders(res, lines))
      : withHeaders(response, lines);
  };

  const accept = (
    request: Request,
    view: RequestView,
    principal: Principal | null,
    rest: unknown[],
  ): Awaitable<Response> => {
    const state: RequestAuth = {
      principal,
      realm: authenticator.realm,
      errors: 'respond',
      authenticator,
    };
    rememberAuth(request, state);
    for (const guard of guards) {
      const err = guard(state, request, view);
      if (err !== undefined) return errorAnswer(err);
    }
    const context: Context = { auth: principal ?? undefined, budget: undefined };
    if (limits.length === 0) return handler(request, context, ...rest);
    // The limits, then the handler: at once while each store answers at once. The limits'
    // headers gather in `lines`, for the handler's response or the refusal.
    const lines: [string, string][] = [];
    return runLimits(
      limits,
      state,
      (answer) => applied(answer, context, lines),
      () => answered(request, context, rest, lines),
    );
  };

  return function portcullisWithAuth(request: Req, ...rest: Rest) {
    try {
      const view = fromFetchRequest(request, rest[0]);
      return Promise.resolve(
        authenticateThen(
          authenticator,
          view,
          { optional },
          (principal) => accept(request, view, principal, rest),
          errorAnswer,
        ),
      );
    } catch (err) {
      return Promise.reject(err);
    }
  };
}

/**
 * Take one limit's answer: its headers into `lines`, its budget into the context, and `undefined`
 * for a pass or the refusal (with the headers gathered so far).
 */
function applied(
  answer: LimitAnswer,
  context: Context,
  lines: [string, string][],
): Response | undefined {
  for (const [name, value] of answer.headers) lines.push([name, value]);
  if (answer.error !== undefined) return errorAnswer(answer.error, lines);
  if (answer.budget !== undefined) context.budget = answer.budget;
  return undefined;
}
