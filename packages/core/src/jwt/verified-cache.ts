// The cache of verified tokens, keyed by the exact token string. A token is cached the second time
// it is seen, not the first: one-off tokens would otherwise pay for an insertion (and the garbage
// collector for keeping them) without ever being read back.
import { LRUCache } from 'lru-cache';
import type { Verified } from './claims.js';

// Characters of the signature remembered per first sighting: fewer than 13, so V8 copies them
// instead of keeping the whole token alive through a sliced string.
const TAIL = 12;

/**
 * Verified tokens, bounded by count and by the sum of token lengths.
 *
 * @example
 * ```ts
 * const cache = new VerifiedCache({ max: 10_000, maxBytes: 8 << 20 });
 * cache.offer(token, verified);
 * const hit = cache.get(token);
 * ```
 */
export class VerifiedCache {
  readonly #lru: LRUCache<string, Verified>;
  readonly #seen = new Set<string>();
  readonly #seenMax: number;

  constructor(limits: { max: number; maxBytes: number }) {
    this.#lru = new LRUCache<string, Verified>({
      max: limits.max,
      maxSize: limits.maxBytes,
      sizeCalculation: (_value, key) => key.length,
    });
    this.#seenMax = limits.max;
  }

  /** The verification of exactly this token, if cached. */
  get(token: string): Verified | undefined {
    return this.#lru.get(token);
  }

  /** Forget one token. */
  delete(token: string): void {
    this.#lru.delete(token);
  }

  /** Cache a fresh verification if this token was seen before; otherwise remember seeing it. */
  offer(token: string, verified: Verified): boolean {
    const tail = token.slice(-TAIL);
    if (!this.#seen.has(tail)) {
      if (this.#seen.size >= this.#seenMax) this.#seen.clear();
      this.#seen.add(tail);
      return false;
    }
    this.#seen.delete(tail);
    this.#lru.set(token, verified);
    return true;
  }

  /** Forget everything. */
  clear(): void {
    this.#lru.clear();
    this.#seen.clear();
  }
}
