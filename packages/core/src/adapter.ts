import { checkOptions } from './lib/options.js';
import { attemptOf } from './lib/sync.js';
import type { RequestView } from './request.js';
import type { AuthState } from './scopes.js';
import type { Authenticator, Principal } from './types.js';

/** How an adapter answers a failure: send the response itself, or throw into the framework's error flow. */
export type ErrorsMode = 'respond' | 'throw';

/** The options every adapter's `authenticate()` takes. */
export interface AdapterOptions {
  optional?: boolean;
  errors?: ErrorsMode;
}

/**
 * What an adapter records for one request once `authenticate()` has run. Record the
 * `authenticator` too, so the scope guards report their 403s to its `onEvent`.
 */
export interface RequestAuth extends AuthState {
  /** How the scope guards after it answer, the same way as `authenticate()`. */
  errors: ErrorsMode;
}

const ADAPTER_OPTIONS = ['optional', 'errors'] as const;

/**
 * Check an adapter's `authenticate(authenticator, options)` arguments once, at construction, and
 * settle the defaults. Throws `TypeError` for a mistake, an unknown option included. `where` names
 * the adapter's function in messages, and `more` lists the options it takes besides
 * `optional` and `errors`.
 *
 * @example
 * ```ts
 * const { optional, errors } = adapterOptions(authenticator, options, 'respond');
 * ```
 */
export function adapterOptions(
  authenticator: Authenticator,
  options: AdapterOptions,
  defaultErrors: ErrorsMode,
  where = 'authenticate()',
  more: readonly string[] = [],
): { optional: boolean; errors: ErrorsMode } {
  if (typeof authenticator?.authenticate !== 'function') {
    throw new TypeError(`${where} needs the authenticator made by createAuthenticator()`);
  }
  checkOptions(where, options, [...ADAPTER_OPTIONS, ...more]);
  const { optional, errors } = options;
  if (optional !== undefined && typeof optional !== 'boolean') {
    throw new TypeError(`${where}: \`optional\` must be a boolean`);
  }
  if (errors !== undefined && errors !== 'respond' && errors !== 'throw') {
    throw new TypeError(`${where}: \`errors\` must be 'respond' or 'throw'`);
  }
  return { optional: optional === true, errors: errors ?? defaultErrors };
}

/**
 * `authenticator.authenticate(request, options)` for adapters, answering directly when nothing has
 * to be waited for: a cached token or API key record gives the principal (or `null`, or a thrown
 * `AuthError`) at once; a lookup, a key set load or a revocation check gives a promise. Each
 * promise saved is a turn of the microtask queue per request. An authenticator not made by
 * `createAuthenticator()` (a test fake), or one whose `authenticate` was wrapped or replaced
 * (`{ ...authenticator, authenticate: mine }`), is called as written, its answer wrapped in a
 * native promise, so `result instanceof Promise` tells the two cases apart.
 *
 * @example
 * ```ts
 * const result = authenticateNow(authenticator, fromNodeRequest(req), { optional });
 * if (result instanceof Promise) result.then(accept, refuse);
 * else accept(result);
 * ```
 */
export function authenticateNow(
  authenticator: Authenticator,
  request: RequestView,
  options?: { optional?: boolean },
): Principal | null | Promise<Principal | null> {
  // Only the very `authenticate()` createAuthenticator() made has a synchronous face.
  const authenticate = authenticator.authenticate;
  const attempt = attemptOf(authenticate);
  return attempt === undefined
    ? Promise.resolve(authenticate.call(authenticator, request, options))
    : attempt(request, options);
}

/**
 * {@link authenticateNow} with both outcomes handed on: `accept` receives the principal (or
 * `null`), `refuse` the error, whether they come at once or after a wait. Returns what the one
 * called returns, or a promise of it when authentication had to wait: an adapter's whole
 * control flow, in one place.
 *
 * @example
 * ```ts
 * const done = authenticateThen(authenticator, fromNodeRequest(req), { optional },
 *   (principal) => { req.auth = principal; next(); },
 *   (err) => answer(err, res, next));
 * if (done instanceof Promise) done.catch(next);
 * ```
 */
export function authenticateThen<R>(
  authenticator: Authenticator,
  request: RequestView,
  options: { optional?: boolean } | undefined,
  accept: (principal: Principal | null) => R | Promise<R>,
  refuse: (err: unknown) => R | Promise<R>,
): R | Promise<R> {
  let result: Principal | null | Promise<Principal | null>;
  try {
    result = authenticateNow(authenticator, request, options);
  } catch (err) {
    return refuse(err);
  }
  return result instanceof Promise ? result.then(accept, refuse) : accept(result);
}

// Kept under a symbol private to this module, not in the framework's context variables, which
// application code can set: a guard passes only on what `authenticate()` itself recorded. (A
// WeakMap would do the same, but inserting a new key per request costs microseconds.)
const RECORDED = Symbol('portcullis.auth');
type Recorded = { [RECORDED]?: RequestAuth };

/**
 * Record what `authenticate()` found for a request, keyed by an object that lives as long as the
 * request (Express `req`, Koa `ctx.req`, Hono `c`).
 *
 * @example
 * ```ts
 * rememberAuth(req, { principal, realm: authenticator.realm, errors, authenticator });
 * ```
 */
export function rememberAuth(request: object, auth: RequestAuth): void {
  (request as Recorded)[RECORDED] = auth;
}

/**
 * What `authenticate()` recorded for a request, or `undefined` when it did not run on it.
 *
 * @example
 * ```ts
 * const err = scopeGuard('all', ['billing:read'])(recallAuth(req));
 * ```
 */
export function recallAuth(request: object): RequestAuth | undefined {
  return (request as Recorded)[RECORDED];
}
