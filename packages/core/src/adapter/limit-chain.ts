// The limits of a one-handler form (`withAuth()` in Hono and in @portcullis/fetch): built once
// from its `rateLimit` and `budget` options, then run in order for each request, at once while
// each store answers at once.
import { type Awaitable, isPromiseLike } from '../lib/awaitable.js';
import {
  type BudgetOptions,
  budgeter,
  type LimitAnswer,
  type RateLimitOptions,
  rateLimiter,
} from '../limits/policy.js';
import type { AuthState } from './types.js';

/**
 * One limit's per-request check, as `rateLimiter()` and `budgeter()` build it.
 *
 * @example
 * ```ts
 * const check: LimitCheck = rateLimiter('rateLimit()', { limit: 100, window: 60 });
 * ```
 */
export type LimitCheck = (state: AuthState | undefined) => Awaitable<LimitAnswer>;

/**
 * The checks a `withAuth()` form's options ask for, in their order: `rateLimit`, then `budget`.
 * Either that is not a plain options object is a `TypeError`, as are the limits' own mistakes.
 *
 * @example
 * ```ts
 * const limits = withAuthLimits(options); // once, when the route is made
 * ```
 */
export function withAuthLimits(options: {
  rateLimit?: RateLimitOptions | undefined;
  budget?: BudgetOptions | undefined;
}): LimitCheck[] {
  for (const name of ['rateLimit', 'budget'] as const) {
    const value: unknown = options[name];
    if (value === undefined) continue;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TypeError(`withAuth(): \`${name}\` must be an options object`);
    }
  }
  const limits: LimitCheck[] = [];
  if (options.rateLimit !== undefined) {
    limits.push(rateLimiter('withAuth({ rateLimit })', options.rateLimit));
  }
  if (options.budget !== undefined) limits.push(budgeter('withAuth({ budget })', options.budget));
  return limits;
}

/**
 * Run `limits` in order for one request, then `done()`: each answer goes to `take`, which applies
 * it (headers, budget) and returns `undefined` to go on or the refusal to answer with. Direct while
 * every store answers at once; a promise from the first one that does not.
 *
 * @example
 * ```ts
 * return runLimits(limits, state, (answer) => applyLimit(c, answer, mode), () => handler(c, next));
 * ```
 */
export function runLimits<T>(
  limits: readonly LimitCheck[],
  state: AuthState,
  take: (answer: LimitAnswer) => T | undefined,
  done: () => Awaitable<T>,
  from = 0,
): Awaitable<T> {
  for (let i = from; i < limits.length; i++) {
    const result = limits[i]!(state);
    if (isPromiseLike(result)) {
      return Promise.resolve(result).then(
        (answer) => take(answer) ?? runLimits(limits, state, take, done, i + 1),
      );
    }
    const refused = take(result);
    if (refused !== undefined) return refused;
  }
  return done();
}
