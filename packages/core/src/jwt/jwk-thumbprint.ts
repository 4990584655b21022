// RFC 7638 JWK thumbprints: the SHA-256 of a public key's required members, in lexicographic
// order, as compact JSON. DPoP binds a token to its client key by this value (`cnf.jkt`).
import * as impl from '#crypto';
import { base64urlOfHex } from './base64url-encode.js';

/**
 * The hash a thumbprint needs from the crypto implementation.
 *
 * @example
 * ```ts
 * const hash: ThumbprintHash = { sha256Hex: impl.sha256Hex };
 * ```
 */
export interface ThumbprintHash {
  sha256Hex(data: string): string;
}

// RFC 7638 §3.2 (RSA, EC) and RFC 8037 §2 (OKP): the required members, already in order.
const MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
};

/**
 * The RFC 7638 SHA-256 thumbprint of a public JWK (`EC`, `OKP` or `RSA`), base64url: the value
 * of a DPoP-bound token's `cnf.jkt`. Members besides the required ones (`kid`, `alg`, `use`, …)
 * change nothing. Throws `TypeError` for another `kty` or a missing member.
 *
 * @example
 * ```ts
 * jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs', y: '9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA' });
 * // '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I'
 * ```
 */
export function jwkThumbprint(jwk: object, hash: ThumbprintHash = impl): string {
  if (typeof jwk !== 'object' || jwk === null) {
    throw new TypeError('jwkThumbprint(): a JWK must be an object');
  }
  const member = (name: string): unknown =>
    Object.hasOwn(jwk, name) ? (jwk as Record<string, unknown>)[name] : undefined;
  const kty = member('kty');
  const names = typeof kty === 'string' && Object.hasOwn(MEMBERS, kty) ? MEMBERS[kty] : undefined;
  if (names === undefined) throw new TypeError('jwkThumbprint(): `kty` must be EC, OKP or RSA');
  const parts: string[] = [];
  for (const name of names) {
    const value = member(name);
    if (typeof value !== 'string' || value === '') {
      throw new TypeError(`jwkThumbprint(): \`${name}\` must be a non-empty string`);
    }
    parts.push(`"${name}":${JSON.stringify(value)}`);
  }
  return base64urlOfHex(hash.sha256Hex(`{${parts.join(',')}}`));
}
