import { createHash } from 'node:crypto';
import type { BudgetState, LimitStore, RateDecision } from '@portcullis/core';
import { gcra } from '@portcullis/core/adapter';
import { Script } from './client.js';
import { commonOptions, type RedisStoreOptions } from './options.js';

// The Redis clock in whole milliseconds, as both scripts read it.
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// GCRA in one step, the arithmetic of core's gcra() on the same doubles. KEYS: the bucket.
// ARGV: limit, window (ms), cost. Answers allowed (1/0), the TAT it read (as stored), and now.
const TAKE = new Script(`${NOW}
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local held = redis.call('GET', KEYS[1]) or '0'
local tat = tonumber(held)
local start = tat
if now > start then start = now end
local nxt = start + tonumber(ARGV[3]) * (window / limit)
if nxt - window > now then return {0, held, now} end
redis.call('SET', KEYS[1], string.format('%.3f', nxt), 'PX', math.ceil(nxt - now) + 1)
return {1, held, now}`);

// A budget: `<period index>:<used>` in one key that expires when the period ends. KEYS: the
// budget. ARGV: quota, period (ms), amount. Answers used (after) and now.
const SPEND = new Script(`${NOW}
local quota = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local amount = tonumber(ARGV[3])
local index = math.floor(now / period)
local used = 0
local held = redis.call('GET', KEYS[1])
if held then
  local i, u = string.match(held, '^(%d+):(%d+)$')
  if tonumber(i) == index then used = tonumber(u) end
end
local total = used + amount
if total > quota then total = quota end
if amount > 0 then
  redis.call('SET', KEYS[1], string.format('%d:%d', index, total), 'PXAT', string.format('%d', (index + 1) * period))
end
return {total, now}`);

/**
 * Options of {@link redisLimitStore}.
 *
 * @example
 * ```ts
 * const store = redisLimitStore({ client, prefix: 'myapp:' });
 * ```
 */
export interface RedisLimitStoreOptions extends RedisStoreOptions {
  /** Prefix of every key. Default `'portcullis:'`. */
  prefix?: string;
}

/** A key's slot tag: a digest, so any key (braces, length) makes a short, well-formed tag. */
function tag(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 22);
}

/**
 * A `LimitStore` for `rateLimit()` and `budget()` shared by every instance: each decision is one
 * script (one round trip) on Redis's clock, the same GCRA as `memoryLimitStore()`, on one key per
 * bucket (`<prefix>limit:{<digest>}`) or budget (`<prefix>budget:{<digest>}:<period>`), sent by
 * `EVALSHA` with an `EVAL` fallback. A store that cannot answer rejects, which a request answers
 * with 503 (unless the limit says `onStoreError: 'allow'`).
 *
 * @example
 * ```ts
 * const store = redisLimitStore({ client });
 * app.use(authenticate(authenticator), rateLimit({ limit: 100, window: 60, store }));
 * ```
 */
export function redisLimitStore(options: RedisLimitStoreOptions): LimitStore {
  const { redis, prefix } = commonOptions('redisLimitStore()', options, ['prefix'], 'portcullis:');
  return {
    async take(key, rule): Promise<RateDecision> {
      const reply = (await redis.run(
        TAKE,
        [`${prefix}limit:{${tag(key)}}`],
        [String(rule.limit), String(rule.window * 1000), String(rule.cost)],
      )) as [number, string, number];
      const [decision] = gcra(Number(reply[1]), Number(reply[2]), rule);
      // The script decided; core's arithmetic on the same numbers gives the same answer.
      return decision.allowed === (reply[0] === 1)
        ? decision
        : { ...decision, allowed: reply[0] === 1, retryAfter: reply[0] === 1 ? 0 : 1 };
    },
    async spend(key, quota, period, amount): Promise<BudgetState> {
      const reply = (await redis.run(
        SPEND,
        [`${prefix}budget:{${tag(key)}}:${period}`],
        [String(quota), String(period * 1000), String(amount)],
      )) as [number, number];
      const used = Number(reply[0]);
      const now = Number(reply[1]);
      const periodMs = period * 1000;
      const reset = Math.ceil(((Math.floor(now / periodMs) + 1) * periodMs - now) / 1000);
      return { used, remaining: quota - used, reset };
    },
  };
}
