import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { budgetAfter, gcra, periodAt } from './gcra.js';

const T = 1_900_000_000_000;

describe('gcra', () => {
  it('admits `limit` at once, then one per window/limit', () => {
    const rule = { limit: 4, window: 60, cost: 1 };
    let tat = 0;
    const remaining: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [d, next] = gcra(tat, T, rule);
      expect(d.allowed).toBe(true);
      remaining.push(d.remaining);
      tat = next;
    }
    expect(remaining).toEqual([3, 2, 1, 0]);
    const [refused, same] = gcra(tat, T, rule);
    expect(refused).toEqual({ allowed: false, remaining: 0, reset: 60, retryAfter: 15 });
    expect(same).toBe(tat);
    expect(gcra(tat, T + 14_999, rule)[0].allowed).toBe(false);
    expect(gcra(tat, T + 15_000, rule)[0]).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('takes `cost` units, and refuses a request costing more than what is left', () => {
    const rule = { limit: 10, window: 10, cost: 4 };
    const [a, tat1] = gcra(0, T, rule);
    expect(a).toMatchObject({ allowed: true, remaining: 6 });
    const [b, tat2] = gcra(tat1, T, rule);
    expect(b).toMatchObject({ allowed: true, remaining: 2 });
    const [c] = gcra(tat2, T, rule);
    expect(c).toMatchObject({ allowed: false, remaining: 2, retryAfter: 2 });
  });

  it('never admits more than limit + elapsed × rate, whatever the arrival pattern', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 120 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 300 }),
        (limit, window, gaps) => {
          let tat = 0;
          let now = T;
          let admitted = 0;
          for (const gap of gaps) {
            now += gap;
            const [d, next] = gcra(tat, now, { limit, window, cost: 1 });
            if (d.allowed) admitted++;
            tat = next;
            expect(d.remaining).toBeGreaterThanOrEqual(0);
            expect(d.remaining).toBeLessThanOrEqual(limit);
          }
          const elapsed = now - T;
          expect(admitted).toBeLessThanOrEqual(
            limit + Math.floor((elapsed * limit) / (window * 1000)),
          );
        },
      ),
    );
  });

  it('a bucket left alone refills completely within the window', () => {
    const rule = { limit: 5, window: 30, cost: 1 };
    let tat = 0;
    for (let i = 0; i < 5; i++) tat = gcra(tat, T, rule)[1];
    expect(gcra(tat, T + 30_000, rule)[0]).toMatchObject({ allowed: true, remaining: 4 });
  });
});

describe('periods and budgets', () => {
  it('aligns periods to the epoch: a day is a UTC day', () => {
    const noon = Date.UTC(2030, 0, 1, 12);
    const [index, left] = periodAt(noon, 86_400);
    expect(index).toBe(Math.floor(noon / 86_400_000));
    expect(left).toBe(12 * 3600);
  });

  it('stops at the quota and never goes negative', () => {
    expect(budgetAfter(90, 100, 5, 10)).toEqual({ used: 95, remaining: 5, reset: 10 });
    expect(budgetAfter(95, 100, 50, 10)).toEqual({ used: 100, remaining: 0, reset: 10 });
    expect(budgetAfter(100, 100, 0, 10)).toEqual({ used: 100, remaining: 0, reset: 10 });
  });
});
