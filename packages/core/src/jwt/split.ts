// The structure of a compact JWS before any crypto: exactly three segments, a protected header
// that passes (header.ts), and canonical base64url payload and signature.
import type { Algorithm } from '../crypto/types.js';
import { malformedToken } from './errors.js';
import type { Header } from './header.js';
import { decodeSegment, type SegmentDecoder } from './parse.js';

/**
 * A token whose header and segments passed, on its way to the signature check.
 *
 * @example
 * ```ts
 * const ok = await check(s.token.slice(0, s.second), s.signature);
 * ```
 */
export interface SplitToken {
  token: string;
  alg: Algorithm;
  kid: string | undefined;
  /** Index of the second dot: the signing input is `token.slice(0, second)`. */
  second: number;
  signature: Uint8Array;
  /** The payload's bytes, parsed only once the signature verified. */
  payload: Uint8Array;
}

/**
 * Split a compact JWS and check everything but the signature and the claims; throw
 * `ERR_JWT_MALFORMED` (or the header's own refusal) otherwise.
 *
 * @example
 * ```ts
 * const split = splitToken(token, readHeader, impl, 'api');
 * ```
 */
export function splitToken(
  token: string,
  readHeader: (token: string, end: number, realm: string) => Header,
  impl: SegmentDecoder,
  realm: string,
): SplitToken {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first < 0 || second < 0 || token.indexOf('.', second + 1) !== -1) {
    throw malformedToken('segments', realm);
  }
  const { alg, kid } = readHeader(token, first, realm);
  const payload = decodeSegment(token.slice(first + 1, second), impl, realm);
  const signature = decodeSegment(token.slice(second + 1), impl, realm);
  return { token, alg, kid, second, signature, payload };
}
