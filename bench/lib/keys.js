// Keys and token pools for the benchmark: one key pair (or secret) per algorithm, made fresh per
// run, and tokens minted with node:crypto before any timing starts.
import {
  createHmac,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  webcrypto,
} from 'node:crypto';

/** The algorithms the micro benchmark covers. */
export const ALGORITHMS = ['HS256', 'RS256', 'ES256', 'EdDSA'];

/** The issuer and audience every token carries and every verifier is configured with. */
export const ISSUER = 'https://issuer.bench.local/';
export const AUDIENCE = 'https://api.bench.local';

const WEB_IMPORT = {
  HS256: { name: 'HMAC', hash: 'SHA-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  EdDSA: { name: 'Ed25519' },
};

function generate(alg) {
  switch (alg) {
    case 'RS256':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'EdDSA':
      return generateKeyPairSync('ed25519');
    default:
      throw new Error(`no key pair for ${alg}`);
  }
}

/**
 * Keys for one algorithm in every form the verifiers want: KeyObject, PEM, JWK, CryptoKey;
 * for HS256 a 256-bit secret as a base64url string (what most users paste from an env var).
 */
export async function makeKeys(alg) {
  if (alg === 'HS256') {
    const secret = randomBytes(32).toString('base64url');
    const keyObject = createSecretKey(Buffer.from(secret));
    const cryptoKey = await webcrypto.subtle.importKey(
      'raw',
      Buffer.from(secret),
      WEB_IMPORT.HS256,
      false,
      ['verify', 'sign'],
    );
    return { alg, secret, keyObject, signingKey: keyObject, cryptoKey };
  }
  const { privateKey, publicKey } = generate(alg);
  const jwk = { ...publicKey.export({ format: 'jwk' }), alg, use: 'sig', kid: `bench-${alg}` };
  const cryptoKey = await webcrypto.subtle.importKey('jwk', jwk, WEB_IMPORT[alg], false, [
    'verify',
  ]);
  return {
    alg,
    keyObject: createPublicKey(publicKey.export({ format: 'pem', type: 'spki' })),
    pem: publicKey.export({ format: 'pem', type: 'spki' }),
    jwk,
    cryptoKey,
    signingKey: privateKey,
  };
}

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Sign `input` (the JWS signing input) with node:crypto the way JWS wants it. */
function signature(keys, input) {
  switch (keys.alg) {
    case 'HS256':
      return createHmac('sha256', keys.signingKey).update(input).digest('base64url');
    case 'RS256':
      return sign('sha256', Buffer.from(input), keys.signingKey).toString('base64url');
    case 'ES256':
      return sign('sha256', Buffer.from(input), {
        key: keys.signingKey,
        dsaEncoding: 'ieee-p1363',
      }).toString('base64url');
    default:
      return sign(null, Buffer.from(input), keys.signingKey).toString('base64url');
  }
}

/**
 * One token with the claims an access token typically has; `n` makes `jti` (and so it) distinct.
 * `claims` are added (a DPoP-bound token's `cnf`).
 */
export function mintToken(keys, n, nowSeconds = Math.floor(Date.now() / 1000), claims = {}) {
  const header = { alg: keys.alg, typ: 'JWT' };
  if (keys.jwk) header.kid = keys.jwk.kid;
  const payload = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: `client-${n % 97}`,
    iat: nowSeconds,
    exp: nowSeconds + 3600,
    jti: `t-${n}-${randomBytes(6).toString('hex')}`,
    scope: 'orders:read orders:write',
    ...claims,
  };
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${signature(keys, input)}`;
}

/** `count` distinct tokens. */
export function mintPool(keys, count) {
  const nowSeconds = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, (_, n) => mintToken(keys, n, nowSeconds));
}

/** A function that returns the pool's tokens in turn, forever (the pool size is a power of two). */
export function cycle(pool) {
  const mask = pool.length - 1;
  if ((pool.length & mask) !== 0) throw new Error('pool size must be a power of two');
  let i = 0;
  return () => {
    i = (i + 1) & mask;
    return pool[i];
  };
}
