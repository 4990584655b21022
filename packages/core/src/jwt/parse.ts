// Turning JWS segments into values, before or after the crypto: only canonical base64url, strict
// UTF-8, JSON objects. The decoding itself is the crypto implementation's (`decodeSegment`,
// `utf8`): Node's Buffer on Node, plain JavaScript elsewhere. This runs per request.

import type { JwtCrypto } from '../crypto/types.js';
import { malformedToken } from './errors.js';

/**
 * The two decoders a verifier needs from its crypto implementation.
 *
 * @example
 * ```ts
 * const decoder: SegmentDecoder = { decodeSegment: impl.decodeSegment, utf8: impl.utf8 };
 * ```
 */
export type SegmentDecoder = Pick<JwtCrypto, 'decodeSegment' | 'utf8'>;

/**
 * Decode a segment's canonical base64url, or throw `ERR_JWT_MALFORMED` (reason `base64url`).
 *
 * @example
 * ```ts
 * const signature = decodeSegment(token.slice(second + 1), impl, 'api');
 * ```
 */
export function decodeSegment(segment: string, impl: SegmentDecoder, realm: string): Uint8Array {
  const bytes = impl.decodeSegment(segment);
  if (bytes === undefined) throw malformedToken('base64url', realm);
  return bytes;
}

/**
 * Decoded segment bytes as a strict UTF-8 JSON object (not an array, number or null), or
 * `undefined`: for callers that must not throw (the issuer router reads `iss` before verifying).
 *
 * @example
 * ```ts
 * const payload = bytes === undefined ? undefined : objectOf(bytes, impl);
 * ```
 */
export function objectOf(
  bytes: Uint8Array,
  impl: SegmentDecoder,
): Record<string, unknown> | undefined {
  const text = impl.utf8(bytes);
  let value: unknown;
  try {
    value = text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * Read decoded segment bytes as a strict UTF-8 JSON object (not an array, number or null), or
 * throw `ERR_JWT_MALFORMED` (reason `json`).
 *
 * @example
 * ```ts
 * const header = parseObject(decodeSegment(segment, impl, 'api'), impl, 'api');
 * ```
 */
export function parseObject(
  bytes: Uint8Array,
  impl: SegmentDecoder,
  realm: string,
): Record<string, unknown> {
  const value = objectOf(bytes, impl);
  if (value === undefined) throw malformedToken('json', realm);
  return value;
}

/**
 * A JSON object's own property `name`, or `undefined`: a claim named `__proto__` or
 * `constructor` is data, never a walk up the prototype.
 *
 * @example
 * ```ts
 * const iss = ownClaim(payload, 'iss');
 * ```
 */
export function ownClaim(object: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}
