// The answers of DPoP proof verification: 401s with a `WWW-Authenticate: DPoP` challenge (RFC 9449
// §7.1) carrying `invalid_dpop_proof` or, with server nonces, `use_dpop_nonce` and a fresh
// `DPoP-Nonce` header (§9); and the 503 of a replay store that cannot answer. Descriptions are
// fixed sentences: never the proof, a claim value or a secret.
import { AuthError } from '../auth-error.js';
import { type AuthErrorCode, AuthErrorCodes } from '../error-codes.js';
import { unavailable } from '../errors.js';
import { withDetail } from '../lib/detail.js';
import type { DpopFailureReason } from './dpop-types.js';

// The quoting of challenge.ts: an RFC 9110 quoted-string of printable ASCII.
const UNSAFE = /[^\x20-\x7e]/g;
const QUOTE_OR_BACKSLASH = /["\\]/g;

function quote(value: string): string {
  return `"${value.replace(UNSAFE, '?').replace(QUOTE_OR_BACKSLASH, '\\$&')}"`;
}

/**
 * Build a `WWW-Authenticate: DPoP` value (RFC 9449 §7.1): the accepted proof algorithms, and the
 * error and its description when there is one. Quoted like the Bearer challenge.
 *
 * @example
 * ```ts
 * dpopChallenge(['ES256', 'EdDSA'], 'invalid_dpop_proof', 'The DPoP proof is too old');
 * // DPoP algs="ES256 EdDSA", error="invalid_dpop_proof", error_description="The DPoP proof is too old"
 * ```
 */
export function dpopChallenge(
  algorithms: readonly string[],
  error?: string,
  description?: string,
  realm?: string,
): string {
  const params: string[] = [];
  if (realm !== undefined) params.push(`realm=${quote(realm)}`);
  if (algorithms.length > 0) params.push(`algs=${quote(algorithms.join(' '))}`);
  if (error !== undefined) params.push(`error=${quote(error)}`);
  if (description !== undefined) params.push(`error_description=${quote(description)}`);
  return params.length === 0 ? 'DPoP' : `DPoP ${params.join(', ')}`;
}

const DESCRIPTIONS: Record<Exclude<DpopFailureReason, 'replay_store_failed'>, string> = {
  dpop_malformed: 'The DPoP proof is malformed',
  dpop_typ: 'The DPoP proof type is not accepted',
  dpop_alg: 'The DPoP proof algorithm is not accepted',
  dpop_jwk: 'The DPoP proof key is missing or not accepted',
  dpop_private_key: 'The DPoP proof key must be a public key',
  dpop_signature: 'The DPoP proof signature is invalid',
  dpop_htm: 'The DPoP proof is for another HTTP method',
  dpop_htu: 'The DPoP proof is for another URL',
  dpop_iat: 'The DPoP proof issue time is missing or invalid',
  dpop_too_old: 'The DPoP proof is too old',
  dpop_issued_in_future: 'The DPoP proof was issued in the future',
  dpop_jti: 'The DPoP proof identifier is missing or invalid',
  dpop_ath: 'The DPoP proof does not match the access token',
  dpop_nonce: 'The DPoP proof must carry the current server nonce',
  dpop_replayed: 'The DPoP proof has already been used',
  dpop_jkt: 'The DPoP proof key is not the key the token is bound to',
};

function dpopError(
  error: 'invalid_dpop_proof' | 'use_dpop_nonce',
  code: AuthErrorCode,
  reason: Exclude<DpopFailureReason, 'replay_store_failed'>,
  algorithms: readonly string[],
  realm: string | undefined,
): AuthError {
  const description = DESCRIPTIONS[reason];
  const err = new AuthError({ status: 401, error, code, description, realm });
  err.headers['www-authenticate'] = dpopChallenge(algorithms, error, description, realm);
  return withDetail(err, { reason });
}

/**
 * A 401 `invalid_dpop_proof` (`ERR_DPOP_PROOF_INVALID`, or `ERR_DPOP_PROOF_REPLAYED` for the
 * reason `dpop_replayed`) with a `WWW-Authenticate: DPoP` challenge naming the accepted
 * algorithms; the reason goes to the audit trail only. (The proof's `jti` is left out of the
 * audit detail, whose `jti` names the access token.)
 *
 * @example
 * ```ts
 * throw invalidDpopProof('dpop_htu', config.algorithms, realm);
 * ```
 */
export function invalidDpopProof(
  reason: Exclude<DpopFailureReason, 'dpop_nonce' | 'replay_store_failed'>,
  algorithms: readonly string[],
  realm?: string,
): AuthError {
  const code =
    reason === 'dpop_replayed'
      ? AuthErrorCodes.DPOP_PROOF_REPLAYED
      : AuthErrorCodes.DPOP_PROOF_INVALID;
  return dpopError('invalid_dpop_proof', code, reason, algorithms, realm);
}

/**
 * A 401 `use_dpop_nonce` (`ERR_DPOP_NONCE_REQUIRED`): the proof lacks the current server nonce.
 * The answer carries `nonce` in a `DPoP-Nonce` header, for the client to sign a new proof with.
 *
 * @example
 * ```ts
 * throw useDpopNonce(nonces.issueNonce(now), config.algorithms, realm);
 * ```
 */
export function useDpopNonce(
  nonce: string,
  algorithms: readonly string[],
  realm?: string,
): AuthError {
  const code = AuthErrorCodes.DPOP_NONCE_REQUIRED;
  const err = dpopError('use_dpop_nonce', code, 'dpop_nonce', algorithms, realm);
  err.headers['dpop-nonce'] = nonce;
  return err;
}

/**
 * A 503 `ERR_REPLAY_STORE_FAILED`: the replay store threw, rejected or answered neither true nor
 * false, so the proof cannot be known to be fresh. Never a pass.
 *
 * @example
 * ```ts
 * throw replayStoreFailure(err);
 * ```
 */
export function replayStoreFailure(cause: unknown): AuthError {
  return withDetail(unavailable(AuthErrorCodes.REPLAY_STORE_FAILED, cause), {
    reason: 'replay_store_failed',
  });
}
