import type { AuthError } from '../auth-error.js';
// Claim checks, run only after the signature verified: time claims against the injected clock,
// exact issuer and audience, no `cnf` (a sender-constrained token is no bearer token), subject,
// jti, required claims, scopes, tenant, client and actor (`act`, see `actor.ts`). Claims are read
// as own properties only, so a `__proto__` or `constructor` claim is just data.
import { AuthErrorCodes } from '../error-codes.js';
import type { Actor, JWTPayload } from '../types.js';
import { readActor } from './actor.js';
import { invalidClaim, jwtRejection, missingClaim } from './errors.js';
import type { JwtConfig } from './options.js';
import { ownClaim } from './parse.js';
import { readScopes } from './scope-claims.js';

/**
 * What a verified token becomes, cached and turned into a principal per request.
 *
 * @example
 * ```ts
 * const verified: Verified = checkClaims(payload, config, now, realm);
 * ```
 */
export interface Verified {
  subject: string;
  scopes: readonly string[];
  tenant: string | undefined;
  /** `client_id`, else `azp`, when a non-empty string. */
  client: string | undefined;
  /** The current actor (outermost `act`, RFC 8693 §4.1), frozen, when the token is delegated. */
  actor: Actor | undefined;
  exp: number;
  nbf: number | undefined;
  iat: number | undefined;
  /** The token's `jti`; `undefined` when it has none or an empty one (which names no token). */
  jti: string | undefined;
  claims: JWTPayload;
}

function time(payload: Record<string, unknown>, name: string, realm: string): number | undefined {
  const value = ownClaim(payload, name);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidClaim(name, realm, ownClaim(payload, 'jti'));
  }
  return value;
}

/**
 * Check `exp`, `nbf`, `iat` and `maxTokenAge` against `now` (epoch seconds, with a fraction).
 *
 * @example
 * ```ts
 * checkTimes(v.exp, v.nbf, v.iat, v.jti, config, Date.now() / 1000, 'api');
 * ```
 */
export function checkTimes(
  exp: number,
  nbf: number | undefined,
  iat: number | undefined,
  jti: string | undefined,
  config: JwtConfig,
  now: number,
  realm: string,
): void {
  const tol = config.tolerance;
  if (exp <= now - tol) {
    throw jwtRejection(AuthErrorCodes.JWT_EXPIRED, 'The token has expired', 'expired', realm, jti);
  }
  if (nbf !== undefined && nbf > now + tol) {
    throw jwtRejection(
      AuthErrorCodes.JWT_NOT_YET_VALID,
      'The token is not valid yet',
      'not_before',
      realm,
      jti,
    );
  }
  if (iat !== undefined && iat > now + tol) {
    throw jwtRejection(
      AuthErrorCodes.JWT_ISSUED_IN_FUTURE,
      'The token was issued in the future',
      'issued_in_future',
      realm,
      jti,
    );
  }
  if (config.maxTokenAge !== undefined && now - (iat as number) > config.maxTokenAge + tol) {
    throw jwtRejection(AuthErrorCodes.JWT_TOO_OLD, 'The token is too old', 'too_old', realm, jti);
  }
}

// The client the token was issued to: RFC 9068's `client_id`, else OpenID Connect's `azp`. Only a
// non-empty string names one; anything else names none (and refuses nothing).
function clientOf(payload: Record<string, unknown>): string | undefined {
  const id = ownClaim(payload, 'client_id');
  if (typeof id === 'string' && id !== '') return id;
  const azp = ownClaim(payload, 'azp');
  return typeof azp === 'string' && azp !== '' ? azp : undefined;
}

function audienceMatches(aud: unknown, audiences: readonly string[]): boolean {
  if (typeof aud === 'string') return audiences.includes(aud);
  if (!Array.isArray(aud) || !aud.every((a) => typeof a === 'string')) return false;
  return aud.some((a) => audiences.includes(a));
}

/** RFC 9449 §7.2: a token bound to a key (`cnf`) is never accepted as a plain bearer token. */
function checkUnconstrained(payload: Record<string, unknown>, realm: string, jti: unknown): void {
  if (ownClaim(payload, 'cnf') === undefined) return;
  throw senderConstrained(realm, jti);
}

/**
 * The 401 of a sender-constrained token presented as a plain bearer token (RFC 9449 §7.2).
 *
 * @example
 * ```ts
 * if (claims.cnf !== undefined) throw senderConstrained(realm, claims.jti);
 * ```
 */
export function senderConstrained(realm: string, jti: unknown): AuthError {
  return jwtRejection(
    AuthErrorCodes.JWT_SENDER_CONSTRAINED,
    'The token is bound to a key and cannot be used as a bearer token',
    'sender_constrained',
    realm,
    jti,
  );
}

/**
 * Check every claim of a payload whose signature verified; return what the principal needs.
 *
 * @example
 * ```ts
 * const verified = checkClaims(payload, config, Date.now() / 1000, 'api');
 * ```
 */
export function checkClaims(
  payload: Record<string, unknown>,
  config: JwtConfig,
  now: number,
  realm: string,
): Verified {
  const claimed = ownClaim(payload, 'jti');
  if (claimed !== undefined && typeof claimed !== 'string')
    throw invalidClaim('jti', realm, claimed);
  // An empty `jti` is no `jti`: it can never be revoked, so it must not satisfy a deny-list.
  const jti = claimed === '' ? undefined : (claimed as string | undefined);
  const exp = time(payload, 'exp', realm);
  if (exp === undefined) throw missingClaim('exp', realm, jti);
  const nbf = time(payload, 'nbf', realm);
  const iat = time(payload, 'iat', realm);
  if (config.maxTokenAge !== undefined && iat === undefined) throw missingClaim('iat', realm, jti);
  checkTimes(exp, nbf, iat, jti, config, now, realm);

  const iss = ownClaim(payload, 'iss');
  if (typeof iss !== 'string' || !config.issuers.includes(iss)) {
    throw jwtRejection(
      AuthErrorCodes.JWT_ISSUER_INVALID,
      'The token issuer is not accepted',
      'issuer',
      realm,
      jti,
    );
  }
  if (!audienceMatches(ownClaim(payload, 'aud'), config.audiences)) {
    throw jwtRejection(
      AuthErrorCodes.JWT_AUDIENCE_INVALID,
      'The token audience is not accepted',
      'audience',
      realm,
      jti,
    );
  }
  // With `dpop`, a `cnf` is checked against the request's proof (jwt/sender.ts) instead.
  if (!config.senderConstrained) checkUnconstrained(payload, realm, jti);
  const subject = ownClaim(payload, config.subjectClaim);
  if (subject === undefined) throw missingClaim(config.subjectClaim, realm, jti);
  if (typeof subject !== 'string' || subject === '')
    throw invalidClaim(config.subjectClaim, realm, jti);
  if ((config.denyList !== undefined || config.isRevoked !== undefined) && jti === undefined) {
    throw missingClaim('jti', realm, jti);
  }
  for (const name of config.requiredClaims)
    if (ownClaim(payload, name) === undefined) throw missingClaim(name, realm, jti);
  const scopes = readScopes(payload, config.scopeClaims, realm, jti);
  let tenant: string | undefined;
  if (config.tenantClaim !== undefined) {
    const value = ownClaim(payload, config.tenantClaim);
    if (value !== undefined && typeof value !== 'string')
      throw invalidClaim(config.tenantClaim, realm, jti);
    tenant = value;
  }
  const actor = readActor(payload, config, realm, jti);
  return {
    subject,
    scopes,
    tenant,
    client: clientOf(payload),
    actor,
    exp,
    nbf,
    iat,
    jti,
    claims: payload as JWTPayload,
  };
}
