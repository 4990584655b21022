// Tokens the provider would never issue, signed with one of its own keys: for the checks a real
// provider cannot exercise (a key of one issuer presented under another's name).
import { type JWTPayload, SignJWT } from 'jose';
import type { SigningKey } from './keys.js';

/**
 * An access token (typ at+jwt, five minutes) signed by `key` with `claims`.
 *
 * @example
 * ```ts
 * const token = await forge(providerA.keys[0], { iss: providerB.issuer, aud: ORDERS, sub: 'x' });
 * ```
 */
export function forge(key: SigningKey, claims: JWTPayload): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey);
}
