import { connectClient, type TestClient, uniquePrefix } from '@portcullis/test-kit/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisReplayStore } from '../src/index.js';

let a: TestClient;
let b: TestClient;
const prefix = uniquePrefix('replay');
const later = () => Math.floor(Date.now() / 1000) + 60;

beforeAll(async () => {
  [a, b] = await Promise.all([connectClient(), connectClient()]);
});
afterAll(async () => {
  for await (const keys of a.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    if (keys.length > 0) await a.del(keys);
  }
  await Promise.all([a.close(), b.close()]);
});

describe('redisReplayStore', () => {
  it('lets an id through once across instances', async () => {
    const one = redisReplayStore({ client: a, prefix });
    const two = redisReplayStore({ client: b, prefix });
    expect(await one.claim('proof-1', later())).toBe(true);
    expect(await two.claim('proof-1', later())).toBe(false);
    expect(await one.claim('proof-1', later())).toBe(false);
    expect(await two.claim('proof-2', later())).toBe(true);
  });

  it('admits exactly one of many concurrent claims of one id', async () => {
    const stores = [a, b].map((client) => redisReplayStore({ client, prefix }));
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => stores[i % 2]!.claim('contended', later())),
    );
    expect(answers.filter(Boolean)).toHaveLength(1);
  });

  it('keeps the claim until the expiry, by Redis time', async () => {
    const store = redisReplayStore({ client: a, prefix });
    const until = later();
    await store.claim('timed', until);
    expect(await a.expireTime(`${prefix}replay:timed`)).toBe(until);
  });

  it('refuses an id whose expiry has passed by Redis time, which SET EXAT would let through twice', async () => {
    const store = redisReplayStore({ client: a, prefix });
    const [seconds] = await a.time();
    expect(await store.claim('expired', Number(seconds) - 1)).toBe(false);
    expect(await store.claim('expired', Number(seconds) - 1)).toBe(false);
  });

  it('checks its arguments like memoryReplayStore()', async () => {
    const store = redisReplayStore({ client: a, prefix });
    await expect(store.claim('', later())).rejects.toThrow(TypeError);
    await expect(store.claim('x', Date.now())).rejects.toThrow(/milliseconds/);
  });

  it('keys ids under the prefix, so two prefixes never collide', async () => {
    const one = redisReplayStore({ client: a, prefix });
    const other = redisReplayStore({ client: a, prefix: `${prefix}other:` });
    expect(await one.claim('shared-id', later())).toBe(true);
    expect(await other.claim('shared-id', later())).toBe(true);
  });
});
