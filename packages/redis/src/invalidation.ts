import type { InvalidationTarget, KeyInvalidation } from '@portcullis/core';
import { Script } from './client.js';
import { Feed } from './feed.js';
import { commonOptions, connectTimeout, millis, type RedisStoreOptions } from './options.js';

// KEYS: counter. ARGV: publish command, channel, key hash.
const ANNOUNCE = new Script(`
local n = redis.call('INCR', KEYS[1])
redis.call(ARGV[1], ARGV[2], n .. ' ' .. ARGV[3])
return n`);

/**
 * Options of {@link redisInvalidation}.
 *
 * @example
 * ```ts
 * const invalidation = await redisInvalidation({ client, channel: 'myapp:keys' });
 * ```
 */
export interface RedisInvalidationOptions extends RedisStoreOptions {
  /** Name of the feed; its Redis channel and counter are `{<channel>}:c` and `{<channel>}:n`. Default `'portcullis:keys'`. */
  channel?: string;
  /**
   * Milliseconds after the last proof that every invalidation was heard that the API key cache
   * stops being used (it is emptied and bypassed until the feed is back). Default 1000.
   */
  maxStaleness?: number;
  /** Milliseconds to wait for the subscription before rejecting. Default 10,000. */
  connectTimeout?: number;
}

/**
 * A {@link KeyInvalidation} on Redis, with `close()`.
 *
 * @example
 * ```ts
 * const invalidation: RedisInvalidation = await redisInvalidation({ client });
 * await invalidation.close();
 * ```
 */
export interface RedisInvalidation extends KeyInvalidation {
  /** Whether every invalidation reaches this instance now. */
  readonly live: boolean;
  /** Stop listening and close the subscriber connection. The client you passed stays open. */
  close(): Promise<void>;
}

const FACTORY = 'redisInvalidation()';

/**
 * Carry `apiKey().invalidate(hash)` to every instance: each instance's API key cache drops the
 * record when any instance invalidates it. An instance that loses the channel (its subscriber
 * disconnects, a message goes missing, no heartbeat for `maxStaleness` ms) empties its key cache
 * and caches nothing until the channel is back, so every request looks its key up meanwhile.
 *
 * @example
 * ```ts
 * const invalidation = await redisInvalidation({ client });
 * const keys = apiKey({ prefix: 'pcs', lookup, invalidation });
 * await db.apiKeys.revoke(id);
 * await keys.invalidate(hash); // dropped by every instance
 * ```
 */
export async function redisInvalidation(
  options: RedisInvalidationOptions,
): Promise<RedisInvalidation> {
  const { redis, prefix: channel } = commonOptions(
    FACTORY,
    options,
    ['channel', 'maxStaleness', 'connectTimeout'],
    'portcullis:keys',
    'channel',
  );
  const maxStaleness = millis(FACTORY, 'maxStaleness', options.maxStaleness, 1000, 10, 60_000);
  const targets = new Set<InvalidationTarget>();
  const dropAll = () => {
    for (const target of targets) target.dropAll();
  };
  const feed = new Feed({
    redis,
    tag: `{${channel}}`,
    staleAfter: maxStaleness,
    apply(hash) {
      for (const target of targets) target.drop(hash);
    },
    // Whatever was missed is gone with the rest.
    resync: dropAll,
    lost: dropAll,
  });
  await feed.start(connectTimeout(FACTORY, options.connectTimeout), FACTORY);

  const link = {
    get live() {
      return feed.live;
    },
    async publish(hash: string) {
      await redis.run(ANNOUNCE, [feed.names.counter], [redis.publish, feed.names.channel, hash]);
    },
  };

  return {
    attach(target) {
      targets.add(target);
      return link;
    },
    get live() {
      return feed.live;
    },
    close: () => feed.close(),
  };
}
