import { checkOptions } from '../lib/options.js';
import type { MemoryReplayStoreOptions, ReplayStore } from './types.js';

/**
 * Check an id and an expiry handed to `claim()`: a non-empty string, and finite epoch seconds
 * (not milliseconds by mistake). Shared by every {@link ReplayStore} of Portcullis.
 *
 * @example
 * ```ts
 * const seconds = checkClaim(id, expiresAt);
 * ```
 */
export function checkClaim(id: unknown, expiresAt: unknown): number {
  if (typeof id !== 'string' || id === '') {
    throw new TypeError('claim(): `id` must be a non-empty string');
  }
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) {
    throw new TypeError('claim(): `expiresAt` must be a finite number of epoch seconds');
  }
  if (expiresAt >= 1e11) {
    throw new TypeError('claim(): `expiresAt` looks like milliseconds; pass epoch seconds');
  }
  return Math.ceil(expiresAt);
}

/**
 * A replay store held in this process's memory: `claim(id, expiresAt)` answers `true` the first
 * time an id is claimed and `false` after, until `expiresAt` (epoch seconds) has passed. An id
 * whose `expiresAt` has already passed cannot be claimed (`false`): whatever it names has expired.
 * Entries are dropped once expired, never earlier. For several instances, use
 * `redisReplayStore()` from `@portcullis/redis`, which has the same interface.
 *
 * @example
 * ```ts
 * const replay = memoryReplayStore();
 * if (!(await replay.claim(proof.jti, proof.iat + 300))) throw new Error('replayed');
 * ```
 */
export function memoryReplayStore(
  options: MemoryReplayStoreOptions = {},
): ReplayStore & { readonly size: number } {
  checkOptions('memoryReplayStore()', options, ['now']);
  const now = options.now ?? Date.now;
  const entries = new Map<string, number>();
  let nextSweep = 0;

  function sweep(nowSeconds: number): void {
    if (nowSeconds < nextSweep) return;
    nextSweep = nowSeconds + 10;
    for (const [id, until] of entries) if (until <= nowSeconds) entries.delete(id);
  }

  return {
    claim(id, expiresAt) {
      const until = checkClaim(id, expiresAt);
      const nowSeconds = now() / 1000;
      sweep(nowSeconds);
      if (until <= nowSeconds) return false;
      const held = entries.get(id);
      if (held !== undefined && held > nowSeconds) return false;
      entries.set(id, until);
      return true;
    },
    get size() {
      return entries.size;
    },
  };
}
