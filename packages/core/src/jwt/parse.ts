// Turning a compact JWS into its parts, before any crypto: only canonical base64url, strict
// UTF-8, JSON objects. Everything here is synchronous and allocation-light: it runs per request.

import type { AuthError } from '../errors.js';
import { AuthErrorCodes, invalidToken } from '../errors.js';
import { withDetail } from '../lib/detail.js';

const SEGMENT = /^[A-Za-z0-9_-]+$/;
// The value of each base64url character, to check that unused trailing bits are zero.
const VALUE = new Uint8Array(128);
for (let i = 0; i < 64; i++) {
  VALUE['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.charCodeAt(i)] = i;
}
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Whether `segment` is canonical, unpadded base64url: the one encoding of its bytes.
 *
 * @example
 * ```ts
 * isCanonicalBase64url('aGk'); // true
 * isCanonicalBase64url('aGl'); // false: non-zero unused bits
 * ```
 */
export function isCanonicalBase64url(segment: string): boolean {
  const rest = segment.length & 3;
  if (rest === 1 || !SEGMENT.test(segment)) return false;
  if (rest === 0) return true;
  const last = VALUE[segment.charCodeAt(segment.length - 1)]!;
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

/**
 * A 401 `ERR_JWT_MALFORMED` with an audit reason.
 *
 * @example
 * ```ts
 * throw malformed('segments', realm);
 * ```
 */
export function malformed(reason: string, realm: string): AuthError {
  return withDetail(invalidToken(AuthErrorCodes.JWT_MALFORMED, 'The token is malformed', realm), {
    reason,
  });
}

/**
 * Decode a segment as a strict UTF-8 JSON object (not an array, number or null).
 *
 * @example
 * ```ts
 * const header = decodeObject(segments.header, impl.decodeBase64url, 'api');
 * ```
 */
export function decodeObject(
  segment: string,
  decode: (value: string) => Uint8Array,
  realm: string,
): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(decode(segment)));
  } catch {
    throw malformed('json', realm);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed('json', realm);
  }
  return value as Record<string, unknown>;
}
