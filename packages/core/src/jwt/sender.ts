// The last step of a `jwt({ dpop })` verification, on every request (a cache hit included): bind
// the token to the request's DPoP proof (RFC 9449 §4.3, §7), or refuse it as a bearer token.
import type { AuthError } from '../auth-error.js';
import { AuthErrorCodes } from '../error-codes.js';
import { serverError } from '../errors.js';
import { withDetail } from '../lib/detail.js';
import type { Principal, SenderRequest } from '../types.js';
import { senderConstrained } from './claims.js';
import { verifyDpopProof } from './dpop.js';
import { dpopChallenge, invalidDpopProof } from './dpop-errors.js';
import type { DpopConfig } from './dpop-options.js';
import { jwtRejection } from './errors.js';
import { ownClaim } from './parse.js';

/** A 401 `invalid_token` for a DPoP resource, whose challenge is `DPoP` (RFC 9449 §7.1). */
function dpopTokenError(
  code: (typeof AuthErrorCodes)[keyof typeof AuthErrorCodes],
  description: string,
  reason: 'dpop_required' | 'dpop_unbound',
  config: DpopConfig,
  realm: string,
  jti: unknown,
): AuthError {
  const err = jwtRejection(code, description, reason, realm, jti);
  err.headers['www-authenticate'] = dpopChallenge(
    config.algorithms,
    'invalid_token',
    description,
    realm,
  );
  return withDetail(err, { reason });
}

function boundKey(principal: Principal): string | undefined {
  const cnf = principal.claims === undefined ? undefined : ownClaim(principal.claims, 'cnf');
  if (typeof cnf !== 'object' || cnf === null) return undefined;
  const jkt = ownClaim(cnf as Record<string, unknown>, 'jkt');
  return typeof jkt === 'string' && jkt !== '' ? jkt : undefined;
}

/**
 * Bind a verified token to its request: over `Bearer`, a token with `cnf` is refused (and, with
 * `required`, every token); over `DPoP`, the token must carry `cnf.jkt`, the request exactly one
 * proof, and the proof must pass and be signed by that key. Resolves to the principal with
 * `confirmation` set.
 *
 * @example
 * ```ts
 * const principal = await bindToRequest(verified, token, ctx.request, dpop, Date.now(), realm);
 * ```
 */
export async function bindToRequest(
  principal: Principal,
  token: string,
  request: SenderRequest | undefined,
  config: DpopConfig,
  now: number,
  realm: string,
): Promise<Principal> {
  const jti = principal.claims?.jti;
  const jkt = boundKey(principal);
  if (request?.scheme !== 'dpop') {
    if (principal.claims !== undefined && ownClaim(principal.claims, 'cnf') !== undefined) {
      throw senderConstrained(realm, jti);
    }
    if (config.required) {
      throw dpopTokenError(
        AuthErrorCodes.DPOP_REQUIRED,
        'A DPoP-bound token is required',
        'dpop_required',
        config,
        realm,
        jti,
      );
    }
    return principal;
  }
  if (jkt === undefined) {
    throw dpopTokenError(
      AuthErrorCodes.JWT_CLAIM_INVALID,
      'The token is not bound to a DPoP key',
      'dpop_unbound',
      config,
      realm,
      jti,
    );
  }
  if (request.proofs.length !== 1)
    throw invalidDpopProof('dpop_malformed', config.algorithms, realm);
  if (request.method === undefined || request.url === undefined) {
    throw serverError(
      AuthErrorCodes.INTERNAL,
      new Error(
        'the adapter gave no request method and URL, which a DPoP proof is checked against',
      ),
    );
  }
  const proof = await verifyDpopProof(
    request.proofs[0]!,
    { method: request.method, url: request.url },
    config,
    { accessToken: token, now, realm },
  );
  if (proof.jkt !== jkt) throw invalidDpopProof('dpop_jkt', config.algorithms, realm);
  return { ...principal, confirmation: { jkt } };
}
