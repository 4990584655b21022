// The Web Crypto side of each JWS algorithm and key, for web.ts: import and verify parameters,
// signature lengths, and what a caller's CryptoKey is.
import { hashBytes } from './algorithms.js';
import type { Algorithm, Curve, KeyInfo, KeyKind } from './types.js';

// The length of a raw (IEEE P1363) ECDSA signature on each curve: Web Crypto takes no other.
const EC_SIGNATURE_BYTES = { 'P-256': 64, 'P-384': 96, 'P-521': 132 } as const;

const CRYPTO_KEY_KINDS: Record<string, KeyKind> = {
  'RSASSA-PKCS1-v1_5': 'rsa',
  'RSA-PSS': 'rsa',
  ECDSA: 'ec',
  Ed25519: 'ed25519',
};

/**
 * The length a signature must have for `key` and `alg`, checked before Web Crypto sees it (raw
 * ECDSA and Ed25519 signatures have one); 0 when any length may verify.
 *
 * @example
 * ```ts
 * const length = signatureLength(key, 'ES256'); // 64
 * ```
 */
export function signatureLength(key: KeyInfo, alg: Algorithm): number {
  if (key.kind === 'ec') return EC_SIGNATURE_BYTES[key.curve as Curve];
  return alg.startsWith('Ed') ? 64 : 0;
}

/**
 * What a caller's public CryptoKey is: its kind, curve and RSA modulus bits.
 *
 * @example
 * ```ts
 * const { kind, curve, size } = describeCryptoKey(cryptoKey);
 * ```
 */
export function describeCryptoKey(key: CryptoKey): Pick<KeyInfo, 'kind' | 'curve' | 'size'> {
  const algorithm = key.algorithm as RsaHashedKeyAlgorithm & EcKeyAlgorithm;
  const kind = CRYPTO_KEY_KINDS[algorithm.name] ?? 'unsupported';
  const curve = kind === 'ec' ? (algorithm.namedCurve as Curve) : undefined;
  const size = kind === 'rsa' ? algorithm.modulusLength : 0;
  return { kind, curve, size };
}

/**
 * How Web Crypto imports a key for a JWS algorithm, and how it verifies with it.
 *
 * @example
 * ```ts
 * const { importAs, verifyAs } = webParams(key, 'PS256');
 * // importAs: { name: 'RSA-PSS', hash: 'SHA-256' }, verifyAs: { name: 'RSA-PSS', saltLength: 32 }
 * ```
 */
export function webParams(key: KeyInfo, alg: Algorithm) {
  const hash = `SHA-${hashBytes(alg) * 8}`;
  switch (alg.slice(0, 2)) {
    case 'HS':
      return { importAs: { name: 'HMAC', hash }, verifyAs: { name: 'HMAC' } };
    case 'RS':
      return {
        importAs: { name: 'RSASSA-PKCS1-v1_5', hash },
        verifyAs: { name: 'RSASSA-PKCS1-v1_5' },
      };
    case 'PS':
      return {
        importAs: { name: 'RSA-PSS', hash },
        verifyAs: { name: 'RSA-PSS', saltLength: hashBytes(alg) },
      };
    case 'ES':
      return {
        importAs: { name: 'ECDSA', namedCurve: key.curve },
        verifyAs: { name: 'ECDSA', hash },
      };
    default:
      return { importAs: { name: 'Ed25519' }, verifyAs: { name: 'Ed25519' } };
  }
}

/**
 * Whether a caller's CryptoKey was imported for the algorithm (and hash) a JWS algorithm needs.
 *
 * @example
 * ```ts
 * if (!fitsCryptoKey(cryptoKey, webParams(key, alg).importAs)) throw new TypeError('…');
 * ```
 */
export function fitsCryptoKey(key: CryptoKey, importAs: { name: string; hash?: string }): boolean {
  const algorithm = key.algorithm as Partial<RsaHashedKeyAlgorithm>;
  if (algorithm.name !== importAs.name) return false;
  return importAs.hash === undefined || algorithm.hash?.name === importAs.hash;
}
