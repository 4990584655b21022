// What a verifier knows about a failure that belongs in the audit event, not in the response: kept
// off the error object, in a module-private WeakMap, so it never reaches a client.
import type { AuthEventReason } from '../audit-reasons.js';
import type { AuthError } from '../auth-error.js';

/**
 * The audit detail of one failure.
 *
 * @example
 * ```ts
 * const detail: FailureDetail = { reason: 'revoked', keyId: 'key_42' };
 * ```
 */
export interface FailureDetail {
  /** A finer reason than the error code: `unknown_key`, `expired`, `revoked`, … */
  reason?: AuthEventReason;
  keyId?: string;
  jti?: string;
}

const details = new WeakMap<AuthError, FailureDetail>();

/**
 * Attach audit detail to an error, and return the error.
 *
 * @example
 * ```ts
 * throw withDetail(invalidApiKey(realm), { reason: 'unknown_key' });
 * ```
 */
export function withDetail(err: AuthError, detail: FailureDetail): AuthError {
  details.set(err, detail);
  return err;
}

/**
 * The audit detail attached to an error, if any.
 *
 * @example
 * ```ts
 * const reason = detailOf(err)?.reason;
 * ```
 */
export function detailOf(err: AuthError): FailureDetail | undefined {
  return details.get(err);
}
