import { checkOptions } from '../lib/options.js';
import type { DenyList, MemoryDenyListOptions } from './types.js';

// Entries outlive their token's `exp` by the largest clock tolerance `jwt()` allows, so a token
// accepted within tolerance after `exp` is still refused.
const GRACE_SECONDS = 300;

/**
 * Check what `revoke(jti, expiresAt)` was given and answer the epoch second until which the entry
 * must be kept: the token's expiry plus the largest clock tolerance `jwt()` allows, so a token
 * still accepted within tolerance after `exp` stays refused. Shared by every {@link DenyList} of
 * Portcullis.
 *
 * @example
 * ```ts
 * const keepUntil = revocationExpiry(jti, claims.exp); // claims.exp + 300
 * ```
 */
export function revocationExpiry(jti: unknown, expiresAt: Date | number): number {
  if (typeof jti !== 'string' || jti === '') {
    throw new TypeError('revoke(): `jti` must be a non-empty string');
  }
  return Math.ceil(toEpochSeconds(expiresAt, 'revoke(): `expiresAt`') + GRACE_SECONDS);
}

function toEpochSeconds(value: Date | number, what: string): number {
  const seconds = value instanceof Date ? value.getTime() / 1000 : value;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
    throw new TypeError(`${what} must be a Date or a finite number of epoch seconds`);
  }
  // Year 5138 in seconds, or March 1973 in milliseconds: a number this large is milliseconds by
  // mistake, and would keep the entry for millennia.
  if (typeof value === 'number' && seconds >= 1e11) {
    throw new TypeError(`${what} looks like milliseconds; pass epoch seconds or a Date`);
  }
  return seconds;
}

/**
 * A deny-list held in this process's memory. An entry is kept until the token it revokes would
 * have expired anyway, then dropped; entries are never evicted early (eviction would un-revoke).
 * For several instances, use a shared store with the same {@link DenyList} interface.
 *
 * @example
 * ```ts
 * const denyList = memoryDenyList();
 * const auth = jwt({ ..., denyList });
 * app.post('/revoke', async (req, res) => { await denyList.revoke(req.auth.claims.jti, req.auth.claims.exp); });
 * ```
 */
export function memoryDenyList(
  options: MemoryDenyListOptions = {},
): DenyList & { readonly size: number } {
  checkOptions('memoryDenyList()', options, ['now']);
  const now = options.now ?? Date.now;
  const entries = new Map<string, number>();
  let nextSweep = 0;

  function sweep(nowSeconds: number): void {
    if (nowSeconds < nextSweep) return;
    nextSweep = nowSeconds + 60;
    for (const [jti, until] of entries) if (until <= nowSeconds) entries.delete(jti);
  }

  return {
    revoke(jti, expiresAt) {
      const until = revocationExpiry(jti, expiresAt);
      sweep(now() / 1000);
      entries.set(jti, Math.max(until, entries.get(jti) ?? 0));
    },
    isRevoked(jti) {
      const until = entries.get(jti);
      return until !== undefined && until > now() / 1000;
    },
    get size() {
      return entries.size;
    },
  };
}
