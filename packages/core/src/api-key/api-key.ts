import { sha256Hex } from '#crypto';
import { type Awaitable, isPromiseLike } from '../lib/awaitable.js';
import { verifyFrom } from '../lib/sync.js';
import type { CredentialSource, Principal, VerifyContext } from '../types.js';
import { ClockedCache } from './cache.js';
import { apiKeyPrincipal, checkRecordLive, presentedKeyProblem } from './checks.js';
import { lookupFailure, refusedApiKey } from './errors.js';
import { resolveApiKeyOptions } from './options.js';
import type { KeyRecord } from './record.js';
import { type LookupOutcome, singleFlight } from './single-flight.js';
import type { ApiKeyMethod, ApiKeyOptions } from './types.js';

const UNKNOWN_MARK = Object.freeze({});

// Which credentials are API keys: a bearer value with the prefix (when `bearer` is on), and a
// key-header value with the prefix (any value, without one).
function recognizer(bearer: boolean, tag: string | undefined) {
  return (value: string, source: CredentialSource): boolean => {
    // An API key is never DPoP-bound: `Authorization: DPoP <key>` is not one.
    if (source.kind === 'authorization')
      return bearer && tag !== undefined && source.scheme === undefined && value.startsWith(tag);
    if (source.kind === 'header') return tag === undefined || value.startsWith(tag);
    return false;
  };
}

/**
 * Verify API keys: hash the presented key, find its record with your `lookup`, check expiry and
 * revocation, and make a principal.
 *
 * @example
 * ```ts
 * const keys = apiKey({ prefix: 'pcs', lookup: (hash) => db.apiKeys.findOne({ hash }) });
 * ```
 */
export function apiKey(options: ApiKeyOptions): ApiKeyMethod {
  const o = resolveApiKeyOptions(options);
  const tag = o.prefix === undefined ? undefined : `${o.prefix}_`;
  const format = { checksum: o.checksum, prefix: o.prefix, tag };
  const records = new ClockedCache<KeyRecord>(o.cache.max, o.cache.ttl);
  const unknown = new ClockedCache<object>(o.cache.negativeMax, o.cache.negativeTtl);
  const flights = singleFlight(o.lookup, o.lookupTimeout, (hash, outcome, now) => {
    if (link !== undefined && !link.live) return;
    if (outcome.kind === 'found') records.set(hash, outcome.record, now);
    else unknown.set(hash, UNKNOWN_MARK, now);
  });

  function drop(hash: string): void {
    records.delete(hash);
    unknown.delete(hash);
    flights.forget(hash);
  }

  function dropAll(): void {
    records.clear();
    unknown.clear();
    flights.forgetAll();
  }

  // Another instance's invalidations arrive through the link. While it is not live, the cache is
  // emptied once and then bypassed: a record read now may be invalidated unheard.
  const link = o.invalidation?.attach({ drop: (hash) => drop(hash.toLowerCase()), dropAll });
  let bypassing = false;
  function cacheUsable(): boolean {
    if (link === undefined || link.live) {
      bypassing = false;
      return true;
    }
    if (!bypassing) {
      bypassing = true;
      dropAll();
    }
    return false;
  }

  function accepted(record: KeyRecord, ctx: VerifyContext): Principal {
    checkRecordLive(record, ctx.now(), ctx.realm);
    return apiKeyPrincipal(record);
  }

  function settle(outcome: LookupOutcome, ctx: VerifyContext): Principal {
    if (outcome.kind !== 'found') throw lookupFailure(outcome, ctx.realm);
    return accepted(outcome.record, ctx);
  }

  // Direct while the answer is known (a cached record, a remembered unknown key, a bad
  // checksum); a promise only while a lookup runs. See lib/sync.ts.
  function verifyAwaitable(value: string, ctx: VerifyContext): Awaitable<Principal> {
    const problem = presentedKeyProblem(value, format);
    if (problem !== undefined) throw refusedApiKey(ctx.realm, problem);
    const hash = sha256Hex(value);
    if (cacheUsable()) {
      const now = ctx.now();
      const cached = records.get(hash, now);
      if (cached !== undefined) return accepted(cached, ctx);
      if (unknown.get(hash, now) !== undefined) throw refusedApiKey(ctx.realm, 'unknown_key');
    }
    const run = flights.run(hash, ctx);
    return isPromiseLike(run) ? run.then((outcome) => settle(outcome, ctx)) : settle(run, ctx);
  }

  return Object.freeze({
    type: 'api_key' as const,
    headers: Object.freeze([o.header]),
    cookies: Object.freeze([]),
    // A checksummed key is a prefix of letters, digits and `_`, then base62: all b64token.
    tokenSafe: o.checksum,
    recognizes: recognizer(o.bearer, tag),
    verify: verifyFrom(verifyAwaitable),
    invalidate(hash: string): Promise<void> {
      if (typeof hash !== 'string') {
        throw new TypeError('invalidate(): `hash` must be the hex SHA-256 from hashApiKey()');
      }
      const key = hash.toLowerCase();
      drop(key);
      if (link === undefined) return Promise.resolve();
      let published: Promise<void>;
      try {
        published = Promise.resolve(link.publish(key));
      } catch (err) {
        published = Promise.reject(err);
      }
      // Awaiting it reports a failure; not awaiting it must not crash the process.
      published.catch(() => {});
      return published;
    },
    clearCache: dropAll,
  });
}
