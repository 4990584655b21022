// The public types of API keys: the record `lookup` returns, the options of `apiKey()` and the
// method it makes.
import type { Method } from '../types.js';

/**
 * What an API key `lookup` returns for a known key hash.
 *
 * @example
 * ```ts
 * const record: ApiKeyRecord = { id: 'key_1', subject: 'svc-billing', scopes: ['billing:read'] };
 * ```
 */
export interface ApiKeyRecord {
  /** Stable identifier of the key (not the key, not its hash); appears in events. */
  id: string;
  /** Who the key belongs to; becomes `principal.subject`. */
  subject: string;
  /** Scopes the key grants. */
  scopes: readonly string[];
  /** After this instant (a Date or epoch seconds) the key is refused. */
  expiresAt?: Date | number | null;
  /** From this instant (a Date or epoch seconds) the key is refused. */
  revokedAt?: Date | number | null;
  /** The tenant the key belongs to. */
  tenant?: string;
  /**
   * Plain data about the key for your policies, such as a tier or a budget
   * (`{ tier: 'pro', tokenBudget: 500_000 }`); copied and frozen, it becomes `principal.metadata`.
   */
  metadata?: Record<string, unknown> | null;
}

/**
 * What `lookup` may return: the key's record, or `null`/`undefined` for an unknown hash.
 *
 * @example
 * ```ts
 * const lookup = (hash: string): Promise<LookupResult> => db.apiKeys.findByHash(hash);
 * ```
 */
export type LookupResult = ApiKeyRecord | null | undefined;

/**
 * Options of {@link apiKey}.
 *
 * @example
 * ```ts
 * const options: ApiKeyOptions = { prefix: 'pcs', lookup: (hash) => db.apiKeys.findByHash(hash) };
 * ```
 */
export interface ApiKeyOptions {
  /**
   * Find a key's record by the lowercase hex SHA-256 of the presented key (see `hashApiKey`).
   * Return `null`/`undefined` for an unknown hash. Throwing or rejecting answers 503, never 401.
   */
  lookup: (hash: string) => Promise<LookupResult> | LookupResult;
  /**
   * The key prefix (`pcs` for keys like `pcs_…`). With a prefix, a `Bearer` value that starts with
   * `<prefix>_` is routed to this method, and a key with another prefix is refused without lookup.
   */
  prefix?: string;
  /** The header that carries the key. Default `'x-api-key'`. */
  header?: string;
  /**
   * Accept the key as `Authorization: Bearer <key>` too, routed by its prefix. Default `true` when
   * a `prefix` is set, else `false` (`true` without a prefix is a `TypeError`).
   */
  bearer?: boolean;
  /**
   * Check the checksum of keys made by `generateApiKey()`, refusing a mistyped or forged key with
   * no lookup. Default `true`; set `false` for keys of another format.
   */
  checksum?: boolean;
  /** Cache of records by hash, and of unknown hashes. `false` turns both off. */
  cache?: ApiKeyCacheOptions | false;
  /** Milliseconds to wait for `lookup` before answering 503. Default 5000. */
  lookupTimeout?: number;
  /**
   * Carry `invalidate(hash)` to every instance, such as `redisInvalidation()` from
   * `@portcullis/redis`. While the instance cannot hear invalidations, it caches nothing.
   */
  invalidation?: KeyInvalidation;
}

/**
 * A channel that carries API key invalidations between the instances of a fleet. `apiKey()`
 * attaches its cache once, at construction; `redisInvalidation()` from `@portcullis/redis` is one.
 *
 * @example
 * ```ts
 * const keys = apiKey({ lookup, invalidation: await redisInvalidation({ client }) });
 * await keys.invalidate(hash); // every instance drops the record
 * ```
 */
export interface KeyInvalidation {
  /** Connect a cache: from now on the channel tells it what to drop. */
  attach(cache: InvalidationTarget): InvalidationLink;
}

/**
 * What a {@link KeyInvalidation} tells an attached cache.
 *
 * @example
 * ```ts
 * const link = invalidation.attach({ drop: (hash) => cache.delete(hash), dropAll: () => cache.clear() });
 * ```
 */
export interface InvalidationTarget {
  /** Another instance (or this one) invalidated `hash`. */
  drop(hash: string): void;
  /** Invalidations may have been missed: forget everything. */
  dropAll(): void;
}

/**
 * A cache's end of a {@link KeyInvalidation}.
 *
 * @example
 * ```ts
 * if (link.live) cache.set(hash, record);
 * await link.publish(hash);
 * ```
 */
export interface InvalidationLink {
  /** Whether every invalidation reaches this instance now. While `false`, nothing is cached. */
  readonly live: boolean;
  /** Tell every instance to drop `hash`; resolves once the channel has taken it. */
  publish(hash: string): Promise<void>;
}

/**
 * Bounds of the API key record cache. Ages are measured on the authenticator's clock (`now`), so
 * a frozen test clock works. A `max` or TTL of 0 turns that half of the cache off.
 *
 * @example
 * ```ts
 * apiKey({ lookup, cache: { ttl: 5_000, negativeTtl: 1_000 } });
 * ```
 */
export interface ApiKeyCacheOptions {
  /** Most records kept. Default 10,000. */
  max?: number;
  /** Milliseconds a found record is reused without a lookup. Default 30,000. */
  ttl?: number;
  /** Most unknown hashes remembered. Default 10,000. */
  negativeMax?: number;
  /** Milliseconds an unknown hash is answered 401 without a lookup. Default 5,000. */
  negativeTtl?: number;
}

/**
 * The method `apiKey()` returns: a {@link Method} you can also tell about revocations.
 *
 * @example
 * ```ts
 * const keys: ApiKeyMethod = apiKey({ lookup });
 * await db.apiKeys.revoke(id);
 * await keys.invalidate(hash);
 * ```
 */
export interface ApiKeyMethod extends Method {
  readonly type: 'api_key';
  /**
   * Forget the cached record (or unknown mark) of one key hash, effective on this instance's next
   * request. With an `invalidation` channel, every instance forgets it; the promise resolves once
   * the channel has taken the message and rejects when it could not (a rejection nobody awaits is
   * not reported as unhandled).
   */
  invalidate(hash: string): Promise<void>;
  /** Forget every cached record and unknown mark. */
  clearCache(): void;
}
