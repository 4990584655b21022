import { checkOptions } from '../lib/options.js';
import { budgetAfter, gcra, periodAt } from './gcra.js';
import type {
  BudgetState,
  LimitStore,
  MemoryLimitStoreOptions,
  RateDecision,
  RateRule,
} from './types.js';

/**
 * What {@link memoryLimitStore} returns: a {@link LimitStore} that answers synchronously.
 *
 * @example
 * ```ts
 * const store: MemoryLimitStore = memoryLimitStore();
 * if (!store.take('agent-7', { limit: 10, window: 60, cost: 1 }).allowed) refuse();
 * ```
 */
export interface MemoryLimitStore extends LimitStore {
  take(key: string, rule: RateRule): RateDecision;
  spend(key: string, quota: number, period: number, amount: number): BudgetState;
  /** Buckets and budgets held. */
  readonly size: number;
}

/**
 * Rate limits and budgets counted in this process's memory: exact, synchronous, one map lookup per
 * decision. Keys whose bucket is full again, and budgets of past periods, are dropped as time
 * passes. For several instances, use `redisLimitStore()` from `@portcullis/redis`.
 *
 * @example
 * ```ts
 * app.use(authenticate(authenticator), rateLimit({ limit: 100, window: 60, store: memoryLimitStore() }));
 * ```
 */
export function memoryLimitStore(options: MemoryLimitStoreOptions = {}): MemoryLimitStore {
  checkOptions('memoryLimitStore()', options, ['now']);
  const now = options.now ?? Date.now;
  // key → TAT (ms)
  const buckets = new Map<string, number>();
  // key → period → [period index, used]
  const budgets = new Map<string, Map<number, [number, number]>>();
  let budgetCount = 0;
  let nextSweep = 0;

  function sweep(at: number): void {
    if (at < nextSweep) return;
    nextSweep = at + 10_000;
    for (const [key, tat] of buckets) if (tat <= at) buckets.delete(key);
    for (const [key, periods] of budgets) {
      for (const [period, [index]] of periods) {
        if (Math.floor(at / (period * 1000)) !== index) {
          periods.delete(period);
          budgetCount--;
        }
      }
      if (periods.size === 0) budgets.delete(key);
    }
  }

  return {
    take(key, rule) {
      const at = now();
      sweep(at);
      const [decision, tat] = gcra(buckets.get(key) ?? 0, at, rule);
      if (decision.allowed) buckets.set(key, tat);
      return decision;
    },
    spend(key, quota, period, amount) {
      const at = now();
      sweep(at);
      const [index, reset] = periodAt(at, period);
      let periods = budgets.get(key);
      const held = periods?.get(period);
      const used = held !== undefined && held[0] === index ? held[1] : 0;
      const state = budgetAfter(used, quota, amount, reset);
      if (amount > 0) {
        if (periods === undefined) {
          periods = new Map();
          budgets.set(key, periods);
        }
        if (held === undefined) budgetCount++;
        periods.set(period, [index, state.used]);
      }
      return state;
    },
    get size() {
      return buckets.size + budgetCount;
    },
  };
}
