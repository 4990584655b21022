import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';

/**
 * An ES256 signer for the example's token endpoint, on node:crypto alone: a fresh P-256 key pair
 * per process, its public JWK for `jwt({ jwks })`, and `sign(payload)` for compact JWTs
 * (RFC 7515, with `typ: at+jwt` as RFC 9068 asks of access tokens).
 *
 * @example
 * const signer = createTokenSigner();
 * const token = signer.sign({ iss, aud, sub, exp });
 */
export function createTokenSigner() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const kid = createHash('sha256')
    .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
    .digest('base64url')
    .slice(0, 16);
  const publicJwk = { ...jwk, kid, alg: 'ES256', use: 'sig' };
  const header = encode({ alg: 'ES256', typ: 'at+jwt', kid });

  return {
    /** The public key set, for `jwt({ jwks })` or a `/.well-known/jwks.json` route. */
    jwks: { keys: [publicJwk] },
    /** Sign `payload` (a `jti` is added when it has none). */
    sign(payload) {
      const body = encode({ jti: randomUUID(), ...payload });
      const input = `${header}.${body}`;
      const signature = sign('sha256', Buffer.from(input), {
        key: privateKey,
        dsaEncoding: 'ieee-p1363',
      });
      return `${input}.${signature.toString('base64url')}`;
    },
  };
}

function encode(value) {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
