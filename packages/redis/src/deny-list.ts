import type { DenyList } from '@portcullis/core';
import { revocationExpiry } from '@portcullis/core/adapter';
import { Script } from './client.js';
import { Feed } from './feed.js';
import { commonOptions, connectTimeout, millis, type RedisStoreOptions } from './options.js';

// KEYS: entry, index, counter. ARGV: jti, keep-until (epoch s), publish command, channel.
// One atomic step: drop expired index entries (by Redis time), write the entry and the index,
// number the revocation and announce it.
const REVOKE = new Script(`
local now = tonumber(redis.call('TIME')[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local untilAt = tonumber(ARGV[2])
local held = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[1]) or '0')
if held > untilAt then untilAt = held end
if untilAt <= now then return 0 end
redis.call('SET', KEYS[1], '1', 'EXAT', untilAt)
redis.call('ZADD', KEYS[2], untilAt, ARGV[1])
local n = redis.call('INCR', KEYS[3])
redis.call(ARGV[3], ARGV[4], n .. ' ' .. untilAt .. ' ' .. ARGV[1])
return n`);

/**
 * Options of {@link redisDenyList}.
 *
 * @example
 * ```ts
 * const denyList = await redisDenyList({ client, prefix: 'myapp:', maxStaleness: 500 });
 * ```
 */
export interface RedisDenyListOptions extends RedisStoreOptions {
  /** Prefix of every key and channel. Default `'portcullis:'`. */
  prefix?: string;
  /**
   * Milliseconds the local replica keeps answering after the last proof that it has heard every
   * revocation; after that, `isRevoked()` reads Redis directly. Default 1000 (from 10 to 60,000).
   */
  maxStaleness?: number;
  /** Milliseconds to wait for the first load of the revoked set before rejecting. Default 10,000. */
  connectTimeout?: number;
}

/**
 * A {@link DenyList} shared by every instance through Redis, with `close()`.
 *
 * @example
 * ```ts
 * const denyList: RedisDenyList = await redisDenyList({ client });
 * await denyList.close();
 * ```
 */
export interface RedisDenyList extends DenyList {
  /** Write the revocation to Redis and announce it; resolves once Redis has taken it. */
  revoke(jti: string, expiresAt: Date | number): Promise<void>;
  /**
   * From the local replica while it is fresh (no network round trip); from Redis directly while it
   * is stale; rejects when Redis cannot answer (the request gets 503).
   */
  isRevoked(jti: string): boolean | Promise<boolean>;
  /** Revoked ids held by the local replica (expired ones are dropped lazily). */
  readonly size: number;
  /** Whether the replica has been confirmed complete within the last `maxStaleness` ms. */
  readonly fresh: boolean;
  /** Stop listening and close the subscriber connection. The client you passed stays open. */
  close(): Promise<void>;
}

const FACTORY = 'redisDenyList()';

function parseEntry(body: string): [string, number] | undefined {
  const space = body.indexOf(' ');
  const until = Number(body.slice(0, space));
  if (space <= 0 || !Number.isFinite(until)) return undefined;
  return [body.slice(space + 1), until];
}

/**
 * A deny-list every instance shares through Redis. `revoke(jti, exp)` writes a key that Redis
 * expires with the token (`SET … EXAT exp + 300 s`, the largest clock tolerance) and announces it
 * in the same script; each instance keeps a local replica fed by pub/sub, so `isRevoked()` makes no
 * network round trip. Start-up loads the revoked set before the promise resolves.
 *
 * When the feed is lost (the subscriber disconnects, a message goes missing, Redis restarts), the
 * replica keeps answering for at most `maxStaleness` ms after it was last confirmed complete, then
 * `isRevoked()` reads Redis directly, and rejects (503) when Redis cannot answer. When the feed
 * comes back, the replica reads the whole set again before it is trusted. Revocation never fails
 * open: a revoked id stays revoked locally until its token has expired, whatever Redis says.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const client = await createClient({ url: process.env.REDIS_URL }).on('error', console.error).connect();
 * const denyList = await redisDenyList({ client });
 * const tokens = jwt({ issuer, audience, algorithms: ['ES256'], jwks, denyList });
 * await denyList.revoke(claims.jti, claims.exp); // refused by every instance
 * ```
 */
export async function redisDenyList(options: RedisDenyListOptions): Promise<RedisDenyList> {
  const { redis, prefix } = commonOptions(
    FACTORY,
    options,
    ['prefix', 'maxStaleness', 'connectTimeout'],
    'portcullis:',
  );
  const maxStaleness = millis(FACTORY, 'maxStaleness', options.maxStaleness, 1000, 10, 60_000);
  const tag = `{${prefix}deny}`;
  const index = `${tag}:i`;
  const entryKey = (jti: string) => `${tag}:j:${jti}`;

  // jti → epoch second until which it stays revoked.
  const replica = new Map<string, number>();
  let nextSweep = 0;

  function remember(jti: string, until: number): void {
    const nowSeconds = Date.now() / 1000;
    if (nowSeconds >= nextSweep) {
      nextSweep = nowSeconds + 60;
      for (const [id, at] of replica) if (at <= nowSeconds) replica.delete(id);
    }
    if ((replica.get(jti) ?? 0) < until) replica.set(jti, until);
  }

  const feed = new Feed({
    redis,
    tag,
    staleAfter: maxStaleness,
    apply(body) {
      const entry = parseEntry(body);
      if (entry !== undefined) remember(entry[0], entry[1]);
    },
    async resync() {
      let cursor = '0';
      do {
        const reply = (await redis.call(index, ['ZSCAN', index, cursor, 'COUNT', '1000'])) as [
          string,
          string[],
        ];
        cursor = String(reply[0]);
        const items = reply[1];
        for (let i = 0; i + 1 < items.length; i += 2) remember(items[i]!, Number(items[i + 1]));
      } while (cursor !== '0');
    },
  });
  await feed.start(connectTimeout(FACTORY, options.connectTimeout), FACTORY);

  async function readRedis(jti: string): Promise<boolean> {
    const key = entryKey(jti);
    return (await redis.call(key, ['EXISTS', key])) === 1;
  }

  return {
    async revoke(jti, expiresAt) {
      const until = revocationExpiry(jti, expiresAt);
      // Refused here at once, whatever Redis answers.
      remember(jti, until);
      await redis.run(
        REVOKE,
        [entryKey(jti), index, feed.names.counter],
        [jti, String(until), redis.publish, feed.names.channel],
      );
    },
    isRevoked(jti) {
      const until = replica.get(jti);
      if (until !== undefined && until > Date.now() / 1000) return true;
      if (feed.fresh) return false;
      return readRedis(jti);
    },
    get size() {
      return replica.size;
    },
    get fresh() {
      return feed.fresh;
    },
    close: () => feed.close(),
  };
}
