import type { Principal } from '../types.js';
import type { Verified } from './claims.js';

/**
 * The principal of a verified token: a fresh object per request over the (frozen, possibly
 * cached) verification, so a handler cannot change what a later cache hit is served.
 *
 * @example
 * ```ts
 * const principal = jwtPrincipal(checkClaims(payload, config, now, realm));
 * // { method: 'jwt', subject, scopes, claims, expiresAt, tenant?, client?, actor? }
 * ```
 */
export function jwtPrincipal(v: Verified): Principal {
  const principal: Principal = {
    method: 'jwt',
    subject: v.subject,
    scopes: v.scopes,
    claims: v.claims,
    expiresAt: new Date(v.exp * 1000),
  };
  if (v.tenant !== undefined) principal.tenant = v.tenant;
  if (v.client !== undefined) principal.client = v.client;
  if (v.actor !== undefined) principal.actor = { ...v.actor };
  return principal;
}
