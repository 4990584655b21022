import { type ApiKeyRecord, apiKey, generateApiKey, type VerifyContext } from '@portcullis/core';
import { connectClient, type TestClient, uniquePrefix } from '@portcullis/test-kit/redis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RedisInvalidation, redisInvalidation } from '../src/index.js';

let a: TestClient;
let b: TestClient;
const opened: RedisInvalidation[] = [];
const ctx: VerifyContext = { now: () => Date.now(), realm: 'test' };

beforeAll(async () => {
  [a, b] = await Promise.all([connectClient(), connectClient()]);
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((inv) => inv.close()));
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
});

async function until(check: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Two instances of one API: each its own client, channel subscription and key cache. */
async function twoInstances() {
  const channel = `${uniquePrefix('keys')}keys`;
  const records = new Map<string, ApiKeyRecord>();
  const lookups = vi.fn((hash: string) => records.get(hash) ?? null);
  const instances = await Promise.all(
    [a, b].map(async (client) => {
      const invalidation = await redisInvalidation({ client, channel });
      opened.push(invalidation);
      return { invalidation, keys: apiKey({ prefix: 'pcs', lookup: lookups, invalidation }) };
    }),
  );
  const { key, hash } = generateApiKey({ prefix: 'pcs' });
  records.set(hash, { id: 'key_1', subject: 'agent-7', scopes: ['read'] });
  return { channel, records, lookups, instances, key, hash };
}

describe('redisInvalidation', () => {
  it('drops a record from every instance when any instance invalidates it', async () => {
    const { instances, lookups, records, key, hash } = await twoInstances();
    const [one, two] = instances as [(typeof instances)[0], (typeof instances)[0]];
    await one.keys.verify(key, ctx);
    await two.keys.verify(key, ctx);
    await two.keys.verify(key, ctx);
    expect(lookups).toHaveBeenCalledTimes(2);
    records.delete(hash);
    await one.keys.invalidate(hash);
    await until(async () => {
      try {
        await two.keys.verify(key, ctx);
        return false;
      } catch (err) {
        return (err as { status?: number }).status === 401;
      }
    });
  });

  it('is live once started, and empties every attached cache when a message is missing', async () => {
    const { instances, lookups, key, channel } = await twoInstances();
    const [one] = instances as [(typeof instances)[0]];
    expect(one.invalidation.live).toBe(true);
    await one.keys.verify(key, ctx);
    await one.keys.verify(key, ctx);
    expect(lookups).toHaveBeenCalledTimes(1);
    // A numbered message far ahead of the counter: something in between was lost.
    await a.publish(`{${channel}}:c`, '1000 not-a-hash');
    await until(async () => {
      await one.keys.verify(key, ctx);
      return lookups.mock.calls.length === 2;
    });
    // Resynced: caching again.
    await until(() => one.invalidation.live);
    await one.keys.verify(key, ctx);
    await one.keys.verify(key, ctx);
    expect(lookups.mock.calls.length).toBeLessThanOrEqual(3);
  });

  it('rejects invalidate() when Redis cannot take it; a closed channel caches nothing', async () => {
    const lookup = vi.fn(() => ({ id: 'key_1', subject: 'agent-7', scopes: [] }));
    const closed = await connectClient();
    const invalidation = await redisInvalidation({
      client: closed,
      channel: `${uniquePrefix('x')}k`,
    });
    const keys = apiKey({ prefix: 'pcs', lookup, invalidation });
    const { key, hash } = generateApiKey({ prefix: 'pcs' });
    await keys.verify(key, ctx);
    await invalidation.close();
    await closed.close();
    await expect(keys.invalidate(hash)).rejects.toThrow();
    await keys.verify(key, ctx);
    expect(lookup).toHaveBeenCalledTimes(2);
  });
});
