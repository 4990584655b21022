// Fault tests of redisReplayStore() on Redis servers of the test's own (never the shared one): a
// claim Redis cannot answer rejects within about its timeout and never resolves true; a claim is
// won at most once, by exactly one of two clients when Redis answers both.
import type { ReplayStore } from '@portcullis/core';
import {
  connectClient,
  type RedisServer,
  startRedisServer,
  type TestClient,
  uniquePrefix,
} from '@portcullis/test-kit/redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisReplayStore } from '../src/index.js';

const TIMEOUT = 300;

const cleanups: (() => Promise<unknown>)[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => {
  unhandled.push(reason);
};

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
});
afterEach(async () => {
  // Every cleanup runs, last first (a server left running would outlive the test run).
  const failed: unknown[] = [];
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch (err) {
      failed.push(err);
    }
  }
  expect(failed).toEqual([]);
  expect(unhandled).toEqual([]);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const inAMinute = () => Math.floor(Date.now() / 1000) + 60;

async function server(): Promise<RedisServer> {
  const started = await startRedisServer();
  cleanups.push(() => started.stop());
  return started;
}

async function client(url: string): Promise<TestClient> {
  const connected = await connectClient(url);
  cleanups.push(async () => connected.destroy());
  return connected;
}

async function stores(url: string, prefix: string): Promise<[ReplayStore, ReplayStore]> {
  return [
    redisReplayStore({ client: await client(url), prefix, timeout: TIMEOUT }),
    redisReplayStore({ client: await client(url), prefix, timeout: TIMEOUT }),
  ];
}

/** Claim `id` and say how it went and how long it took. */
async function timedClaim(store: ReplayStore, id: string) {
  const startedAt = performance.now();
  const [outcome] = await Promise.allSettled([store.claim(id, inAMinute())]);
  return { outcome, took: performance.now() - startedAt };
}

/**
 * Wait until Redis answers `store` again (claims of throw-away ids: a claim that timed out may
 * still be carried out later, which would spend a real id).
 */
async function untilUp(store: ReplayStore, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  for (let probe = 0; ; probe++) {
    try {
      await store.claim(`probe-${probe}`, inAMinute());
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(20);
    }
  }
}

describe('redisReplayStore under faults', () => {
  // Each stall lasts 2000 ms from when it was sent at least; it resolves once in force.
  it.each([
    [
      'CLIENT PAUSE ALL',
      async (redis: RedisServer) => {
        await redis.cli('CLIENT', 'PAUSE', '2000', 'ALL'); // answers once in force
      },
    ],
    [
      'DEBUG SLEEP',
      async (redis: RedisServer) => {
        // Answers when it is over; it has begun once redis-cli has had time to send it.
        redis.cli('DEBUG', 'SLEEP', '2').catch(() => {});
        await sleep(250);
      },
    ],
  ])(
    'Redis stalled (%s): a claim rejects within about its timeout, never true; it recovers afterwards',
    async (_name, stall) => {
      const redis = await server();
      const [one, two] = await stores(redis.url, uniquePrefix('fault-replay-stall'));
      expect(await one.claim('before', inAMinute())).toBe(true);

      const sentAt = performance.now();
      await stall(redis);
      const claims = await Promise.all([timedClaim(one, 'during'), timedClaim(two, 'during')]);
      for (const { outcome, took } of claims) {
        expect(outcome.status).toBe('rejected');
        expect(took).toBeGreaterThanOrEqual(TIMEOUT - 20);
        expect(took).toBeLessThan(TIMEOUT + 700);
      }
      // Both were answered before the stall could have ended: Redis did not answer them.
      expect(performance.now()).toBeLessThan(sentAt + 2000);
      await sleep(sentAt + 2000 - performance.now());

      await untilUp(one);
      expect(await one.claim('after', inAMinute())).toBe(true);
      expect(await two.claim('after', inAMinute())).toBe(false);
      expect(await two.claim('before', inAMinute())).toBe(false);
    },
  );

  it('Redis killed: a claim rejects within about its timeout; after the restart claims work again', async () => {
    const redis = await server();
    const [one, two] = await stores(redis.url, uniquePrefix('fault-replay-kill'));
    expect(await one.claim('before', inAMinute())).toBe(true);

    await redis.kill();
    const claims = await Promise.all([timedClaim(one, 'during'), timedClaim(two, 'during')]);
    for (const { outcome, took } of claims) {
      expect(outcome.status).toBe('rejected');
      expect(took).toBeLessThan(TIMEOUT + 700);
    }
    await redis.restart();

    await Promise.all([untilUp(one), untilUp(two)]);
    expect(await two.claim('after', inAMinute())).toBe(true);
    expect(await one.claim('after', inAMinute())).toBe(false);
  });

  it('concurrent claims of one id from two clients: exactly one true', async () => {
    const redis = await server();
    const [one, two] = await stores(redis.url, uniquePrefix('fault-replay-race'));
    for (let round = 0; round < 20; round++) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? one : two).claim(`id-${round}`, inAMinute()),
        ),
      );
      expect(answers.filter(Boolean)).toHaveLength(1);
    }
  });

  it('concurrent claims while the connections are killed over and over: never two trues for one id', async () => {
    const redis = await server();
    const [one, two] = await stores(redis.url, uniquePrefix('fault-replay-chaos'));
    const ids: string[] = [];
    // Rounds of concurrent claims while connections are killed, until some claims were cut
    // short (on a loaded machine a batch can slip between kills): at most five batches.
    const outcomes: PromiseSettledResult<boolean>[][] = [];
    let answered = 0;
    let cut = 0;
    for (let batch = 0; batch < 5 && (cut === 0 || answered === 0); batch++) {
      let killing = true;
      const killer = (async () => {
        while (killing) {
          await redis.cli('CLIENT', 'KILL', 'TYPE', 'normal');
          await sleep(15);
        }
      })();
      const settledBatch = await Promise.all(
        Array.from({ length: 40 }, async (_, round) => {
          await sleep(round * 10);
          return await Promise.allSettled(
            Array.from({ length: 30 }, (_, i) =>
              (i % 2 === 0 ? one : two).claim(`id-${batch}-${round}`, inAMinute()),
            ),
          );
        }),
      );
      killing = false;
      await killer;
      for (const settled of settledBatch) {
        const trues = settled.filter((s) => s.status === 'fulfilled' && s.value === true);
        expect(trues.length).toBeLessThanOrEqual(1);
        answered += settled.filter((s) => s.status === 'fulfilled').length;
        cut += settled.filter((s) => s.status === 'rejected').length;
      }
      outcomes.push(...settledBatch.map((settled) => settled));
      ids.push(...settledBatch.map((_, round) => `id-${batch}-${round}`));
    }
    // The kills did cut claims short, and others got through (or the test proves nothing).
    expect(cut).toBeGreaterThan(0);
    expect(answered).toBeGreaterThan(0);
    // Claimed again now, an id won before answers false.
    await untilUp(one);
    for (const [n, settled] of outcomes.entries()) {
      const won = settled.some((s) => s.status === 'fulfilled' && s.value === true);
      if (won) expect(await one.claim(ids[n]!, inAMinute())).toBe(false);
    }
  });
});
