// GCRA, the generic cell rate algorithm: one number per key (the theoretical arrival time, TAT)
// decides exactly, with no window boundaries. The same arithmetic runs in memoryLimitStore() and,
// as Lua, in redisLimitStore(); integers of milliseconds throughout, so the two agree.
import type { BudgetState, RateDecision, RateRule } from './types.js';

/**
 * One GCRA step at `now` (ms) for a bucket whose TAT is `tat` (ms; 0 for a new key): the decision
 * and the TAT to store (unchanged when refused).
 *
 * @example
 * ```ts
 * const [decision, next] = gcra(stored ?? 0, Date.now(), { limit: 10, window: 60, cost: 1 });
 * ```
 */
export function gcra(tat: number, now: number, rule: RateRule): [RateDecision, number] {
  const windowMs = rule.window * 1000;
  // One unit's share of the window; a bucket of `limit` units spans the whole window.
  const interval = windowMs / rule.limit;
  const start = Math.max(tat, now);
  const next = start + rule.cost * interval;
  const allowAt = next - windowMs;
  if (allowAt > now) {
    return [
      {
        allowed: false,
        remaining: Math.max(0, Math.floor((windowMs - (start - now)) / interval + 1e-9)),
        reset: Math.ceil((start - now) / 1000),
        retryAfter: Math.max(1, Math.ceil((allowAt - now) / 1000)),
      },
      tat,
    ];
  }
  return [
    {
      allowed: true,
      remaining: Math.max(0, Math.floor((windowMs - (next - now)) / interval + 1e-9)),
      reset: Math.ceil((next - now) / 1000),
      retryAfter: 0,
    },
    next,
  ];
}

/**
 * The period of `period` seconds that `now` (ms) falls in: its index and the seconds left in it.
 *
 * @example
 * ```ts
 * const [index, left] = periodAt(Date.now(), 86_400); // today (UTC), seconds to midnight
 * ```
 */
export function periodAt(now: number, period: number): [number, number] {
  const periodMs = period * 1000;
  const index = Math.floor(now / periodMs);
  return [index, Math.ceil(((index + 1) * periodMs - now) / 1000)];
}

/**
 * A budget's state after adding `amount` to `used`, stopping at `quota`.
 *
 * @example
 * ```ts
 * const state = budgetAfter(used, 100_000, 250, 3600);
 * ```
 */
export function budgetAfter(
  used: number,
  quota: number,
  amount: number,
  reset: number,
): BudgetState {
  const total = Math.min(quota, used + amount);
  return { used: total, remaining: quota - total, reset };
}
