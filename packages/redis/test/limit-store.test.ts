import { memoryLimitStore } from '@portcullis/core';
import { connectClient, type TestClient, uniquePrefix } from '@portcullis/test-kit/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisLimitStore } from '../src/index.js';

let a: TestClient;
let b: TestClient;
const prefix = uniquePrefix('limits');

beforeAll(async () => {
  [a, b] = await Promise.all([connectClient(), connectClient()]);
});
afterAll(async () => {
  for await (const keys of a.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    if (keys.length > 0) await a.del(keys);
  }
  await Promise.all([a.close(), b.close()]);
});

describe('redisLimitStore', () => {
  it('admits exactly `limit` of many concurrent requests from two instances', async () => {
    const stores = [a, b].map((client) => redisLimitStore({ client, prefix }));
    const rule = { limit: 25, window: 60, cost: 1 };
    const answers = await Promise.all(
      Array.from({ length: 400 }, (_, i) => stores[i % 2]!.take('exact', rule)),
    );
    expect(answers.filter((d) => d.allowed)).toHaveLength(25);
    const refused = answers.find((d) => !d.allowed)!;
    expect(refused.remaining).toBe(0);
    expect(refused.retryAfter).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfter).toBeLessThanOrEqual(3);
  });

  it('decides like memoryLimitStore() for the same sequence', async () => {
    const store = redisLimitStore({ client: a, prefix });
    const memory = memoryLimitStore();
    const rule = { limit: 3, window: 30, cost: 1 };
    const fromRedis = [];
    const fromMemory = [];
    for (let i = 0; i < 5; i++) {
      fromRedis.push((await store.take('same', rule)).allowed);
      fromMemory.push(memory.take('same', rule).allowed);
    }
    expect(fromRedis).toEqual([true, true, true, false, false]);
    expect(fromRedis).toEqual(fromMemory);
  });

  it('keeps each bucket only as long as it is not full again', async () => {
    const own = `${prefix}ttl:`;
    const store = redisLimitStore({ client: a, prefix: own });
    await store.take('ttl', { limit: 10, window: 20, cost: 5 });
    const keys = [];
    for await (const found of a.scanIterator({ MATCH: `${own}limit:*`, COUNT: 1000 })) {
      keys.push(...found);
    }
    expect(keys).toHaveLength(1);
    const ttls = await Promise.all(keys.map((k) => a.pTTL(k)));
    // Half the bucket taken: full again in 10 s.
    expect(Math.max(...ttls)).toBeLessThanOrEqual(10_001);
    expect(Math.min(...ttls)).toBeGreaterThan(0);
  });

  it('counts a budget per period across instances, stopping at the quota', async () => {
    const [one, two] = [a, b].map((client) => redisLimitStore({ client, prefix }));
    expect(await one!.spend('agent', 1000, 86_400, 0)).toMatchObject({ used: 0, remaining: 1000 });
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? one : two)!.spend('agent', 1000, 86_400, 40)),
    );
    const state = await two!.spend('agent', 1000, 86_400, 0);
    expect(state).toMatchObject({ used: 1000, remaining: 0 });
    expect(state.reset).toBeGreaterThan(0);
    expect(state.reset).toBeLessThanOrEqual(86_400);
    expect(await one!.spend('agent', 1000, 3600, 0)).toMatchObject({ used: 0 });
  });

  it('keys any principal key safely: braces, spaces, long keys', async () => {
    const store = redisLimitStore({ client: a, prefix });
    for (const key of ['{x}', 'a b}c{', 'k'.repeat(5000)]) {
      expect((await store.take(key, { limit: 1, window: 60, cost: 1 })).allowed).toBe(true);
      expect((await store.take(key, { limit: 1, window: 60, cost: 1 })).allowed).toBe(false);
    }
  });
});
