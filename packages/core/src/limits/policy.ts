// The framework-free half of every adapter's `rateLimit()` and `budget()`: options checked once,
// then, per request, the store's decision turned into headers, a 429, a 503 or a pass, and the
// audit event of each refusal.
import type { AuthState } from '../adapter/types.js';
import { AuthError } from '../auth-error.js';
import { AuthErrorCodes } from '../error-codes.js';
import { notAuthenticated, serverError } from '../errors.js';
import { reportTo } from '../lib/audit.js';
import { type Awaitable, isPromiseLike } from '../lib/awaitable.js';
import { withDeadline } from '../lib/deadline.js';
import { type EventInit, identityOf } from '../lib/events.js';
import { checkOptions } from '../lib/options.js';
import type { Principal } from '../types.js';
import { memoryLimitStore } from './memory-store.js';
import type { BudgetState, LimitStore, RateDecision } from './types.js';

/**
 * Options of every adapter's `rateLimit()`.
 *
 * @example
 * ```ts
 * const options: RateLimitOptions = { limit: (p) => (p?.claims?.tier === 'pro' ? 600 : 60), window: 60 };
 * ```
 */
export interface RateLimitOptions {
  /**
   * Requests (units of `cost`) per `window`: a whole number ≥ 1, or a function of the principal
   * (so an API key record's `metadata` or a token claim can carry its own tier) that returns one,
   * or `null` to exempt that principal.
   */
  limit: number | ((principal: Principal | null) => number | null);
  /** Seconds in which the whole `limit` refills. A whole number ≥ 1. */
  window: number;
  /**
   * Whose bucket a request counts against. Default: the API key's id, else the token's issuer and
   * subject; one shared bucket for anonymous requests on an optional route.
   */
  key?: (principal: Principal | null) => string;
  /** Units a request takes: a whole number ≥ 1 (default 1) or a function of the principal. */
  cost?: number | ((principal: Principal | null) => number);
  /** Where buckets are counted. Default a `memoryLimitStore()` of this limit's own. */
  store?: LimitStore;
  /**
   * When the store cannot answer: `'deny'` (default) answers 503; `'allow'` lets the request
   * through unlimited and reports it to `onEvent` (`outcome: 'unlimited'`) every time.
   */
  onStoreError?: 'deny' | 'allow';
  /**
   * The policy's name in the `RateLimit` headers and its namespace in the store. Default
   * `'default'`; give every distinct limit its own.
   */
  name?: string;
}

/**
 * Options of every adapter's `budget()`.
 *
 * @example
 * ```ts
 * const options: BudgetOptions = { quota: (p) => Number(p?.claims?.token_budget ?? 100_000), period: 'day' };
 * ```
 */
export interface BudgetOptions {
  /** Units per period: a whole number ≥ 1, a function of the principal returning one, or `null` to exempt it. */
  quota: number | ((principal: Principal | null) => number | null);
  /** `'hour'`, `'day'` (UTC), or whole seconds; periods are aligned to the epoch. */
  period: number | 'hour' | 'day';
  /** Whose budget; same default as `rateLimit()`. */
  key?: (principal: Principal | null) => string;
  /** Where budgets are counted. Default a `memoryLimitStore()` of this budget's own. */
  store?: LimitStore;
  /** As for `rateLimit()`: `'deny'` (default) answers 503, `'allow'` passes and reports it. */
  onStoreError?: 'deny' | 'allow';
  /** The policy's name in the headers and its store namespace. Default `'budget'`. */
  name?: string;
}

/**
 * A request's budget, for the handler to charge once it knows the cost (`req.budget`,
 * `ctx.state.budget`, `c.var.budget`).
 *
 * @example
 * ```ts
 * const completion = await llm.complete(prompt);
 * await req.budget.charge(completion.usage.total_tokens);
 * ```
 */
export interface Budget {
  /** Units per period for this principal. */
  readonly quota: number;
  /** Units left, as of the check before the handler or the last `charge()`; never negative. */
  readonly remaining: number;
  /** Seconds until the period ends. */
  readonly reset: number;
  /**
   * Add `amount` units (a finite number ≥ 0, rounded up) to this period's use, stopping at the
   * quota; the next request is refused once nothing remains. Rejects when the store cannot answer.
   */
  charge(amount: number): Promise<BudgetState>;
}

/**
 * What a limit decided for one request: headers to send either way, and an error to answer with
 * instead of running the handler.
 *
 * @example
 * ```ts
 * for (const [name, value] of answer.headers) res.append(name, value);
 * if (answer.error) return refuse(answer.error);
 * ```
 */
export interface LimitAnswer {
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly error?: AuthError;
  /** `budget()` only: the handle to attach for the handler. */
  readonly budget?: Budget;
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const PASS: LimitAnswer = Object.freeze({ headers: Object.freeze([]) });
const STORE_TIMEOUT = 5000;
const TIMED_OUT = Symbol('timed out');
const PERIODS = { hour: 3600, day: 86_400 };

function fail(where: string, message: string): never {
  throw new TypeError(`${where}: ${message}`);
}

function isWhole(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

function numberOrFunction(where: string, name: string, value: unknown): void {
  if (typeof value !== 'function' && !isWhole(value)) {
    fail(where, `\`${name}\` must be a whole number ≥ 1 or a function of the principal`);
  }
}

interface Common {
  name: string;
  store: LimitStore;
  /** The store key of a principal's bucket or budget: `<name> <key>`. */
  storeKey: (principal: Principal | null) => string;
  allowOnError: boolean;
}

const MAX_REMEMBERED_KEYS = 10_000;

/**
 * The store key of each principal under `name`: the API key's id, else issuer and subject; one
 * bucket for anonymous. The same string is handed out again for the same key id or the same
 * (cached) token claims, so a memory store hashes it once rather than per request.
 */
function defaultStoreKey(name: string): (principal: Principal | null) => string {
  const anonymous = `${name} anonymous`;
  const byKeyId = new Map<string, string>();
  const byClaims = new WeakMap<object, readonly [string, string]>();
  return (principal) => {
    if (principal === null) return anonymous;
    const keyId = principal.keyId;
    if (keyId !== undefined) {
      let key = byKeyId.get(keyId);
      if (key === undefined) {
        if (byKeyId.size >= MAX_REMEMBERED_KEYS) byKeyId.clear();
        key = `${name} key:${keyId}`;
        byKeyId.set(keyId, key);
      }
      return key;
    }
    // A token's claims object is the same on every cache hit; its subject is checked all the same.
    const claims = principal.claims;
    const known = claims === undefined ? undefined : byClaims.get(claims);
    if (known !== undefined && known[0] === principal.subject) return known[1];
    const iss = claims?.iss;
    const key = `${name} sub:${typeof iss === 'string' ? iss : ''} ${principal.subject}`;
    if (claims !== undefined) byClaims.set(claims, [principal.subject, key]);
    return key;
  };
}

function commonOptions(
  where: string,
  options: RateLimitOptions | BudgetOptions,
  defaultName: string,
  needs: 'take' | 'spend',
): Common {
  const { key, store, onStoreError, name = defaultName } = options;
  if (key !== undefined && typeof key !== 'function') {
    fail(where, '`key` must be a function (principal) => string');
  }
  if (store !== undefined && typeof (store as Partial<LimitStore>)?.[needs] !== 'function') {
    fail(where, `\`store\` must have \`${needs}()\`, like memoryLimitStore()`);
  }
  if (onStoreError !== undefined && onStoreError !== 'deny' && onStoreError !== 'allow') {
    fail(where, "`onStoreError` must be 'deny' or 'allow'");
  }
  if (typeof name !== 'string' || !NAME.test(name)) {
    fail(where, '`name` must be 1–64 characters of letters, digits, `_`, `.` and `-`');
  }
  return {
    name,
    store: store ?? memoryLimitStore(),
    storeKey:
      key === undefined
        ? defaultStoreKey(name)
        : (principal) => {
            const own = key(principal);
            if (typeof own !== 'string') throw new TypeError('`key` returned no string');
            return `${name} ${own}`;
          },
    allowOnError: onStoreError === 'allow',
  };
}

/** What to answer when the store failed: 503, or a pass reported as `unlimited`. */
function storeFailed(common: Common, state: AuthState, cause: unknown): LimitAnswer {
  const identity = state.principal === null ? {} : identityOf(state.principal);
  const code = AuthErrorCodes.LIMIT_STORE_FAILED;
  if (common.allowOnError) {
    reportTo(state.authenticator, () => ({ outcome: 'unlimited', ...identity, code, status: 200 }));
    return PASS;
  }
  reportTo(state.authenticator, () => ({ outcome: 'failure', ...identity, code, status: 503 }));
  return { headers: [], error: storeUnavailable(cause) };
}

/**
 * A 429 `rate_limited` answer with `Retry-After`.
 *
 * @example
 * ```ts
 * throw rateLimited(AuthErrorCodes.RATE_LIMITED, 12);
 * ```
 */
export function rateLimited(
  code: typeof AuthErrorCodes.RATE_LIMITED | typeof AuthErrorCodes.BUDGET_EXHAUSTED,
  retryAfter: number,
): AuthError {
  return new AuthError({
    status: 429,
    error: 'rate_limited',
    code,
    description:
      code === AuthErrorCodes.RATE_LIMITED
        ? 'Too many requests; retry later'
        : 'The budget for this period is spent',
    retryAfter,
  });
}

function limitedEvent(principal: Principal | null, code: string): EventInit {
  const identity = principal === null ? {} : identityOf(principal);
  return { outcome: 'limited', ...identity, code, status: 429 };
}

function programmingError(where: string, message: string, cause?: unknown): LimitAnswer {
  return {
    headers: [],
    error: serverError(AuthErrorCodes.INTERNAL, cause ?? new TypeError(`${where}: ${message}`)),
  };
}

function unauthenticated(where: string): LimitAnswer {
  return { headers: [], error: notAuthenticated(where) };
}

/** A store's answer, bounded in time: a store that never answers must not hang a request. */
function bounded<T>(answer: PromiseLike<T>): Promise<T> {
  return withDeadline(answer, STORE_TIMEOUT, TIMED_OUT).then((value) => {
    if (value === TIMED_OUT) {
      throw new Error(`the limit store did not answer within ${STORE_TIMEOUT} ms`);
    }
    return value as T;
  });
}

/**
 * Turn a store's answer into the request's answer. A store that throws, rejects, hangs or
 * answers something malformed is a store failure (`failed`), never a 500 and never a pass.
 */
function settle<T>(
  answer: T | PromiseLike<T>,
  valid: (value: unknown) => value is T,
  done: (value: T) => LimitAnswer,
  failed: (cause: unknown) => LimitAnswer,
): Awaitable<LimitAnswer> {
  const use = (value: T) =>
    valid(value) ? done(value) : failed(new TypeError('the limit store answered malformed data'));
  if (!isPromiseLike(answer)) return use(answer);
  return bounded(answer).then(use, failed);
}

function count(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isDecision(value: unknown): value is RateDecision {
  const d = value as RateDecision | null;
  return (
    typeof d === 'object' &&
    d !== null &&
    typeof d.allowed === 'boolean' &&
    count(d.remaining) &&
    count(d.reset) &&
    count(d.retryAfter)
  );
}

function isBudgetState(value: unknown): value is BudgetState {
  const b = value as BudgetState | null;
  return (
    typeof b === 'object' && b !== null && count(b.used) && count(b.remaining) && count(b.reset)
  );
}

/** A 503 for a limit store that cannot answer (`Retry-After: 5`), with its own description. */
function storeUnavailable(cause: unknown): AuthError {
  return new AuthError({
    status: 503,
    error: 'temporarily_unavailable',
    code: AuthErrorCodes.LIMIT_STORE_FAILED,
    description: 'Rate limiting is temporarily unavailable',
    cause,
  });
}

/**
 * Build the check behind every adapter's `rateLimit()`: options checked here, at construction
 * (`TypeError`); per request, the principal's bucket in the store (GCRA), then headers
 * (`RateLimit-Policy`, `RateLimit`) and a pass, or a 429 `rate_limited` with `Retry-After` (and
 * one `limited` event), or a 503 when the store fails (unless `onStoreError: 'allow'`).
 *
 * @example
 * ```ts
 * const limit = rateLimiter('rateLimit()', { limit: 100, window: 60 });
 * const answer = await limit(recallAuth(req));
 * ```
 */
export function rateLimiter(
  where: string,
  options: RateLimitOptions,
): (state: AuthState | undefined) => Awaitable<LimitAnswer> {
  if (typeof options !== 'object' || options === null) {
    fail(where, `needs an options object: ${where.slice(0, -1)}{ limit, window })`);
  }
  checkOptions(where, options, ['limit', 'window', 'key', 'cost', 'store', 'onStoreError', 'name']);
  numberOrFunction(where, 'limit', options.limit);
  if (!isWhole(options.window)) fail(where, '`window` must be a whole number of seconds ≥ 1');
  if (options.cost !== undefined) numberOrFunction(where, 'cost', options.cost);
  const common = commonOptions(where, options, 'default', 'take');
  const { limit, window, cost = 1 } = options;
  // The policy header of a fixed limit is the same on every answer.
  const fixedPolicy: readonly [string, string] | undefined =
    typeof limit === 'number'
      ? ['ratelimit-policy', `"${common.name}";q=${limit};w=${window}`]
      : undefined;
  const remainingPrefix = `"${common.name}";r=`;

  function answer(state: AuthState, units: number, d: RateDecision): LimitAnswer {
    const headers: (readonly [string, string])[] = [
      fixedPolicy ?? ['ratelimit-policy', `"${common.name}";q=${units};w=${window}`],
      ['ratelimit', `${remainingPrefix}${d.remaining};t=${d.reset}`],
    ];
    if (d.allowed) return { headers };
    reportTo(state.authenticator, () => limitedEvent(state.principal, AuthErrorCodes.RATE_LIMITED));
    return { headers, error: rateLimited(AuthErrorCodes.RATE_LIMITED, d.retryAfter) };
  }

  return (state) => {
    if (state === undefined) return unauthenticated(where);
    const principal = state.principal;
    let units: number | null;
    let take: number;
    let storeKey: string;
    try {
      units = typeof limit === 'function' ? limit(principal) : limit;
      take = typeof cost === 'function' ? cost(principal) : cost;
      storeKey = common.storeKey(principal);
    } catch (cause) {
      return programmingError(where, 'an option function threw', cause);
    }
    if (units === null) return PASS;
    if (!isWhole(units))
      return programmingError(where, '`limit` returned neither a whole number ≥ 1 nor null');
    if (!isWhole(take)) return programmingError(where, '`cost` returned no whole number ≥ 1');
    let decision: RateDecision | Promise<RateDecision>;
    try {
      decision = common.store.take(storeKey, { limit: units, window, cost: take });
    } catch (cause) {
      return storeFailed(common, state, cause);
    }
    // The memory store answers at once: no closure, no promise.
    if (!isPromiseLike(decision) && isDecision(decision)) return answer(state, units, decision);
    const allowed = units;
    return settle(
      decision,
      isDecision,
      (d) => answer(state, allowed, d),
      (cause) => storeFailed(common, state, cause),
    );
  };
}

/** A request's {@link Budget}: one small object per request, its methods shared. */
class BudgetHandle implements Budget {
  readonly quota: number;
  #state: BudgetState;
  readonly #store: LimitStore;
  readonly #key: string;
  readonly #period: number;

  constructor(store: LimitStore, key: string, quota: number, period: number, state: BudgetState) {
    this.quota = quota;
    this.#state = state;
    this.#store = store;
    this.#key = key;
    this.#period = period;
  }

  get remaining(): number {
    return this.#state.remaining;
  }

  get reset(): number {
    return this.#state.reset;
  }

  async charge(amount: number): Promise<BudgetState> {
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
      throw new TypeError('budget.charge(): `amount` must be a finite number ≥ 0');
    }
    const spent = this.#store.spend(this.#key, this.quota, this.#period, Math.ceil(amount));
    const state = isPromiseLike(spent) ? await bounded(spent) : spent;
    if (!isBudgetState(state)) throw new TypeError('the limit store answered malformed data');
    this.#state = state;
    return state;
  }
}

/**
 * Build the check behind every adapter's `budget()`: options checked at construction
 * (`TypeError`); per request, the principal's use this period, then headers and a {@link Budget}
 * for the handler to charge, or a 429 `rate_limited` (`ERR_BUDGET_EXHAUSTED`) with `Retry-After`
 * until the period ends once nothing remains, or a 503 when the store fails.
 *
 * @example
 * ```ts
 * const check = budgeter('budget()', { quota: 100_000, period: 'day' });
 * const answer = await check(recallAuth(req));
 * ```
 */
export function budgeter(
  where: string,
  options: BudgetOptions,
): (state: AuthState | undefined) => Awaitable<LimitAnswer> {
  if (typeof options !== 'object' || options === null) {
    fail(where, `needs an options object: ${where.slice(0, -1)}{ quota, period })`);
  }
  checkOptions(where, options, ['quota', 'period', 'key', 'store', 'onStoreError', 'name']);
  numberOrFunction(where, 'quota', options.quota);
  const period =
    typeof options.period === 'string'
      ? PERIODS[options.period as keyof typeof PERIODS]
      : options.period;
  if (!isWhole(period))
    fail(where, "`period` must be 'hour', 'day' or a whole number of seconds ≥ 1");
  const common = commonOptions(where, options, 'budget', 'spend');
  const { quota } = options;
  const fixedPolicy: readonly [string, string] | undefined =
    typeof quota === 'number'
      ? ['ratelimit-policy', `"${common.name}";q=${quota};w=${period}`]
      : undefined;
  const remainingPrefix = `"${common.name}";r=`;

  function answer(state: AuthState, units: number, storeKey: string, s: BudgetState): LimitAnswer {
    const headers: (readonly [string, string])[] = [
      fixedPolicy ?? ['ratelimit-policy', `"${common.name}";q=${units};w=${period}`],
      ['ratelimit', `${remainingPrefix}${s.remaining};t=${s.reset}`],
    ];
    if (s.remaining > 0) {
      return { headers, budget: new BudgetHandle(common.store, storeKey, units, period, s) };
    }
    reportTo(state.authenticator, () =>
      limitedEvent(state.principal, AuthErrorCodes.BUDGET_EXHAUSTED),
    );
    return { headers, error: rateLimited(AuthErrorCodes.BUDGET_EXHAUSTED, Math.max(1, s.reset)) };
  }

  return (state) => {
    if (state === undefined) return unauthenticated(where);
    const principal = state.principal;
    let units: number | null;
    let storeKey: string;
    try {
      units = typeof quota === 'function' ? quota(principal) : quota;
      storeKey = common.storeKey(principal);
    } catch (cause) {
      return programmingError(where, 'an option function threw', cause);
    }
    if (units === null) return PASS;
    if (!isWhole(units))
      return programmingError(where, '`quota` returned neither a whole number ≥ 1 nor null');
    let read: BudgetState | Promise<BudgetState>;
    try {
      read = common.store.spend(storeKey, units, period, 0);
    } catch (cause) {
      return storeFailed(common, state, cause);
    }
    if (!isPromiseLike(read) && isBudgetState(read)) return answer(state, units, storeKey, read);
    const allowed = units;
    return settle(
      read,
      isBudgetState,
      (s) => answer(state, allowed, storeKey, s),
      (cause) => storeFailed(common, state, cause),
    );
  };
}
