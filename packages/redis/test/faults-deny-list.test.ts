// Fault tests of redisDenyList() on Redis servers of the test's own (never the shared one): the
// subscriber killed, Redis paused, killed and restarted, and down at start-up. Outcomes are read
// through a real authenticator (200, 401, 503), never from internals.
import { createAuthenticator, isAuthError, jwt } from '@portcullis/core';
import {
  connectClient,
  type RedisServer,
  startRedisServer,
  type TestClient,
  uniquePrefix,
} from '@portcullis/test-kit/redis';
import { createTestIssuer, type TestIssuer } from '@portcullis/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RedisDenyList, redisDenyList } from '../src/index.js';

const MAX_STALENESS = 200;
const TIMEOUT = 300;

let issuer: TestIssuer;
const cleanups: (() => Promise<unknown>)[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => {
  unhandled.push(reason);
};

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  issuer = await createTestIssuer({ algorithm: 'HS256' });
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
const inFiveMinutes = () => Math.floor(Date.now() / 1000) + 300;

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(10);
  }
}

async function server(extra: string[] = []): Promise<RedisServer> {
  const started = await startRedisServer(extra);
  cleanups.push(() => started.stop());
  return started;
}

async function client(url: string): Promise<TestClient> {
  const connected = await connectClient(url);
  cleanups.push(async () => connected.destroy());
  return connected;
}

/** One API instance: its own client, deny-list replica and authenticator. */
interface Instance {
  denyList: RedisDenyList;
  /** The HTTP status a request with this token gets. */
  status(token: string): Promise<number>;
}

async function instance(url: string, prefix: string): Promise<Instance> {
  const denyList = await redisDenyList({
    client: await client(url),
    prefix,
    maxStaleness: MAX_STALENESS,
    timeout: TIMEOUT,
  });
  cleanups.push(() => denyList.close());
  const authenticator = createAuthenticator({
    methods: [jwt({ ...issuer.jwtOptions, denyList })],
  });
  return {
    denyList,
    async status(token) {
      try {
        await authenticator.authenticate({
          header: (name) => (name === 'authorization' ? `Bearer ${token}` : undefined),
        });
        return 200;
      } catch (err) {
        if (isAuthError(err)) return err.status;
        throw err;
      }
    },
  };
}

const sign = (jti: string) => issuer.sign({}, { jti });

/** The status of `token` at `at` (performance.now() before the request). */
interface Seen {
  at: number;
  status: number;
}

/** Send a request with `token` every 20 ms (not waiting for answers) until `stop()`. */
function keepAsking(one: Instance, token: string): { seen: Seen[]; stop(): Promise<void> } {
  const seen: Seen[] = [];
  const pending: Promise<void>[] = [];
  const timer = setInterval(() => {
    const at = performance.now();
    pending.push(one.status(token).then((status) => void seen.push({ at, status })));
  }, 20);
  const stop = async () => {
    clearInterval(timer);
    await Promise.all(pending);
  };
  cleanups.push(stop); // when the test fails before it stops
  return { seen, stop };
}

describe('redisDenyList under faults', () => {
  it('subscriber killed mid-traffic while another instance revokes: nothing revoked is accepted after maxStaleness, and what it missed is in its replica after the resync', async () => {
    const redis = await server();
    // Commands while new connections are refused (maxclients 1) go through this one.
    const admin = await client(redis.url);
    const prefix = uniquePrefix('fault-kill');
    const victim = await instance(redis.url, prefix);
    const writer = await instance(redis.url, prefix);
    const good = await sign('never-revoked');

    const revoked: { jti: string; token: string; ackAt: number }[] = [];
    const violations: string[] = [];
    let checked = 0;
    let running = true;
    const writing = (async () => {
      for (let i = 0; running; i++) {
        const jti = `r-${i}`;
        const token = await sign(jti);
        try {
          await writer.denyList.revoke(jti, inFiveMinutes());
          revoked.push({ jti, token, ackAt: performance.now() });
        } catch {
          // Not acknowledged (Redis slow to answer): nothing was promised for it.
        }
        await sleep(10);
      }
    })();
    const checking = (async () => {
      while (running) {
        const now = performance.now();
        // Acknowledged more than maxStaleness ago (and recently enough to matter).
        const due = revoked.filter(
          (r) => now - r.ackAt > MAX_STALENESS && now - r.ackAt < MAX_STALENESS + 500,
        );
        for (const r of due) {
          const status = await victim.status(r.token);
          checked++;
          if (status === 200) {
            violations.push(
              `${r.jti} accepted ${Math.round(performance.now() - r.ackAt)} ms later`,
            );
          }
        }
        await sleep(5);
      }
    })();
    cleanups.push(async () => {
      running = false;
      await Promise.all([writing, checking]);
    });

    await sleep(300);
    // Chaos: the subscriber connections are killed over and over while revocations go on.
    const chaosEnd = performance.now() + 700;
    while (performance.now() < chaosEnd) {
      await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
      await sleep(30);
    }
    // Then cut off for three times maxStaleness: killed and not let back in.
    await admin.sendCommand(['CONFIG', 'SET', 'maxclients', '1']);
    await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    const cutAt = performance.now();
    await until(() => !victim.denyList.fresh, 'the cut-off replica turns stale');
    // Stale: it reads Redis, which still answers: a token never revoked passes.
    expect(await victim.status(good)).toBe(200);
    await sleep(3 * MAX_STALENESS - (performance.now() - cutAt));
    const cutOff = revoked.filter((r) => r.ackAt > cutAt).length;
    await admin.sendCommand(['CONFIG', 'SET', 'maxclients', '10000']);
    running = false;
    await Promise.all([writing, checking]);

    expect(violations).toEqual([]);
    expect(checked).toBeGreaterThan(20);
    // Some revocations were made while it was cut off (how many depends on the machine's load).
    expect(cutOff).toBeGreaterThanOrEqual(1);

    // Resubscribed and resynced: confirmed again, without restarting anything.
    await until(() => victim.denyList.fresh, 'the replica is confirmed again');
    // Redis cannot answer now: every revocation, those made while cut off included, is refused
    // from the replica alone.
    // (CLIENT UNPAUSE would wait out a pause of ALL too: the pause just ends.)
    const pausedAt = performance.now();
    await redis.cli('CLIENT', 'PAUSE', '1500', 'ALL');
    const statuses = await Promise.all(revoked.map((r) => victim.status(r.token)));
    expect(performance.now()).toBeLessThan(pausedAt + 1500);
    expect(new Set(statuses)).toEqual(new Set([401]));
    await until(async () => (await victim.status(good)) === 200, 'a good token passes again');
  });

  // Each stall lasts at least 2000 ms from when it was sent; it resolves with a time by which
  // it had begun (CLIENT PAUSE answers once in force; DEBUG SLEEP answers when it is over).
  it.each([
    [
      'CLIENT PAUSE ALL',
      async (redis: RedisServer) => {
        await redis.cli('CLIENT', 'PAUSE', '2000', 'ALL');
        return performance.now();
      },
    ],
    [
      'DEBUG SLEEP',
      async (redis: RedisServer) => {
        await redis.cli('DEBUG', 'SLEEP', '2');
        return performance.now() - 2000;
      },
    ],
  ])(
    'Redis stalled (%s): after maxStaleness a good token gets 503, never 200; a revoked one stays 401; it recovers without a restart',
    async (_name, stall) => {
      const redis = await server();
      const prefix = uniquePrefix('fault-stall');
      const one = await instance(redis.url, prefix);
      const other = await instance(redis.url, prefix);
      const good = await sign('good');
      const bad = await sign('bad');
      await other.denyList.revoke('bad', inFiveMinutes());
      await until(
        async () => (await one.status(bad)) === 401,
        'the revocation reaches the replica',
      );
      expect(await one.status(good)).toBe(200);

      const goodAnswers = keepAsking(one, good);
      const badAnswers = keepAsking(one, bad);
      await sleep(50);
      const sentAt = performance.now();
      const begunBy = await stall(redis);
      // Redis answers nothing from `begunBy` to at least `sentAt + 2000`.
      await sleep(sentAt + 2000 - performance.now());
      await until(async () => (await one.status(good)) === 200, 'a good token passes again');
      await until(() => one.denyList.fresh, 'the replica is confirmed again');
      await Promise.all([goodAnswers.stop(), badAnswers.stop()]);

      // Confirmed at best just before the stall began: a request that starts maxStaleness later,
      // and whose direct read times out before the stall can have ended, must be 503.
      const from = begunBy + MAX_STALENESS;
      const to = sentAt + 2000 - TIMEOUT - 200;
      const inStall = goodAnswers.seen.filter((s) => s.at > from && s.at < to);
      expect(inStall.length).toBeGreaterThanOrEqual(10);
      expect(inStall.filter((s) => s.status !== 503)).toEqual([]);
      expect(new Set(badAnswers.seen.map((s) => s.status))).toEqual(new Set([401]));
    },
  );

  it('Redis killed and restarted without persistence: 503 for unknown tokens while down, recovery without restarting the instance; the running instance keeps refusing what it had, a new instance does not know it (the documented trade-off)', async () => {
    const redis = await server();
    const prefix = uniquePrefix('fault-restart');
    const one = await instance(redis.url, prefix);
    const good = await sign('good');
    const bad = await sign('bad');
    await one.denyList.revoke('bad', inFiveMinutes());
    expect([await one.status(good), await one.status(bad)]).toEqual([200, 401]);

    const goodAnswers = keepAsking(one, good);
    const badAnswers = keepAsking(one, bad);
    await sleep(50);
    await redis.kill();
    const downAt = performance.now();
    await sleep(2000);
    const upAt = performance.now();
    await redis.restart();
    await until(async () => (await one.status(good)) === 200, 'a good token passes again');
    await until(() => one.denyList.fresh, 'the replica is confirmed again');
    await Promise.all([goodAnswers.stop(), badAnswers.stop()]);

    const whileDown = goodAnswers.seen.filter(
      (s) => s.at > downAt + MAX_STALENESS && s.at < upAt - TIMEOUT - 200,
    );
    // Samples prove the window was exercised; how many depends on the machine's load.
    expect(whileDown.length).toBeGreaterThanOrEqual(10);
    expect(whileDown.filter((s) => s.status !== 503)).toEqual([]);
    expect(new Set(badAnswers.seen.map((s) => s.status))).toEqual(new Set([401]));

    // Redis lost the revocation: the running instance never un-revokes it; a new one cannot know.
    expect(await one.status(bad)).toBe(401);
    const late = await instance(redis.url, prefix);
    expect(await late.status(bad)).toBe(200);
    expect(await late.status(good)).toBe(200);
  });

  it('Redis killed and restarted with appendfsync always: a revocation acknowledged before the kill is refused by a new instance started after the restart', async () => {
    const redis = await server(['--appendonly', 'yes', '--appendfsync', 'always']);
    expect(await redis.cli('CONFIG', 'GET', 'appendfsync')).toMatch(/always/);
    const prefix = uniquePrefix('fault-aof');
    const one = await instance(redis.url, prefix);
    const good = await sign('good');
    const bad = await sign('bad');
    await one.denyList.revoke('bad', inFiveMinutes());
    await redis.kill();
    expect(await one.status(bad)).toBe(401);
    await redis.restart();
    await until(async () => (await one.status(good)) === 200, 'a good token passes again');
    expect(await one.status(bad)).toBe(401);

    const late = await instance(redis.url, prefix);
    expect(await late.status(bad)).toBe(401);
    expect(await late.status(good)).toBe(200);
  });
});

/**
 * Watch this process for `ms` ms: resolves with whether any TCP socket was open or connecting
 * (a connection that keeps trying to reach a Redis that is down).
 */
async function socketsWithin(ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    const kinds = process.getActiveResourcesInfo();
    if (kinds.includes('TCPSocketWrap') || kinds.includes('ConnectWrap')) return true;
    await sleep(5);
  }
  return false;
}

describe('redisDenyList when Redis is down at start-up', () => {
  it('rejects after connectTimeout with a clear error, and leaves no connection behind, even once Redis is back', async () => {
    const redis = await server();
    const down = await connectClient(redis.url);
    await redis.kill();
    const startedAt = performance.now();
    await expect(
      redisDenyList({
        client: down,
        prefix: uniquePrefix('fault-down'),
        maxStaleness: MAX_STALENESS,
        timeout: TIMEOUT,
        connectTimeout: 500,
      }),
    ).rejects.toThrow(/redisDenyList\(\): Redis did not answer within 500 ms \(connectTimeout\)/);
    const took = performance.now() - startedAt;
    expect(took).toBeGreaterThanOrEqual(490);
    expect(took).toBeLessThan(3000);
    down.destroy();
    // Nothing it opened keeps trying to connect (which would keep the process from exiting)...
    await sleep(100);
    expect(await socketsWithin(400)).toBe(false);
    // ...nor connects once Redis is back: no connection there but redis-cli's own.
    await redis.restart();
    await sleep(300);
    expect((await redis.cli('CLIENT', 'LIST')).split('\n')).toHaveLength(1);
  });
});
