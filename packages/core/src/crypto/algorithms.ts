// Which algorithms `jwt()` accepts, and which keys may serve each: the crypto implementations
// refuse an unfit key with these, at construction.
import type { Algorithm, KeyInfo } from './types.js';

/**
 * Every algorithm `jwt()` accepts, for validation and for tools that list them.
 *
 * @example
 * ```ts
 * ALGORITHMS.has('ES256'); // true
 * ALGORITHMS.has('none'); // false
 * ```
 */
export const ALGORITHMS: ReadonlySet<string> = new Set<Algorithm>([
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
]);

/**
 * The hash length in bytes of an algorithm with a SHA-2 suffix (0 for EdDSA).
 *
 * @example
 * ```ts
 * hashBytes('ES384'); // 48
 * ```
 */
export function hashBytes(alg: Algorithm): 32 | 48 | 64 | 0 {
  const bits = alg.slice(2);
  return bits === '256' ? 32 : bits === '384' ? 48 : bits === '512' ? 64 : 0;
}

const CURVE_OF = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' } as const;

/**
 * Whether `alg` is an HMAC algorithm.
 *
 * @example
 * ```ts
 * isHmac('HS256'); // true
 * ```
 */
export function isHmac(alg: Algorithm): boolean {
  return alg.startsWith('HS');
}

/**
 * Why `key` cannot serve `alg`, or `undefined` when it can. RSA keys need 2048 bits, HMAC
 * secrets as many bytes as the hash.
 *
 * @example
 * ```ts
 * const problem = misfit(key, 'ES256'); // 'an ES256 key must be an EC P-256 key'
 * ```
 */
export function misfit(key: KeyInfo, alg: Algorithm): string | undefined {
  switch (alg.slice(0, 2)) {
    case 'HS':
      if (key.kind !== 'secret') return `${alg} needs a \`secret\`, not a public key`;
      if (key.size < hashBytes(alg))
        return `an ${alg} secret must be at least ${hashBytes(alg)} bytes`;
      return undefined;
    case 'RS':
    case 'PS':
      if (key.kind !== 'rsa' && !(key.kind === 'rsa-pss' && alg.startsWith('PS'))) {
        return `${alg} needs an RSA key`;
      }
      return key.size < 2048 ? `${alg} needs an RSA key of at least 2048 bits` : undefined;
    case 'ES': {
      const curve = CURVE_OF[alg as keyof typeof CURVE_OF];
      return key.kind === 'ec' && key.curve === curve
        ? undefined
        : `${alg} needs an EC ${curve} key`;
    }
    default:
      return key.kind === 'ed25519' ? undefined : `${alg} needs an Ed25519 key`;
  }
}
