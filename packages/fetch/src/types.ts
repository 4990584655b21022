import type {
  Actor,
  Authenticator,
  Budget,
  BudgetOptions,
  Principal,
  ProtectedResourceOptions,
  RateLimitOptions,
  ToolScopesOptions,
} from '@portcullis/core';

export type {
  Budget,
  BudgetOptions,
  ProtectedResourceOptions,
  RateLimitOptions,
  ToolScopesOptions,
};

/**
 * The options of `withAuth()`: the authenticator, and what the route needs besides a caller.
 * Checked in this order: authenticate, `scopes`, `anyScopes`, `actors`, `tools`, `rateLimit`,
 * `budget`.
 *
 * @example
 * ```ts
 * const options: WithAuthOptions = {
 *   authenticator,
 *   scopes: ['orders:read'],
 *   rateLimit: { limit: 100, window: 60 },
 * };
 * ```
 */
export interface WithAuthOptions {
  /** The authenticator made by `createAuthenticator()`. Required. */
  authenticator: Authenticator;
  /**
   * Let a request with no credential through, with `auth` undefined. A bad credential is still
   * refused. Default `false`.
   */
  optional?: boolean;
  /** Scopes the caller must hold, every one: as `requireScope(...)` in the other adapters. */
  scopes?: readonly string[];
  /** Scopes of which the caller must hold at least one: as `requireAnyScope(...)`. */
  anyScopes?: readonly string[];
  /**
   * Only delegated tokens (RFC 8693 `act`) whose current actor is one of these subjects, or one
   * the function returns `true` for: as `requireActor(...)`.
   */
  actors?: readonly string[] | ((actor: Actor) => boolean);
  /** Per-tool scopes of an MCP server, from `Mcp-Method` and `Mcp-Name`: as `requireToolScopes()`. */
  tools?: ToolScopesOptions;
  /** A rate limit, checked after the guards: as `rateLimit(options)`. */
  rateLimit?: RateLimitOptions;
  /** A budget, checked after the rate limit: as `budget(options)`, handed to the handler. */
  budget?: BudgetOptions;
}

/**
 * What a `withAuth()` handler receives after the request: the caller, and the request's budget.
 *
 * @example
 * ```ts
 * const handler = (request: Request, { auth, budget }: AuthContext) =>
 *   Response.json({ caller: auth.subject, left: budget?.remaining });
 * ```
 */
export interface AuthContext {
  /** The authenticated caller. */
  readonly auth: Principal;
  /**
   * The request's budget (the `budget` option), for the handler to charge. Undefined without that
   * option, for an exempt principal (`quota` returned `null`), and when a failing store was allowed
   * through (`onStoreError: 'allow'`).
   */
  readonly budget: Budget | undefined;
}

/**
 * What a handler of an `optional: true` route receives: `auth` is undefined for a request that
 * came with no credential.
 *
 * @example
 * ```ts
 * const feed = (request: Request, { auth }: OptionalAuthContext) =>
 *   Response.json({ personal: auth !== undefined });
 * ```
 */
export interface OptionalAuthContext {
  /** The authenticated caller, or undefined when the request carried no credential. */
  readonly auth: Principal | undefined;
  /** As {@link AuthContext.budget}. */
  readonly budget: Budget | undefined;
}

/**
 * A handler `withAuth()` wraps: the request, the auth context, then whatever else the runtime
 * passed (Workers: `env`, `ctx`; Bun.serve: `server`; Deno.serve: `info`; Next.js: `{ params }`).
 *
 * @example
 * ```ts
 * const show: AuthHandler<Request, [Env, ExecutionContext]> = async (request, { auth }, env) =>
 *   Response.json(await env.ORDERS.get(auth.subject));
 * ```
 */
export type AuthHandler<
  Req extends Request = Request,
  Rest extends unknown[] = [],
  Context = AuthContext,
> = (request: Req, context: Context, ...rest: Rest) => Response | Promise<Response>;

/**
 * What `withAuth()` returns: a fetch handler, `(request, ...rest) => Promise<Response>`, for any
 * runtime that calls one.
 *
 * @example
 * ```ts
 * const GET: FetchHandler = withAuth(listOrders, { authenticator });
 * const res = await GET(new Request('https://api.example.com/orders'));
 * ```
 */
export type FetchHandler<Req extends Request = Request, Rest extends unknown[] = []> = (
  request: Req,
  ...rest: Rest
) => Promise<Response>;
