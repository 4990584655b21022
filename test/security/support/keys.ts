import { KeyObject, randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, type JWK } from 'jose';
import { secret } from './collector.js';

/** The issuer every scenario trusts. */
export const ISSUER = 'https://id.portcullis.test/';
/** The audience every scenario requires. */
export const AUDIENCE = 'https://api.portcullis.test';

/** A fresh asymmetric key pair in every form the attacks need. */
export interface KeyPair {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM, as `exportSPKI` gives it (with a trailing newline). */
  pem: string;
  /** Public JWK with `kid` and `alg`. */
  jwk: JWK;
}

/**
 * A fresh key pair for `alg`, made with jose, registered as secret (private parts and PEM).
 *
 * @example
 * ```ts
 * const rsa = await keyPair('RS256');
 * ```
 */
export async function keyPair(
  alg: 'RS256' | 'PS256' | 'ES256' | 'ES384' | 'EdDSA',
): Promise<KeyPair> {
  const pair = await generateKeyPair(alg, { extractable: true });
  const kid = `kid-${randomUUID()}`;
  const privateKey = KeyObject.from(pair.privateKey);
  const publicKey = KeyObject.from(pair.publicKey);
  const pem = await exportSPKI(pair.publicKey);
  const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg };
  const privateJwk = await exportJWK(pair.privateKey);
  if (typeof privateJwk.d === 'string') secret(privateJwk.d);
  secret(pem.replace(/-----[A-Z ]+-----|\s/g, '').slice(0, 64));
  return { kid, privateKey, publicKey, pem, jwk };
}

/**
 * A fresh 32-byte HMAC secret (as base64url text), registered as secret.
 *
 * @example
 * ```ts
 * const key = hmacSecret();
 * ```
 */
export function hmacSecret(): string {
  return secret(randomBytes(32).toString('base64url'));
}

/** A claim value that must never leak, unique per call. */
export function marker(label = 'claim'): string {
  return secret(`${label}-${randomBytes(12).toString('hex')}`);
}

/**
 * Valid claims for the scenarios, `now` in epoch seconds; each carries a secret claim value the
 * leak check watches.
 *
 * @example
 * ```ts
 * const payload = claims(now, { scope: 'admin' });
 * ```
 */
export function claims(
  nowSeconds = Math.floor(Date.now() / 1000),
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'svc-reports',
    iat: nowSeconds,
    exp: nowSeconds + 600,
    jti: randomUUID(),
    scope: 'read',
    email: marker('email'),
    ...overrides,
  };
}
