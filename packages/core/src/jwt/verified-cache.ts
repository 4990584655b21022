// The cache of verified tokens. An entry is found by the last characters of the token (its
// signature's tail) and holds the whole token, which a hit must equal exactly: two tokens never
// share an entry's verification. Finding it by the tail, not the whole token, spares hashing
// every character of a fresh 600-character RS256 string per request (about 1 µs); comparing two
// strings for equality is a memcmp.
//
// A token is cached the second time it is seen, not the first: one-off tokens would otherwise
// pay for an insertion (and the garbage collector for keeping them) without ever being read back.
//
// An entry also holds the signature check that verified the token, and the `alg` and `kid` that
// found it, so a hit can ask the key source whether that check still serves them: an entry never
// outlives the key that verified it.
import { LRUCache } from 'lru-cache';
import type { Algorithm, SignatureCheck } from '../crypto/types.js';
import type { Verified } from './claims.js';

// Characters of the signature that index an entry: 96 bits of a MAC or signature.
const TAIL = 16;
// Characters remembered per first sighting: fewer than 13, so V8 copies them instead of keeping
// the whole token alive through a sliced string.
const SEEN_TAIL = 12;

/**
 * A cached verification and the key that made it.
 *
 * @example
 * ```ts
 * cache.add(token, { verified, alg, kid, check } satisfies Cached);
 * ```
 */
export interface Cached {
  readonly verified: Verified;
  /** The token's `alg` and `kid`, by which the key source found `check`. */
  readonly alg: Algorithm;
  readonly kid: string | undefined;
  /** The signature check that verified the token: valid while the source still answers it. */
  readonly check: SignatureCheck;
}

interface Entry {
  readonly token: string;
  readonly cached: Cached;
}

/**
 * Verified tokens, bounded by count and by the sum of token lengths.
 *
 * @example
 * ```ts
 * const cache = new VerifiedCache({ max: 10_000, maxBytes: 8 << 20 });
 * if (cache.admits(token)) cache.add(token, { verified, alg, kid, check });
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
  get(token: string): Cached | undefined {
    const entry = this.#lru.get(token.slice(-TAIL));
    return entry !== undefined && entry.token === token ? entry.cached : undefined;
  }

  /** Forget this token (and nothing else). */
  delete(token: string): void {
    const tail = token.slice(-TAIL);
    if (this.#lru.peek(tail)?.token === token) this.#lru.delete(tail);
  }

  /**
   * Whether a fresh verification of this token should be cached now: true if it was seen before
   * (call {@link add} then); otherwise remember seeing it and answer false.
   */
  admits(token: string): boolean {
    const seen = token.slice(-SEEN_TAIL);
    if (!this.#seen.has(seen)) {
      if (this.#seen.size >= this.#seenMax) this.#seen.clear();
      this.#seen.add(seen);
      return false;
    }
    this.#seen.delete(seen);
    return true;
  }

  /** Cache a verification of this token, made by `cached.check`. */
  add(token: string, cached: Cached): void {
    // A different token with the same tail (it cannot verify with the same signature bytes
    // unless the key signs it) simply takes the place: a later hit still compares whole tokens.
    this.#lru.set(token.slice(-TAIL), { token, cached });
  }

  /** Forget everything. */
  clear(): void {
    this.#lru.clear();
    this.#seen.clear();
  }
}
