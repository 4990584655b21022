import * as impl from '#crypto';
import type { JwtMethod, JwtOptions } from './types.js';
import { createJwtVerifier } from './verifier.js';

/**
 * Verify JWT bearer tokens with pinned algorithms, an exact issuer and audience, and keys from a
 * secret, a public key or a JWKS.
 *
 * @example
 * ```ts
 * const tokens = jwt({
 *   algorithms: ['RS256'],
 *   issuer: 'https://id.example.com/',
 *   audience: 'https://api.example.com',
 *   jwks: 'https://id.example.com/.well-known/jwks.json',
 * });
 * ```
 */
export function jwt(options: JwtOptions): JwtMethod {
  const { remote: _remote, ...method } = createJwtVerifier(options, impl);
  return method;
}
