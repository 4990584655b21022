// The errors of API keys. One description for unknown, wrong, malformed, expired and revoked
// keys: the client learns nothing about which; the reason goes to the audit event.
import type { ApiKeyFailureReason } from '../audit-reasons.js';
import type { AuthError } from '../auth-error.js';
import { AuthErrorCodes } from '../error-codes.js';
import { invalidToken, serverError, unavailable } from '../errors.js';
import { withDetail } from '../lib/detail.js';
import type { LookupOutcome } from './single-flight.js';

const INVALID = 'The API key is invalid';

/**
 * The 401 `invalid_token` of every refused API key (`ERR_API_KEY_INVALID`), with the one
 * description core uses, so fakes and custom methods answer exactly as `apiKey()` does.
 *
 * @example
 * ```ts
 * if (record === undefined) throw invalidApiKey(ctx.realm);
 * ```
 */
export function invalidApiKey(realm?: string): AuthError {
  return invalidToken(AuthErrorCodes.API_KEY_INVALID, INVALID, realm);
}

/**
 * {@link invalidApiKey} with its audit reason (and the record's id, once known).
 *
 * @example
 * ```ts
 * throw refusedApiKey(ctx.realm, 'revoked', record.id);
 * ```
 */
export function refusedApiKey(
  realm: string,
  reason: ApiKeyFailureReason,
  keyId?: string,
): AuthError {
  return withDetail(invalidApiKey(realm), keyId === undefined ? { reason } : { reason, keyId });
}

/**
 * The error of a lookup that found no usable record: 503 when it failed or timed out, 500 when
 * it returned something that is not a record, 401 when the key is unknown.
 *
 * @example
 * ```ts
 * if (outcome.kind !== 'found') throw lookupFailure(outcome, ctx.realm);
 * ```
 */
export function lookupFailure(
  outcome: Exclude<LookupOutcome, { kind: 'found' }>,
  realm: string,
): AuthError {
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
      return refusedApiKey(realm, 'unknown_key');
  }
}
