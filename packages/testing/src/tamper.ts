const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Flip one character of a compact JWS's signature, keeping every segment canonical base64url,
 * so a verifier must refuse it for its signature (not for its encoding). The header and payload
 * are left untouched.
 *
 * @example
 * ```ts
 * const bad = tamper(await issuer.sign());
 * // → 401 invalid_token, code ERR_JWT_SIGNATURE_INVALID
 * ```
 */
export function tamper(token: string): string {
  const parts = typeof token === 'string' ? token.split('.') : [];
  const signature = parts[2];
  if (parts.length !== 3 || signature === undefined || signature.length < 2) {
    throw new TypeError('tamper() needs a signed compact JWS (three dot-separated parts)');
  }
  // The first character always carries six significant bits, so any other alphabet character
  // there is still canonical base64url and decodes to different signature bytes.
  const first = signature[0] as string;
  const index = ALPHABET.indexOf(first);
  if (index < 0) throw new TypeError('tamper(): the signature is not base64url');
  const flipped = ALPHABET[(index + 32) % 64] as string;
  return `${parts[0]}.${parts[1]}.${flipped}${signature.slice(1)}`;
}
