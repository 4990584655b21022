import type { ReplayStore } from '@portcullis/core';
import { checkClaim } from '@portcullis/core/adapter';
import { Script } from './client.js';
import { commonOptions, type RedisStoreOptions } from './options.js';

// KEYS: the id's key. ARGV: expires-at (epoch s). An id already expired by Redis time cannot be
// claimed: `SET … EXAT <past>` would answer OK without keeping the key, so every claim would win.
const CLAIM = new Script(`
local now = tonumber(redis.call('TIME')[1])
if tonumber(ARGV[1]) <= now then return 0 end
if redis.call('SET', KEYS[1], '1', 'NX', 'EXAT', ARGV[1]) then return 1 end
return 0`);

/**
 * Options of {@link redisReplayStore}.
 *
 * @example
 * ```ts
 * const replay = redisReplayStore({ client, prefix: 'myapp:' });
 * ```
 */
export interface RedisReplayStoreOptions extends RedisStoreOptions {
  /** Prefix of every key. Default `'portcullis:'`. */
  prefix?: string;
}

/**
 * A {@link ReplayStore} shared by every instance: `claim(id, expiresAt)` is `true` exactly once
 * fleet-wide until `expiresAt` (one `SET NX EXAT` by Redis time), for one-time tokens and DPoP
 * proof `jti`s. A claim Redis cannot answer rejects, which a request answers with 503.
 *
 * @example
 * ```ts
 * const replay = redisReplayStore({ client });
 * if (!(await replay.claim(proof.jti, proof.iat + 300))) refuse('replayed proof');
 * ```
 */
export function redisReplayStore(options: RedisReplayStoreOptions): ReplayStore {
  const { redis, prefix } = commonOptions('redisReplayStore()', options, ['prefix'], 'portcullis:');
  return {
    async claim(id, expiresAt) {
      const until = checkClaim(id, expiresAt);
      const key = `${prefix}replay:${id}`;
      return (await redis.run(CLAIM, [key], [String(until)])) === 1;
    },
  };
}
