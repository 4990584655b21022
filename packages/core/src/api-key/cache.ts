import { LRUCache } from 'lru-cache';

interface Entry<V> {
  value: V;
  /** `ctx.now()` when stored: expiry follows the injected clock, not lru-cache's own. */
  at: number;
}

/**
 * A bounded LRU map whose entries expire `ttl` ms after they were stored, by a clock the caller
 * passes in (so a frozen test clock works). `max` or `ttl` of 0 makes it a cache that keeps nothing.
 *
 * @example
 * ```ts
 * const cache = new ClockedCache<KeyRecord>(10_000, 30_000);
 * cache.set(hash, record, ctx.now());
 * cache.get(hash, ctx.now());
 * ```
 */
export class ClockedCache<V extends object> {
  readonly #ttl: number;
  readonly #lru: LRUCache<string, Entry<V>> | undefined;

  constructor(max: number, ttl: number) {
    this.#ttl = ttl;
    this.#lru = max > 0 && ttl > 0 ? new LRUCache({ max }) : undefined;
  }

  /** The value stored for `key`, unless it is older than the TTL at `now` (or from the future). */
  get(key: string, now: number): V | undefined {
    const entry = this.#lru?.get(key);
    if (entry === undefined) return undefined;
    const age = now - entry.at;
    if (age >= 0 && age < this.#ttl) return entry.value;
    this.#lru!.delete(key);
    return undefined;
  }

  set(key: string, value: V, now: number): void {
    this.#lru?.set(key, { value, at: now });
  }

  delete(key: string): void {
    this.#lru?.delete(key);
  }

  clear(): void {
    this.#lru?.clear();
  }

  /** Entries held, expired or not. */
  get size(): number {
    return this.#lru?.size ?? 0;
  }
}
