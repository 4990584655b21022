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

/** The raw node:crypto row for `keys.alg`: a synchronous function of one token. */
export function rawCase(keys) {
  const check = verifierFor(keys);
  return {
    name: 'raw node:crypto verify',
    group: 'floor',
    make: () => (token) => {
      const dot = token.lastIndexOf('.');
      const ok = check(
        Buffer.from(token.slice(0, dot)),
        Buffer.from(token.slice(dot + 1), 'base64url'),
      );
      if (!ok) throw new Error('raw verify failed');
      return ok;
    },
  };
}
