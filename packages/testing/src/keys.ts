import { ALGORITHMS, type Algorithm } from '@portcullis/core';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

/**
 * The algorithms a test issuer can sign with: every algorithm core's `jwt()` accepts.
 *
 * @example
 * ```ts
 * const algorithm: TestAlgorithm = 'EdDSA';
 * ```
 */
export type TestAlgorithm = Algorithm;

/** A signing key and, for asymmetric algorithms, its public JWK. */
export interface SigningKey {
  /** What jose's `SignJWT.sign()` takes. */
  signWith: CryptoKey | Uint8Array;
  /** The public JWK (with `kid`, `alg` and `use`), or `undefined` for HMAC. */
  publicJwk?: JWK;
  /** The HMAC secret, or `undefined` for asymmetric algorithms. */
  secret?: Uint8Array;
}

const HMAC_BYTES: Record<string, number> = { HS256: 32, HS384: 48, HS512: 64 };

/**
 * Check that `algorithm` is one a test issuer can sign with.
 *
 * @example
 * ```ts
 * assertAlgorithm('ES256');
 * ```
 */
export function assertAlgorithm(algorithm: unknown): asserts algorithm is TestAlgorithm {
  if (typeof algorithm !== 'string' || !ALGORITHMS.has(algorithm)) {
    throw new TypeError(
      `createTestIssuer(): \`algorithm\` must be one of ${[...ALGORITHMS].join(', ')}`,
    );
  }
}

/**
 * Make a fresh signing key for `algorithm`: random bytes of the hash's size for HMAC, a new key
 * pair (RSA 2048, the curve of the algorithm, or Ed25519) otherwise.
 *
 * @example
 * ```ts
 * const { signWith, publicJwk } = await makeSigningKey('ES256', 'test-key-1');
 * ```
 */
export async function makeSigningKey(algorithm: TestAlgorithm, kid: string): Promise<SigningKey> {
  const size = HMAC_BYTES[algorithm];
  if (size !== undefined) {
    const secret = crypto.getRandomValues(new Uint8Array(size));
    return { signWith: secret, secret };
  }
  const { privateKey, publicKey } = await generateKeyPair(algorithm);
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: algorithm, use: 'sig' };
  return { signWith: privateKey, publicJwk };
}
