// Signing keys for the identity provider, made fresh on every run: one per algorithm a
// Portcullis user meets in practice, each a private JWK carrying `kid`, `alg` and `use`, the
// form oidc-provider's `jwks` option takes (it publishes the public half at `/jwks`).
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

/** The signing algorithms the suite runs through. */
export type SigningAlg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';

/** Every {@link SigningAlg}, in a fixed order. */
export const ALGS: readonly SigningAlg[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/** One provider signing key. */
export interface SigningKey {
  alg: SigningAlg;
  /** The JWK thumbprint (RFC 7638), as many providers choose it. */
  kid: string;
  /** The private JWK, with `kid`, `alg` and `use: 'sig'`. */
  jwk: JWK;
  privateKey: CryptoKey;
}

/**
 * Make a signing key for `alg` (EdDSA: Ed25519).
 *
 * @example
 * ```ts
 * const key = await signingKey('ES256');
 * ```
 */
export async function signingKey(alg: SigningAlg): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { alg, kid, jwk: { ...jwk, kid, alg, use: 'sig' }, privateKey };
}

/**
 * One key of each algorithm in {@link ALGS}.
 *
 * @example
 * ```ts
 * const keys = await keySet();
 * ```
 */
export function keySet(): Promise<SigningKey[]> {
  return Promise.all(ALGS.map(signingKey));
}
