// A limit store on a Redis of the test's own that stops answering: every request gets 503, never
// a silent pass, and limits hold again once Redis is back, without a restart.
import { createAuthenticator } from '@portcullis/core';
import { type AuthState, budgeter, type LimitAnswer, rateLimiter } from '@portcullis/core/adapter';
import { fakeMethod } from '@portcullis/test-kit';
import {
  connectClient,
  type RedisServer,
  startRedisServer,
  type TestClient,
} from '@portcullis/test-kit/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisLimitStore } from '../src/index.js';

let server: RedisServer;
let client: TestClient;

beforeAll(async () => {
  server = await startRedisServer();
  client = await connectClient(server.url);
});
afterAll(async () => {
  await client.close();
  await server.stop();
});

const state: AuthState = {
  principal: { method: 'api_key', subject: 'agent', scopes: [], keyId: 'key_1' },
  realm: 'api',
  authenticator: createAuthenticator({ methods: [fakeMethod()] }),
};

async function status(check: (s: AuthState) => unknown): Promise<number> {
  const answer = (await check(state)) as LimitAnswer;
  return answer.error?.status ?? 200;
}

describe('redisLimitStore when Redis cannot answer', () => {
  it('answers 503 while Redis is paused, and limits again after, without a restart', async () => {
    const store = redisLimitStore({ client, prefix: 'pause:', timeout: 200 });
    const limit = rateLimiter('rateLimit()', { limit: 2, window: 60, store });
    const budget = budgeter('budget()', { quota: 10, period: 60, store });
    expect(await status(limit)).toBe(200);
    await server.cli('CLIENT', 'PAUSE', '1000', 'ALL');
    const during = await Promise.all([status(limit), status(limit), status(budget)]);
    expect(during).toEqual([503, 503, 503]);
    await new Promise((r) => setTimeout(r, 1100));
    // The paused requests may or may not have been counted once Redis ran them: never more than 2.
    const after = [await status(limit), await status(limit), await status(limit)];
    expect(after.filter((s) => s === 200).length).toBeLessThanOrEqual(1);
    expect(after.at(-1)).toBe(429);
    expect(await status(budget)).toBe(200);
  });

  it('answers 503 while Redis is down, and recovers when it is back', async () => {
    const store = redisLimitStore({ client, prefix: 'down:', timeout: 200 });
    const limit = rateLimiter('rateLimit()', { limit: 5, window: 60, store });
    expect(await status(limit)).toBe(200);
    await server.kill();
    expect(await status(limit)).toBe(503);
    await server.restart();
    const deadline = Date.now() + 5000;
    let now = 503;
    while (now !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      now = await status(limit);
    }
    expect(now).toBe(200);
  });
});
