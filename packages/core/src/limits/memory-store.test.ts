import { describe, expect, it } from 'vitest';
import { memoryLimitStore } from './memory-store.js';

describe('memoryLimitStore', () => {
  it('admits exactly `limit` of many requests at one instant', () => {
    const store = memoryLimitStore({ now: () => 1_900_000_000_000 });
    const rule = { limit: 7, window: 60, cost: 1 };
    const answers = Array.from({ length: 100 }, () => store.take('k', rule).allowed);
    expect(answers.filter(Boolean)).toHaveLength(7);
    expect(store.take('other', rule).allowed).toBe(true);
  });

  it('counts a budget per period and starts over in the next one', () => {
    let now = Date.UTC(2030, 0, 1, 23, 59, 0);
    const store = memoryLimitStore({ now: () => now });
    expect(store.spend('k', 100, 86_400, 0)).toEqual({ used: 0, remaining: 100, reset: 60 });
    expect(store.spend('k', 100, 86_400, 70)).toMatchObject({ used: 70, remaining: 30 });
    expect(store.spend('k', 100, 86_400, 70)).toMatchObject({ used: 100, remaining: 0 });
    expect(store.spend('k', 100, 3600, 0)).toMatchObject({ used: 0 });
    now += 60_000;
    expect(store.spend('k', 100, 86_400, 0)).toMatchObject({ used: 0, remaining: 100 });
  });

  it('forgets full buckets and past budgets as time passes', () => {
    let now = 1_900_000_000_000;
    const store = memoryLimitStore({ now: () => now });
    for (let i = 0; i < 50; i++) store.take(`k${i}`, { limit: 1, window: 1, cost: 1 });
    store.spend('b', 10, 1, 1);
    expect(store.size).toBe(51);
    now += 20_000;
    store.take('fresh', { limit: 1, window: 1, cost: 1 });
    expect(store.size).toBe(1);
  });

  it('refuses unknown options', () => {
    expect(() => memoryLimitStore({ nw: Date.now } as never)).toThrow(/nw/);
  });
});
