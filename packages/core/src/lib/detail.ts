import type { AuthError } from '../errors.js';

/** What a verifier knows about a failure that belongs in the audit event, not the response. */
export interface FailureDetail {
  /** A finer reason than the error code: `unknown_key`, `expired`, `revoked`, … */
  reason?: string;
  keyId?: string;
  jti?: string;
}

const details = new WeakMap<AuthError, FailureDetail>();

/** Attach audit detail to an error (kept off the error object, so it never reaches a client). */
export function withDetail(err: AuthError, detail: FailureDetail): AuthError {
  details.set(err, detail);
  return err;
}

/** The audit detail attached to an error, if any. */
export function detailOf(err: AuthError): FailureDetail | undefined {
  return details.get(err);
}
