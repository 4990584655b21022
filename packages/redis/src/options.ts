// Checks shared by the factories of this package.
import { checkOptions } from '@portcullis/core/adapter';
import { type Commander, checkClient, commander, type RedisConnection } from './client.js';

/** Default milliseconds to wait for one Redis command before answering 503. */
const DEFAULT_TIMEOUT = 1000;
/** Default milliseconds a factory waits for its first sync. */
const DEFAULT_CONNECT_TIMEOUT = 10_000;

/**
 * Options every factory of this package takes.
 *
 * @example
 * ```ts
 * const options: RedisStoreOptions = { client, prefix: 'myapp:', timeout: 500 };
 * ```
 */
export interface RedisStoreOptions {
  /** A connected node-redis client (`createClient()`) or cluster (`createCluster()`). */
  client: RedisConnection;
  /**
   * Milliseconds to wait for one Redis command (a direct read, a write, a claim) before giving up
   * with an error, which a request answers with 503. Default 1000.
   */
  timeout?: number;
}

/**
 * The checked common options: the commander and the name prefix.
 *
 * @example
 * ```ts
 * const { redis, prefix } = commonOptions('redisReplayStore()', options, ['prefix'], 'portcullis:');
 * ```
 */
export interface Common {
  redis: Commander;
  prefix: string;
}

function fail(factory: string, message: string): never {
  throw new TypeError(`${factory}: ${message}`);
}

/**
 * Check a number option in milliseconds: absent gives `fallback`; otherwise finite and in range.
 *
 * @example
 * ```ts
 * const maxStaleness = millis('redisDenyList()', 'maxStaleness', options.maxStaleness, 1000, 10, 60_000);
 * ```
 */
export function millis(
  factory: string,
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail(factory, `\`${name}\` must be a number of milliseconds from ${min} to ${max}`);
  }
  return value;
}

/**
 * Check the options object, its names, the client, `timeout` and the name prefix (no braces: this
 * package places the cluster hash tags itself).
 *
 * @example
 * ```ts
 * const { redis, prefix } = commonOptions('redisReplayStore()', options, ['prefix'], 'portcullis:');
 * ```
 */
export function commonOptions(
  factory: string,
  options: unknown,
  names: readonly string[],
  defaultPrefix: string,
  prefixName = 'prefix',
): Common {
  if (typeof options !== 'object' || options === null) {
    fail(factory, `needs an options object: ${factory.slice(0, -1)}{ client })`);
  }
  checkOptions(factory, options, ['client', 'timeout', ...names]);
  const o = options as RedisStoreOptions & Record<string, unknown>;
  checkClient(factory, o.client);
  const timeout = millis(factory, 'timeout', o.timeout, DEFAULT_TIMEOUT, 1, 60_000);
  const prefix = o[prefixName] ?? defaultPrefix;
  if (typeof prefix !== 'string' || /[{}\s]/.test(prefix) || prefix.length > 128) {
    fail(
      factory,
      `\`${prefixName}\` must be a string of at most 128 characters without braces or spaces (the package adds the cluster hash tags)`,
    );
  }
  return { redis: commander(o.client, timeout), prefix };
}

/**
 * The milliseconds a factory waits for its first sync.
 *
 * @example
 * ```ts
 * await feed.start(connectTimeout('redisDenyList()', options.connectTimeout));
 * ```
 */
export function connectTimeout(factory: string, value: unknown): number {
  return millis(factory, 'connectTimeout', value, DEFAULT_CONNECT_TIMEOUT, 1, 600_000);
}
