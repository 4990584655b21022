import { sha256Hex } from '#crypto';
import {
  type AuthError,
  AuthErrorCodes,
  invalidToken,
  serverError,
  unavailable,
} from '../errors.js';
import { withDetail } from '../lib/detail.js';
import { type Now, verifyFrom } from '../lib/sync.js';
import type { ApiKeyRecord, CredentialSource, Method, Principal, VerifyContext } from '../types.js';
import { ClockedCache } from './cache.js';
import { checkApiKey } from './format.js';
import { resolveApiKeyOptions } from './options.js';
import type { KeyRecord } from './record.js';
import { type LookupOutcome, singleFlight } from './single-flight.js';

/** What `lookup` may return. */
export type LookupResult = ApiKeyRecord | null | undefined;

/** Options of {@link apiKey}. */
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
}

/**
 * Bounds of the API key record cache. Ages are measured on the authenticator's clock (`now`), so
 * a frozen test clock works. A `max` or TTL of 0 turns that half of the cache off.
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

/** The method `apiKey()` returns: a {@link Method} you can also tell about revocations. */
export interface ApiKeyMethod extends Method {
  readonly type: 'api_key';
  /** Forget the cached record (or unknown mark) of one key hash, effective on the next request. */
  invalidate(hash: string): void;
  /** Forget every cached record and unknown mark. */
  clearCache(): void;
}

/** Longest key looked at, in characters; anything longer is refused before hashing. */
export const MAX_API_KEY_LENGTH = 256;

const VISIBLE = /^[\x21-\x7e]+$/;
// One description for unknown, wrong, malformed, expired and revoked keys: the client learns
// nothing about which; the reason goes to the audit event.
const INVALID = 'The API key is invalid';
const UNKNOWN_MARK = Object.freeze({});

function rejected(realm: string, reason: string, keyId?: string): AuthError {
  const err = invalidToken(AuthErrorCodes.API_KEY_INVALID, INVALID, realm);
  return withDetail(err, keyId === undefined ? { reason } : { reason, keyId });
}

function failure(outcome: LookupOutcome, realm: string): AuthError {
  switch (outcome.kind) {
    case 'failed':
      return withDetail(unavailable(AuthErrorCodes.LOOKUP_FAILED, outcome.cause), {
        reason: 'lookup_failed',
      });
    case 'timeout':
      return withDetail(unavailable(AuthErrorCodes.LOOKUP_TIMEOUT), { reason: 'lookup_timeout' });
    case 'invalid':
      return withDetail(serverError(AuthErrorCodes.LOOKUP_INVALID_RECORD, outcome.cause), {
        reason: 'invalid_record',
      });
    default:
      return rejected(realm, 'unknown_key');
  }
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
  const records = new ClockedCache<KeyRecord>(o.cache.max, o.cache.ttl);
  const unknown = new ClockedCache<object>(o.cache.negativeMax, o.cache.negativeTtl);
  const flights = singleFlight(o.lookup, o.lookupTimeout, (hash, outcome, now) => {
    if (outcome.kind === 'found') records.set(hash, outcome.record, now);
    else unknown.set(hash, UNKNOWN_MARK, now);
  });

  // The checks that need no lookup: size, characters, prefix, and the checksum.
  function problemOf(value: string): string | undefined {
    if (typeof value !== 'string' || value === '' || value.length > MAX_API_KEY_LENGTH) {
      return 'malformed';
    }
    if (o.checksum) return checkApiKey(value, o.prefix);
    if (!VISIBLE.test(value)) return 'malformed';
    if (tag === undefined) return undefined;
    if (!value.startsWith(tag)) return 'wrong_prefix';
    return value.length === tag.length ? 'malformed' : undefined;
  }

  function principalOf(record: KeyRecord, ctx: VerifyContext): Principal {
    const now = ctx.now();
    if (record.revokedAt !== undefined && record.revokedAt <= now) {
      throw rejected(ctx.realm, 'revoked', record.id);
    }
    if (record.expiresAt !== undefined && record.expiresAt <= now) {
      throw rejected(ctx.realm, 'expired', record.id);
    }
    // A fresh object per request; scopes are frozen: a handler cannot change the cached record.
    const principal: Principal = {
      method: 'api_key',
      subject: record.subject,
      scopes: record.scopes,
      keyId: record.id,
    };
    if (record.tenant !== undefined) principal.tenant = record.tenant;
    if (record.expiresAt !== undefined) principal.expiresAt = new Date(record.expiresAt);
    return principal;
  }

  // Synchronous while the answer is known (a cached record, a remembered unknown key, a bad
  // checksum); a promise only while a lookup runs. See lib/sync.ts.
  function verifyNow(value: string, ctx: VerifyContext): Now<Principal> {
    const problem = problemOf(value);
    if (problem !== undefined) throw rejected(ctx.realm, problem);
    const hash = sha256Hex(value);
    const now = ctx.now();
    const cached = records.get(hash, now);
    if (cached !== undefined) return principalOf(cached, ctx);
    if (unknown.get(hash, now) !== undefined) throw rejected(ctx.realm, 'unknown_key');
    const run = flights.run(hash, ctx);
    return run instanceof Promise ? run.then((outcome) => settle(outcome, ctx)) : settle(run, ctx);
  }

  function settle(outcome: LookupOutcome, ctx: VerifyContext): Principal {
    if (outcome.kind !== 'found') throw failure(outcome, ctx.realm);
    return principalOf(outcome.record, ctx);
  }

  return Object.freeze({
    type: 'api_key' as const,
    headers: Object.freeze([o.header]),
    cookies: Object.freeze([]),
    // A checksummed key is a prefix of letters, digits and `_`, then base62: all b64token.
    tokenSafe: o.checksum,
    claims(value: string, source: CredentialSource): boolean {
      if (source.kind === 'authorization')
        return o.bearer && tag !== undefined && value.startsWith(tag);
      if (source.kind === 'header') return tag === undefined || value.startsWith(tag);
      return false;
    },
    verify: verifyFrom(verifyNow),
    invalidate(hash: string): void {
      if (typeof hash !== 'string') {
        throw new TypeError('invalidate(): `hash` must be the hex SHA-256 from hashApiKey()');
      }
      const key = hash.toLowerCase();
      records.delete(key);
      unknown.delete(key);
      flights.forget(key);
    },
    clearCache(): void {
      records.clear();
      unknown.clear();
      flights.forgetAll();
    },
  });
}
