import { connectClient, type TestClient } from '@portcullis/test-kit/redis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisDenyList, redisInvalidation, redisReplayStore } from '../src/index.js';

let client: TestClient;
beforeAll(async () => {
  client = await connectClient();
});
afterAll(async () => {
  await client.close();
});

describe('options', () => {
  it('names a missing or wrong client', async () => {
    await expect(redisDenyList({} as never)).rejects.toThrow(
      /redisDenyList\(\): `client` must be a node-redis client/,
    );
    expect(() => redisReplayStore({ client: { get: () => 1 } } as never)).toThrow(
      /redisReplayStore\(\): `client` must be a node-redis client or cluster/,
    );
    await expect(redisInvalidation(undefined as never)).rejects.toThrow(/needs an options object/);
  });

  it('refuses a client that is not connected', async () => {
    const idle = createClient();
    await expect(redisDenyList({ client: idle })).rejects.toThrow(/not connected.*connect\(\)/);
  });

  it('names an unknown option and suggests the near one', async () => {
    await expect(redisDenyList({ client, maxStalenes: 5 } as never)).rejects.toThrow(
      /maxStalenes.*maxStaleness/,
    );
    expect(() => redisReplayStore({ client, prefx: 'a:' } as never)).toThrow(/prefx.*prefix/);
  });

  it('refuses a prefix with braces or spaces: the package places the hash tags', async () => {
    expect(() => redisReplayStore({ client, prefix: '{app}:' })).toThrow(/without braces/);
    expect(() => redisReplayStore({ client, prefix: 'a b' })).toThrow(/without braces/);
    expect(() => redisReplayStore({ client, prefix: 7 as never })).toThrow(/prefix/);
    await expect(redisInvalidation({ client, channel: '{keys}' })).rejects.toThrow(
      /`channel` must be a string/,
    );
  });

  it('refuses out-of-range durations', async () => {
    await expect(redisDenyList({ client, maxStaleness: 0 })).rejects.toThrow(
      /`maxStaleness` must be a number of milliseconds from 10 to 60000/,
    );
    await expect(redisDenyList({ client, maxStaleness: Number.NaN })).rejects.toThrow(
      /maxStaleness/,
    );
    expect(() => redisReplayStore({ client, timeout: -1 })).toThrow(/`timeout`/);
    await expect(redisInvalidation({ client, connectTimeout: 0 })).rejects.toThrow(
      /connectTimeout/,
    );
  });
});
