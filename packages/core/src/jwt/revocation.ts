// Revocation by `jti`: the deny-list, then the `isRevoked` hook, each within
// `revocationTimeout`. A store that throws, answers late or answers anything but a boolean
// fails closed (503), never "not revoked".
import { isPromiseLike } from '../lib/awaitable.js';
import { withDeadline } from '../lib/deadline.js';
import type { Verified } from './claims.js';
import { revocationFailure, revokedToken } from './errors.js';
import type { JwtConfig } from './options.js';

const TIMED_OUT = Symbol('timed out');

/**
 * Resolves when the verified token is not revoked; rejects with its `AuthError` otherwise.
 *
 * @example
 * ```ts
 * await revoked(verified, ctx.realm);
 * ```
 */
export type RevocationCheck = (verified: Verified, realm: string) => Promise<void>;

/**
 * Throw what a revocation answer means: `false` passes; `true` is 401 `ERR_JWT_REVOKED`; no
 * answer in time, or anything else, is 503 `ERR_DENY_LIST_FAILED`.
 *
 * @example
 * ```ts
 * checkNotRevoked(await denyList.isRevoked(jti), jti, realm, 5000);
 * ```
 */
export function checkNotRevoked(
  answer: unknown,
  jti: string,
  realm: string,
  timeout: number,
): void {
  if (answer === false) return;
  if (answer === true) throw revokedToken(realm, jti);
  if (answer === TIMED_OUT) {
    const err = new Error(`a revocation check did not answer within ${timeout} ms`);
    throw revocationFailure('deny_list_timeout', jti, err);
  }
  const err = new TypeError('a revocation check answered neither true nor false');
  throw revocationFailure('deny_list_failed', jti, err);
}

/**
 * The revocation check of a `jwt()` configuration, or `undefined` when it has neither a
 * `denyList` nor an `isRevoked` hook (then `jti` is not required either).
 *
 * @example
 * ```ts
 * const revoked = revocationCheck(config);
 * if (revoked !== undefined) await revoked(verified, realm);
 * ```
 */
export function revocationCheck(
  config: Pick<JwtConfig, 'denyList' | 'isRevoked' | 'revocationTimeout'>,
): RevocationCheck | undefined {
  const { denyList, isRevoked, revocationTimeout } = config;
  if (denyList === undefined && isRevoked === undefined) return undefined;
  return async (v, realm) => {
    // checkClaims() refused a token without a `jti` when revocation is configured.
    const jti = v.jti as string;
    let answer: unknown;
    try {
      answer = denyList === undefined ? false : denyList.isRevoked(jti);
      if (isPromiseLike(answer)) answer = await withDeadline(answer, revocationTimeout, TIMED_OUT);
      if (answer === false && isRevoked !== undefined) {
        answer = isRevoked(jti, v.claims);
        if (isPromiseLike(answer))
          answer = await withDeadline(answer, revocationTimeout, TIMED_OUT);
      }
    } catch (err) {
      throw revocationFailure('deny_list_failed', jti, err);
    }
    checkNotRevoked(answer, jti, realm, revocationTimeout);
  };
}
