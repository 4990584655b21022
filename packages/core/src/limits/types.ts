// The public types of rate limits and budgets: what a limit store decides, and the store itself.

/**
 * One rate limit decision: GCRA over a bucket of `limit` units that refills `limit` per `window`.
 *
 * @example
 * ```ts
 * const rule: RateRule = { limit: 100, window: 60, cost: 1 };
 * ```
 */
export interface RateRule {
  /** Units the bucket holds, and refills per `window`. A whole number ≥ 1. */
  limit: number;
  /** Seconds in which an empty bucket refills completely. */
  window: number;
  /** Units this request takes. A whole number ≥ 1. */
  cost: number;
}

/**
 * What a store answers to {@link LimitStore.take}.
 *
 * @example
 * ```ts
 * if (!decision.allowed) res.set('retry-after', String(decision.retryAfter));
 * ```
 */
export interface RateDecision {
  /** Whether the request fits; a refused request takes nothing. */
  allowed: boolean;
  /** Whole units left after this decision. */
  remaining: number;
  /** Seconds (whole, rounded up) until the bucket is full again. */
  reset: number;
  /** Seconds (whole, rounded up, at least 1) until this request would fit; 0 when allowed. */
  retryAfter: number;
}

/**
 * A budget's use in the current period, from {@link LimitStore.spend}.
 *
 * @example
 * ```ts
 * const { remaining, reset } = await store.spend('agent-7', 100_000, 86_400, 0);
 * ```
 */
export interface BudgetState {
  /** Units used in this period, at most the quota. */
  used: number;
  /** Units left in this period, never negative. */
  remaining: number;
  /** Seconds (whole, rounded up) until this period ends and the budget is whole again. */
  reset: number;
}

/**
 * Where limits and budgets are counted: `memoryLimitStore()` in one process,
 * `redisLimitStore()` from `@portcullis/redis` for a fleet. A store that cannot answer must throw
 * or reject, never answer "allowed".
 *
 * @example
 * ```ts
 * const store: LimitStore = memoryLimitStore();
 * const decision = await store.take('key_1', { limit: 100, window: 60, cost: 1 });
 * ```
 */
export interface LimitStore {
  /** Take `rule.cost` units from `key`'s bucket, or refuse and take nothing. */
  take(key: string, rule: RateRule): RateDecision | Promise<RateDecision>;
  /**
   * Add `amount` (0 to read) to `key`'s use in the current period of `period` seconds (periods
   * are aligned to the epoch: UTC days for 86,400), stopping at `quota`.
   */
  spend(
    key: string,
    quota: number,
    period: number,
    amount: number,
  ): BudgetState | Promise<BudgetState>;
}

/**
 * Options of {@link memoryLimitStore}.
 *
 * @example
 * ```ts
 * const store = memoryLimitStore({ now: () => clock.now() });
 * ```
 */
export interface MemoryLimitStoreOptions {
  /** The clock, in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
}
