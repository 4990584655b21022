// The cache of verified tokens. An entry is found by the last characters of the token (its
// signature's tail) and holds the whole token, which a hit must equal exactly: two tokens never
// share an entry's verification. Finding it by the tail, not the whole token, spares hashing
// every character of a fresh 600-character RS256 string per request (about 1 µs); comparing two
// strings for equality is a memcmp.
//
// A token is cached the second time it is seen, not the first: one-off tokens would otherwise
// pay for an insertion (and the garbage collector for keeping them) without ever being read back.
import { LRUCache } from 'lru-cache';
import type { Verified } from './claims.js';

// Characters of the signature that index an entry: 96 bits of a MAC or signature.
const TAIL = 16;
// Characters remembered per first sighting: fewer than 13, so V8 copies them instead of keeping
// the whole token alive through a sliced string.
const SEEN_TAIL = 12;

interface Entry {
  readonly token: string;
  readonly verified: Verified;
}

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
  readonly #lru: LRUCache<string, Entry>;
  readonly #seen = new Set<string>();
  readonly #seenMax: number;

  constructor(limits: { max: number; maxBytes: number }) {
    this.#lru = new LRUCache<string, Entry>({
      max: limits.max,
      maxSize: limits.maxBytes,
      sizeCalculation: (entry) => entry.token.length,
    });
    this.#seenMax = limits.max;
  }

  /** The verification of exactly this token, if cached. */
  get(token: string): Verified | undefined {
    const entry = this.#lru.get(token.slice(-TAIL));
    return entry !== undefined && entry.token === token ? entry.verified : undefined;
  }

  /** Forget this token (and nothing else). */
  delete(token: string): void {
    const tail = token.slice(-TAIL);
    if (this.#lru.peek(tail)?.token === token) this.#lru.delete(tail);
  }

  /** Cache a fresh verification if this token was seen before; otherwise remember seeing it. */
  offer(token: string, verified: Verified): boolean {
    const seen = token.slice(-SEEN_TAIL);
    if (!this.#seen.has(seen)) {
      if (this.#seen.size >= this.#seenMax) this.#seen.clear();
      this.#seen.add(seen);
      return false;
    }
    this.#seen.delete(seen);
    // A different token with the same tail (it cannot verify with the same signature bytes
    // unless the key signs it) simply takes the place: a later hit still compares whole tokens.
    this.#lru.set(token.slice(-TAIL), { token, verified });
    return true;
  }

  /** Forget everything. */
  clear(): void {
    this.#lru.clear();
    this.#seen.clear();
  }
}
