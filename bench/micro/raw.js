// The floor: node:crypto verify of the signing input with a pre-imported KeyObject. It splits the
// token at its last dot and decodes the signature, nothing more: no JSON, no claim checks.
import { createHmac, timingSafeEqual, verify } from 'node:crypto';

function verifierFor(keys) {
  const key = keys.keyObject;
  switch (keys.alg) {
    case 'HS256':
      return (input, sig) =>
        sig.length === 32 && timingSafeEqual(createHmac('sha256', key).update(input).digest(), sig);
    case 'ES256': {
      const spec = { key, dsaEncoding: 'ieee-p1363' };
      return (input, sig) => verify('sha256', input, spec, sig);
    }
    case 'RS256':
      return (input, sig) => verify('sha256', input, key, sig);
    default:
      return (input, sig) => verify(null, input, key, sig);
  }
}

/** Split at the last dot, decode the signature, verify; returns the dot's index or throws. */
function rawVerify(check, token) {
  const dot = token.lastIndexOf('.');
  const ok = check(
    Buffer.from(token.slice(0, dot)),
    Buffer.from(token.slice(dot + 1), 'base64url'),
  );
  if (!ok) throw new Error('raw verify failed');
  return dot;
}

/** The raw node:crypto row for `keys.alg`: a synchronous function of one token. */
export function rawCase(keys) {
  const check = verifierFor(keys);
  return {
    name: 'raw node:crypto verify',
    group: 'floor',
    make: () => (token) => rawVerify(check, token),
  };
}

/**
 * Raw node:crypto plus what no verifier can skip: decoding the payload and JSON.parse of it (the
 * claims must be read to be checked). Not a peer: a second floor, to show how much of the way
 * from raw to a real verifier that alone is.
 */
export function rawParseCase(keys) {
  const check = verifierFor(keys);
  return {
    name: 'raw node:crypto verify + payload JSON.parse',
    group: 'floor-parse',
    make: () => (token) => {
      const dot = rawVerify(check, token);
      return JSON.parse(
        Buffer.from(token.slice(token.indexOf('.') + 1, dot), 'base64url').toString(),
      );
    },
  };
}
