import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AUDIENCE, IMPLS, ISSUER } from '../test-helpers/jwt-fixtures.js';
import { memoryDenyList } from './deny-list.js';
import { jwt } from './jwt.js';
import type { JwtOptions } from './types.js';
import { createJwtVerifier } from './verifier.js';

const secret = 'x'.repeat(64);
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaSmall = generateKeyPairSync('rsa', { modulusLength: 1024 });
const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const k256 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
const ed = generateKeyPairSync('ed25519');
const pem = (k: { publicKey: { export(o: object): string | Buffer } }) =>
  k.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const base: JwtOptions = { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret };

describe.each(IMPLS)('jwt() construction on $runtime crypto', (impl) => {
  const build = (o: unknown) => () => createJwtVerifier(o as JwtOptions, impl);
  const without = (key: keyof JwtOptions) => {
    const o: Record<string, unknown> = { ...base };
    delete o[key];
    return o;
  };

  it.each([
    ['no options', undefined, /options object/],
    ['no algorithms', without('algorithms'), /`algorithms` is required/],
    ['empty algorithms', { ...base, algorithms: [] }, /`algorithms` is required/],
    ['none', { ...base, algorithms: ['none'] }, /`none` is never accepted/],
    ['NoNe', { ...base, algorithms: ['HS256', 'NoNe'] }, /`none` is never accepted/],
    ['unknown algorithm', { ...base, algorithms: ['HS257'] }, /unknown algorithm/],
    ['no issuer', without('issuer'), /`issuer` is required/],
    ['empty issuer', { ...base, issuer: '' }, /`issuer` is required/],
    ['empty issuer list', { ...base, issuer: [] }, /`issuer` is required/],
    ['issuer list with an empty string', { ...base, issuer: ['a', ''] }, /`issuer` is required/],
    ['no audience', without('audience'), /`audience` is required/],
    ['audience number', { ...base, audience: 5 }, /`audience` is required/],
    ['no key', without('secret'), /exactly one of/],
    ['two keys', { ...base, publicKey: pem(rsa) }, /exactly one of/],
    ['short HS256 secret', { ...base, secret: 'x'.repeat(31) }, /at least 32 bytes/],
    [
      'short HS384 secret',
      { ...base, algorithms: ['HS384'], secret: 'x'.repeat(47) },
      /at least 48 bytes/,
    ],
    [
      'short HS512 secret',
      { ...base, algorithms: ['HS512'], secret: 'x'.repeat(63) },
      /at least 64 bytes/,
    ],
    ['secret with RS256', { ...base, algorithms: ['RS256'] }, /needs an RSA key/],
    ['secret of a wrong type', { ...base, secret: 42 }, /`secret` must be/],
    [
      'public key with HS256',
      { ...base, secret: undefined, publicKey: pem(rsa) },
      /HS256 needs a `secret`/,
    ],
    [
      '1024-bit RSA',
      { ...base, algorithms: ['RS256'], secret: undefined, publicKey: pem(rsaSmall) },
      /2048 bits/,
    ],
    [
      'RSA with ES256',
      { ...base, algorithms: ['ES256'], secret: undefined, publicKey: pem(rsa) },
      /EC P-256/,
    ],
    [
      'P-256 with ES384',
      { ...base, algorithms: ['ES384'], secret: undefined, publicKey: pem(p256) },
      /EC P-384/,
    ],
    [
      'P-384 with ES256',
      { ...base, algorithms: ['ES256'], secret: undefined, publicKey: p384.publicKey },
      /EC P-256/,
    ],
    [
      'secp256k1 with ES256',
      { ...base, algorithms: ['ES256'], secret: undefined, publicKey: k256.publicKey },
      /P-256|not a usable/,
    ],
    [
      'Ed25519 with RS256',
      { ...base, algorithms: ['RS256'], secret: undefined, publicKey: pem(ed) },
      /RSA/,
    ],
    [
      'RSA with EdDSA',
      { ...base, algorithms: ['EdDSA'], secret: undefined, publicKey: pem(rsa) },
      /Ed25519/,
    ],
    [
      'one misfit among several',
      { ...base, algorithms: ['ES256', 'RS256'], secret: undefined, publicKey: pem(p256) },
      /RS256/,
    ],
    [
      'private key PEM',
      {
        ...base,
        algorithms: ['RS256'],
        secret: undefined,
        publicKey: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      },
      /private key/,
    ],
    [
      'garbage PEM',
      { ...base, algorithms: ['RS256'], secret: undefined, publicKey: 'not a key' },
      /PEM/,
    ],
    [
      'oct JWK as publicKey',
      { ...base, algorithms: ['HS256'], secret: undefined, publicKey: { kty: 'oct', k: 'eA' } },
      /secret/,
    ],
    [
      'bad JWK',
      { ...base, algorithms: ['RS256'], secret: undefined, publicKey: { kty: 'RSA', n: 1 } },
      /JWK/,
    ],
    [
      'jwks with no usable key',
      { ...base, algorithms: ['RS256'], secret: undefined, jwks: { keys: [] } },
      /no key usable/,
    ],
    [
      'jwks not a set',
      { ...base, algorithms: ['RS256'], secret: undefined, jwks: { key: [] } },
      /keys/,
    ],
    [
      'jwks bad URL',
      { ...base, algorithms: ['RS256'], secret: undefined, jwks: 'not a url' },
      /valid URL/,
    ],
    [
      'jwks ftp URL',
      { ...base, algorithms: ['RS256'], secret: undefined, jwks: 'ftp://x/jwks' },
      /https/,
    ],
    [
      'jwks over plain http to another host',
      { ...base, algorithms: ['RS256'], secret: undefined, jwks: 'http://id.example.com/jwks' },
      /allowHttp/,
    ],
    [
      'jwksOptions.allowHttp not a boolean',
      {
        ...base,
        algorithms: ['RS256'],
        secret: undefined,
        jwks: 'http://id.internal/jwks',
        jwksOptions: { allowHttp: 'yes' },
      },
      /allowHttp/,
    ],
    [
      'remote jwks with HS256',
      { ...base, secret: undefined, jwks: 'https://id.example.com/jwks' },
      /HS\* algorithms/,
    ],
    ['jwksOptions without a URL', { ...base, jwksOptions: { timeout: 1 } }, /jwksOptions/],
    [
      'jwksOptions.timeout 0',
      {
        ...base,
        algorithms: ['RS256'],
        secret: undefined,
        jwks: 'https://x/j',
        jwksOptions: { timeout: 0 },
      },
      /timeout/,
    ],
    [
      'jwksOptions.fetch not a function',
      {
        ...base,
        algorithms: ['RS256'],
        secret: undefined,
        jwks: 'https://x/j',
        jwksOptions: { fetch: 1 },
      },
      /fetch/,
    ],
    ['negative clockTolerance', { ...base, clockTolerance: -1 }, /clockTolerance/],
    ['clockTolerance over 300', { ...base, clockTolerance: 301 }, /clockTolerance/],
    ['NaN clockTolerance', { ...base, clockTolerance: Number.NaN }, /clockTolerance/],
    ['zero maxTokenAge', { ...base, maxTokenAge: 0 }, /maxTokenAge/],
    ['infinite maxTokenAge', { ...base, maxTokenAge: Number.POSITIVE_INFINITY }, /maxTokenAge/],
    ['typ not a string', { ...base, typ: 1 }, /typ/],
    ['denyList without isRevoked', { ...base, denyList: { revoke() {} } }, /denyList/],
    ['isRevoked not a function', { ...base, isRevoked: true }, /isRevoked/],
    ['revocationTimeout 0', { ...base, revocationTimeout: 0 }, /revocationTimeout/],
    [
      'revocationTimeout over a minute',
      { ...base, revocationTimeout: 60_001 },
      /revocationTimeout/,
    ],
    ['requiredClaims not strings', { ...base, requiredClaims: [1] }, /requiredClaims/],
    ['empty scopeClaim', { ...base, scopeClaim: '' }, /scopeClaim/],
    ['scopeClaim an empty array', { ...base, scopeClaim: [] }, /scopeClaim/],
    ['scopeClaim with an empty entry', { ...base, scopeClaim: ['scope', ''] }, /scopeClaim/],
    ['scopeClaim path with an empty segment', { ...base, scopeClaim: 'a..b' }, /scopeClaim/],
    ['scopeClaim not a string', { ...base, scopeClaim: [1] }, /scopeClaim/],
    ['cache.max 0', { ...base, cache: { max: 0 } }, /cache.max/],
    ['cache true', { ...base, cache: true }, /cache/],
    ['maxTokenLength 0', { ...base, maxTokenLength: 0 }, /maxTokenLength/],
    ['bad cookie name', { ...base, cookie: 'a b' }, /cookie/],
    ['unknown option', { ...base, audiance: 'x' }, /unknown option `audiance`/],
  ])('throws a TypeError for %s', (_name, o, message) => {
    expect(build(o)).toThrow(TypeError);
    expect(build(o)).toThrow(message);
  });

  it('never puts the secret in an error message', () => {
    const leaky = 'super-secret-value-123';
    expect(build({ ...base, secret: leaky })).toThrow(TypeError);
    try {
      build({ ...base, secret: leaky })();
    } catch (err) {
      expect((err as Error).message).not.toContain(leaky);
    }
  });

  it.each([
    ['RSA for RS and PS', ['RS256', 'RS512', 'PS256', 'PS384'], pem(rsa)],
    ['RSA-PSS key for PS', ['PS256'], pss.publicKey],
    ['Ed25519 for EdDSA and Ed25519', ['EdDSA', 'Ed25519'], pem(ed)],
    ['P-256 for ES256', ['ES256'], p256.publicKey.export({ format: 'jwk' })],
  ])('accepts %s', (_name, algorithms, publicKey) => {
    if (impl.runtime === 'web' && _name.startsWith('RSA-PSS')) return; // refused on Web Crypto
    expect(build({ ...base, secret: undefined, algorithms, publicKey })).not.toThrow();
  });

  it('accepts plain http key sets on this machine, or elsewhere when allowHttp is set', () => {
    const remote = { ...base, secret: undefined, algorithms: ['RS256'] };
    for (const jwks of ['http://127.0.0.1:8080/jwks', 'http://localhost/jwks', 'http://[::1]/j']) {
      expect(build({ ...remote, jwks }), jwks).not.toThrow();
    }
    expect(
      build({ ...remote, jwks: 'http://id.internal/jwks', jwksOptions: { allowHttp: true } }),
    ).not.toThrow();
  });

  it('accepts a deny-list, hooks, cache options and a remote jwks without fetching at construction', () => {
    let fetched = 0;
    const o = {
      ...base,
      secret: undefined,
      algorithms: ['RS256'],
      jwks: new URL('https://id.example.com/jwks'),
      jwksOptions: {
        fetch: async () => {
          fetched++;
          return new Response('{}');
        },
      },
      denyList: memoryDenyList(),
      isRevoked: () => false,
      cache: { max: 10, maxBytes: 1000 },
      clockTolerance: 0,
    };
    expect(build(o)).not.toThrow();
    expect(fetched).toBe(0);
  });
});

describe('jwt()', () => {
  it('uses node:crypto on Node through the #crypto subpath import, and verifies', async () => {
    expect((await import('#crypto')).runtime).toBe('node');
    const { SignJWT } = await import('jose');
    const token = await new SignJWT({ sub: 'u', iss: ISSUER, aud: AUDIENCE, exp: 2_000_000_000 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(secret));
    const principal = await jwt(base).verify(token, { now: () => 1_900_000_000_000, realm: 'r' });
    expect(principal.subject).toBe('u');
  });

  it('is the verifier bound to the runtime crypto, without internals', () => {
    const method = jwt(base);
    expect(method.type).toBe('jwt');
    expect(typeof method.clearCache).toBe('function');
    expect('remote' in method).toBe(false);
    expect(() => jwt({ ...base, algorithms: ['none' as 'HS256'] })).toThrow(TypeError);
  });
});
