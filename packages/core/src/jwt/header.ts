// The protected header: decoded, checked and remembered by its exact encoded form, since one
// issuer sends the same few headers over and over. Only headers that passed every check are kept.
import type { Algorithm } from '../crypto/types.js';
import { AuthErrorCodes } from '../error-codes.js';
import { jwtRejection, malformedToken } from './errors.js';
import { normalizeTyp } from './options.js';
import { decodeSegment, parseObject, type SegmentDecoder } from './parse.js';

const REFUSED = ['crit', 'b64', 'jwk', 'jku', 'x5u', 'x5c'] as const;
const REMEMBERED = 64;

/**
 * What the rest of verification needs from a header that passed.
 *
 * @example
 * ```ts
 * const { alg, kid }: Header = readHeader(token, token.indexOf('.'), realm);
 * ```
 */
export interface Header {
  alg: Algorithm;
  kid: string | undefined;
}

/**
 * A reader of protected headers for one verifier's settings.
 *
 * @example
 * ```ts
 * const readHeader = headerReader(new Set(['RS256']), undefined, impl);
 * const { alg, kid } = readHeader(token, token.indexOf('.'), 'api');
 * ```
 */
export function headerReader(
  allowed: ReadonlySet<string>,
  typ: string | undefined,
  impl: SegmentDecoder,
): (token: string, end: number, realm: string) => Header {
  const seen = new Map<string, Header>();
  // The header that passed last: comparing the token's start with it is a memcmp, where a Map
  // lookup would first slice the token and hash every character of the slice.
  let lastSegment = '';
  let last: Header | undefined;
  return (token, end, realm) => {
    if (end === lastSegment.length && last !== undefined && token.startsWith(lastSegment)) {
      return last;
    }
    const segment = token.slice(0, end);
    const known = seen.get(segment);
    if (known !== undefined) {
      lastSegment = segment;
      last = known;
      return known;
    }
    const header = parseObject(decodeSegment(segment, impl, realm), impl, realm);
    const alg = header['alg'];
    if (typeof alg !== 'string' || !allowed.has(alg)) {
      throw jwtRejection(
        AuthErrorCodes.JWT_ALG_NOT_ALLOWED,
        'The token algorithm is not accepted',
        'alg',
        realm,
      );
    }
    for (const name of REFUSED) {
      if (Object.hasOwn(header, name)) {
        throw jwtRejection(
          AuthErrorCodes.JWT_HEADER_UNSUPPORTED,
          'The token uses an unsupported header',
          name,
          realm,
        );
      }
    }
    const kid = header['kid'];
    if (kid !== undefined && (typeof kid !== 'string' || kid.length > 256)) {
      throw malformedToken('kid', realm);
    }
    if (typ !== undefined) {
      const given = header['typ'];
      if (typeof given !== 'string' || normalizeTyp(given) !== typ) {
        throw jwtRejection(
          AuthErrorCodes.JWT_TYP_INVALID,
          'The token type is not accepted',
          'typ',
          realm,
        );
      }
    }
    const result: Header = { alg: alg as Algorithm, kid };
    if (seen.size >= REMEMBERED) seen.clear();
    seen.set(segment, result);
    lastSegment = segment;
    last = result;
    return result;
  };
}
