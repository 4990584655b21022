// The checks of one presented API key: those that need no lookup (size, characters, prefix,
// checksum), then those of the record found (revoked, expired), and the principal it becomes.
import type { ApiKeyFailureReason } from '../audit-reasons.js';
import type { Principal } from '../types.js';
import { refusedApiKey } from './errors.js';
import { apiKeyProblem } from './format.js';
import type { KeyRecord } from './record.js';

/**
 * Longest key looked at, in characters; anything longer is refused before hashing.
 *
 * @example
 * ```ts
 * if (value.length > MAX_API_KEY_LENGTH) return 'malformed';
 * ```
 */
export const MAX_API_KEY_LENGTH = 256;

const VISIBLE = /^[\x21-\x7e]+$/;

/**
 * What the cheap checks need to know of an `apiKey()` method's keys.
 *
 * @example
 * ```ts
 * const format: KeyFormat = { checksum: true, prefix: 'pcs', tag: 'pcs_' };
 * ```
 */
export interface KeyFormat {
  checksum: boolean;
  prefix: string | undefined;
  /** `<prefix>_`, or `undefined` without a prefix. */
  tag: string | undefined;
}

/**
 * Why a presented key is refused before any lookup, or `undefined` when it may be looked up.
 *
 * @example
 * ```ts
 * presentedKeyProblem('pcs_short', { checksum: true, prefix: 'pcs', tag: 'pcs_' }); // 'malformed'
 * ```
 */
export function presentedKeyProblem(
  value: string,
  format: KeyFormat,
): ApiKeyFailureReason | undefined {
  if (typeof value !== 'string' || value === '' || value.length > MAX_API_KEY_LENGTH) {
    return 'malformed';
  }
  if (format.checksum) return apiKeyProblem(value, format.prefix);
  if (!VISIBLE.test(value)) return 'malformed';
  const tag = format.tag;
  if (tag === undefined) return undefined;
  if (!value.startsWith(tag)) return 'wrong_prefix';
  return value.length === tag.length ? 'malformed' : undefined;
}

/**
 * Throw the 401 of a record that is revoked or expired at `now` (epoch ms); return otherwise.
 * Run on every request, cached record or not.
 *
 * @example
 * ```ts
 * checkRecordLive(record, ctx.now(), ctx.realm);
 * ```
 */
export function checkRecordLive(record: KeyRecord, now: number, realm: string): void {
  if (record.revokedAt !== undefined && record.revokedAt <= now) {
    throw refusedApiKey(realm, 'revoked', record.id);
  }
  if (record.expiresAt !== undefined && record.expiresAt <= now) {
    throw refusedApiKey(realm, 'expired', record.id);
  }
}

/**
 * The principal of a live record: a fresh object per request over the record's frozen scopes, so
 * a handler cannot change the cached record.
 *
 * @example
 * ```ts
 * const principal = apiKeyPrincipal(record); // { method: 'api_key', subject, scopes, keyId, … }
 * ```
 */
export function apiKeyPrincipal(record: KeyRecord): Principal {
  const principal: Principal = {
    method: 'api_key',
    subject: record.subject,
    scopes: record.scopes,
    keyId: record.id,
  };
  if (record.tenant !== undefined) principal.tenant = record.tenant;
  if (record.expiresAt !== undefined) principal.expiresAt = new Date(record.expiresAt);
  if (record.metadata !== undefined) principal.metadata = record.metadata;
  return principal;
}
