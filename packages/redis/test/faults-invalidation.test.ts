// Fault tests of redisInvalidation() on Redis servers of the test's own (never the shared one):
// two API instances, each with its own client, channel subscription and key cache, answering
// through a real authenticator; the lookup calls of each are counted.
import {
  type ApiKeyRecord,
  createAuthenticator,
  generateApiKey,
  isAuthError,
  apiKey as makeApiKey,
} from '@portcullis/core';
import {
  connectClient,
  type RedisServer,
  startRedisServer,
  type TestClient,
  uniquePrefix,
} from '@portcullis/test-kit/redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RedisInvalidation, redisInvalidation } from '../src/index.js';

const MAX_STALENESS = 200;
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

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(10);
  }
}

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

/** The key store every instance looks keys up in. */
type Db = Map<string, ApiKeyRecord>;

/** One API instance: its own client, invalidation feed, key cache and authenticator. */
interface Instance {
  invalidation: RedisInvalidation;
  invalidate(hash: string): Promise<void>;
  /** How many times this instance has called `lookup`. */
  readonly lookups: number;
  /** The HTTP status a request with this API key gets. */
  status(key: string): Promise<number>;
}

async function instance(url: string, channel: string, db: Db): Promise<Instance> {
  const invalidation = await redisInvalidation({
    client: await client(url),
    channel,
    maxStaleness: MAX_STALENESS,
    timeout: TIMEOUT,
  });
  cleanups.push(() => invalidation.close());
  let lookups = 0;
  const keys = makeApiKey({
    prefix: 'pcs',
    invalidation,
    lookup: (hash) => {
      lookups++;
      return db.get(hash) ?? null;
    },
  });
  const authenticator = createAuthenticator({ methods: [keys] });
  return {
    invalidation,
    invalidate: (hash) => keys.invalidate(hash),
    get lookups() {
      return lookups;
    },
    async status(key) {
      try {
        await authenticator.authenticate({
          header: (name) => (name === 'x-api-key' ? key : undefined),
        });
        return 200;
      } catch (err) {
        if (isAuthError(err)) return err.status;
        throw err;
      }
    },
  };
}

/** A key in `db`. */
function addKey(db: Db, id: string) {
  const { key, hash } = generateApiKey({ prefix: 'pcs' });
  db.set(hash, { id, subject: `agent-${id}`, scopes: ['read'] });
  return { key, hash };
}

/** Lookups `one` makes to answer `n` requests with `key`, each 200. */
async function lookupsFor(one: Instance, key: string, n: number): Promise<number> {
  const before = one.lookups;
  for (let i = 0; i < n; i++) expect(await one.status(key)).toBe(200);
  return one.lookups - before;
}

/** Whether any TCP socket of this process was open or connecting during the next `ms` ms. */
async function socketsWithin(ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    const kinds = process.getActiveResourcesInfo();
    if (kinds.includes('TCPSocketWrap') || kinds.includes('ConnectWrap')) return true;
    await sleep(5);
  }
  return false;
}

describe('redisInvalidation under faults', () => {
  it('invalidate(hash) on one instance makes the other look the key up again', async () => {
    const redis = await server();
    const channel = `${uniquePrefix('fault-inv')}keys`;
    const db: Db = new Map();
    const [one, two] = [
      await instance(redis.url, channel, db),
      await instance(redis.url, channel, db),
    ] as const;
    const kept = addKey(db, 'kept');
    const dropped = addKey(db, 'dropped');
    expect(await lookupsFor(one, dropped.key, 3)).toBe(1);
    expect(await lookupsFor(two, dropped.key, 3)).toBe(1);
    expect(await lookupsFor(two, kept.key, 3)).toBe(1);

    // Deleted in the store: the caches still hold it until it is invalidated.
    db.delete(dropped.hash);
    expect(await two.status(dropped.key)).toBe(200);
    const lookupsBefore = two.lookups;
    await one.invalidate(dropped.hash);
    expect(await one.status(dropped.key)).toBe(401);
    await until(async () => (await two.status(dropped.key)) === 401, 'the other instance drops it');
    expect(two.lookups).toBe(lookupsBefore + 1);
    // Only that record: the other key is still answered from the cache.
    expect(await lookupsFor(two, kept.key, 3)).toBe(0);
  });

  it('subscriber killed and kept out: the cache is emptied and bypassed (an invalidation missed meanwhile is honoured), then caching resumes', async () => {
    const redis = await server();
    // Commands while new connections are refused (maxclients 1) go through this one.
    const admin = await client(redis.url);
    const channel = `${uniquePrefix('fault-inv-kill')}keys`;
    const db: Db = new Map();
    const [one, two] = [
      await instance(redis.url, channel, db),
      await instance(redis.url, channel, db),
    ] as const;
    const kept = addKey(db, 'kept');
    const dropped = addKey(db, 'dropped');
    expect(await lookupsFor(two, kept.key, 3)).toBe(1);
    expect(await lookupsFor(two, dropped.key, 3)).toBe(1);

    await admin.sendCommand(['CONFIG', 'SET', 'maxclients', '1']);
    await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    await until(() => !two.invalidation.live, 'the feed is lost');
    // Every request looks its key up while the feed is lost, well past maxStaleness.
    expect(await lookupsFor(two, kept.key, 5)).toBe(5);
    // Invalidated while the other instance cannot hear it: it is not served from the cache.
    db.delete(dropped.hash);
    await one.invalidate(dropped.hash);
    expect(await two.status(dropped.key)).toBe(401);
    await sleep(3 * MAX_STALENESS);
    expect(two.invalidation.live).toBe(false);
    expect(await lookupsFor(two, kept.key, 5)).toBe(5);

    await admin.sendCommand(['CONFIG', 'SET', 'maxclients', '10000']);
    await until(() => two.invalidation.live, 'the feed is back');
    // Caching again: at most the first request after the resync looks it up.
    expect(await lookupsFor(two, kept.key, 5)).toBeLessThanOrEqual(1);
    expect(await two.status(dropped.key)).toBe(401);
  });

  it('Redis paused beyond maxStaleness: the cache is bypassed, invalidate() rejects within its timeout, and caching resumes after the pause', async () => {
    const redis = await server();
    const channel = `${uniquePrefix('fault-inv-pause')}keys`;
    const db: Db = new Map();
    const [one, two] = [
      await instance(redis.url, channel, db),
      await instance(redis.url, channel, db),
    ] as const;
    const kept = addKey(db, 'kept');
    expect(await lookupsFor(two, kept.key, 3)).toBe(1);

    const sentAt = performance.now();
    await redis.cli('CLIENT', 'PAUSE', '1500', 'ALL');
    await until(() => !two.invalidation.live, 'the feed turns stale', 1000);
    expect(await lookupsFor(two, kept.key, 5)).toBe(5);
    const invalidateAt = performance.now();
    await expect(one.invalidate(kept.hash)).rejects.toThrow();
    expect(performance.now() - invalidateAt).toBeLessThan(TIMEOUT + 700);
    expect(await lookupsFor(two, kept.key, 5)).toBe(5);
    // All of that happened while Redis was paused.
    expect(performance.now()).toBeLessThan(sentAt + 1500);

    await until(() => one.invalidation.live && two.invalidation.live, 'both feeds are back');
    expect(await lookupsFor(two, kept.key, 5)).toBeLessThanOrEqual(1);
    expect(await lookupsFor(one, kept.key, 5)).toBeLessThanOrEqual(1);
  });

  it('rejects after connectTimeout when Redis is down at start-up, and leaves no connection behind', async () => {
    const redis = await server();
    const down = await connectClient(redis.url);
    await redis.kill();
    await expect(
      redisInvalidation({ client: down, channel: 'down', timeout: TIMEOUT, connectTimeout: 300 }),
    ).rejects.toThrow(
      /redisInvalidation\(\): Redis did not answer within 300 ms \(connectTimeout\)/,
    );
    down.destroy();
    // Nothing it opened keeps trying to connect, nor connects once Redis is back.
    await sleep(100);
    expect(await socketsWithin(400)).toBe(false);
    await redis.restart();
    await sleep(300);
    expect((await redis.cli('CLIENT', 'LIST')).split('\n')).toHaveLength(1);
  });
});
