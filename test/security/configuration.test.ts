// Insecure configurations are refused at construction with a TypeError that says what to fix —
// never discovered on a request, never silently weakened.
import {
  apiKey,
  createAuthenticator,
  generateApiKey,
  type JwtOptions,
  jwt,
  memoryDenyList,
} from '@portcullis/core';
import * as express from '@portcullis/express';
import * as fastify from '@portcullis/fastify';
import * as hono from '@portcullis/hono';
import * as koa from '@portcullis/koa';
import { beforeAll, describe, expect, it } from 'vitest';
import { observe, useLeakCheck, secret as watch } from './support/collector.js';
import { AUDIENCE, hmacSecret, ISSUER, type KeyPair, keyPair } from './support/keys.js';

useLeakCheck();

let rs: KeyPair;
let secret: string;
beforeAll(async () => {
  rs = await keyPair('RS256');
  secret = hmacSecret();
});

/** Construct, expect a TypeError, and feed its message to the leak check. */
function refused(make: () => unknown): TypeError {
  let caught: unknown;
  try {
    make();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(TypeError);
  observe('error.message', (caught as Error).message);
  return caught as TypeError;
}

const base = (): JwtOptions => ({
  algorithms: ['HS256'],
  issuer: ISSUER,
  audience: AUDIENCE,
  secret,
});

describe('jwt() refuses insecure configurations', () => {
  it('accepts the secure baseline (control)', () => {
    expect(() => jwt(base())).not.toThrow();
  });

  it.each<[string, () => unknown]>([
    ['no algorithms', () => jwt({ ...base(), algorithms: [] })],
    ['algorithms missing', () => jwt({ ...base(), algorithms: undefined as never })],
    ['alg none', () => jwt({ ...base(), algorithms: ['none' as never] })],
    ['alg NONE', () => jwt({ ...base(), algorithms: ['HS256', 'NONE' as never] })],
    ['an unknown algorithm', () => jwt({ ...base(), algorithms: ['HS1' as never] })],
    ['no issuer', () => jwt({ ...base(), issuer: undefined as never })],
    ['an empty issuer', () => jwt({ ...base(), issuer: '' })],
    ['an empty issuer list', () => jwt({ ...base(), issuer: [] })],
    ['no audience', () => jwt({ ...base(), audience: undefined as never })],
    ['an empty audience', () => jwt({ ...base(), audience: '' })],
    ['no key at all', () => jwt({ ...base(), secret: undefined })],
    ['a secret and a public key at once', () => jwt({ ...base(), publicKey: rs.pem })],
    ['an empty secret', () => jwt({ ...base(), secret: '' })],
    ['a 16-byte secret for HS256', () => jwt({ ...base(), secret: 'x'.repeat(16) })],
    [
      'a 32-byte secret for HS512',
      () => jwt({ ...base(), algorithms: ['HS512'], secret: 'x'.repeat(32) }),
    ],
    [
      'a secret passed as publicKey (oct JWK)',
      () =>
        jwt({
          ...base(),
          secret: undefined,
          publicKey: { kty: 'oct', k: Buffer.from(secret).toString('base64url') },
        }),
    ],
    [
      'HS256 with a remote JWKS',
      () => jwt({ ...base(), secret: undefined, jwks: 'https://id.portcullis.test/jwks.json' }),
    ],
    [
      'a JWKS URL that is not http(s)',
      () =>
        jwt({ ...base(), algorithms: ['RS256'], secret: undefined, jwks: 'file:///etc/passwd' }),
    ],
    [
      'a local JWKS with no key for the algorithms',
      () => jwt({ ...base(), algorithms: ['ES256'], secret: undefined, jwks: { keys: [rs.jwk] } }),
    ],
    [
      'a public key that cannot serve the algorithms',
      () => jwt({ ...base(), algorithms: ['ES256'], secret: undefined, publicKey: rs.pem }),
    ],
    ['a negative clock tolerance', () => jwt({ ...base(), clockTolerance: -1 })],
    ['a clock tolerance above 300 s', () => jwt({ ...base(), clockTolerance: 301 })],
    [
      'an infinite clock tolerance',
      () => jwt({ ...base(), clockTolerance: Number.POSITIVE_INFINITY }),
    ],
    ['a NaN clock tolerance', () => jwt({ ...base(), clockTolerance: Number.NaN })],
    [
      'an infinite token length cap',
      () => jwt({ ...base(), maxTokenLength: Number.POSITIVE_INFINITY }),
    ],
    ['a deny-list without isRevoked', () => jwt({ ...base(), denyList: { revoke() {} } as never })],
    [
      'an unknown option (a typo of a security option)',
      () => jwt({ ...base(), audiance: AUDIENCE } as never),
    ],
  ])('refuses %s', (_, make) => {
    refused(make);
  });

  it('does not echo the secret in its message', () => {
    const err = refused(() =>
      jwt({ ...base(), algorithms: ['HS512'], secret: watch(`short-${'s'.repeat(20)}`) }),
    );
    expect(err.message).not.toContain('short-');
  });
});

describe('apiKey(), createAuthenticator() and the guards refuse insecure configurations', () => {
  it.each<[string, () => unknown]>([
    ['apiKey without lookup', () => apiKey({} as never)],
    ['apiKey with a non-function lookup', () => apiKey({ lookup: 'SELECT *' as never })],
    [
      'apiKey with a negative lookup timeout',
      () => apiKey({ lookup: () => null, lookupTimeout: -1 }),
    ],
    [
      'apiKey with an infinite lookup timeout',
      () => apiKey({ lookup: () => null, lookupTimeout: Number.POSITIVE_INFINITY }),
    ],
    [
      'apiKey with a prefix that cannot be told apart',
      () => apiKey({ lookup: () => null, prefix: 'a b' }),
    ],
    ['createAuthenticator with no methods', () => createAuthenticator({ methods: [] })],
    [
      'createAuthenticator with a fake method',
      () => createAuthenticator({ methods: [{} as never] }),
    ],
    [
      'a realm with a quote and CRLF',
      () => createAuthenticator({ methods: [jwt(base())], realm: 'a"\r\nSet-Cookie: x=1' }),
    ],
  ])('refuses %s', (_, make) => {
    refused(make);
  });

  for (const [name, m] of [
    ['express', express],
    ['koa', koa],
    ['hono', hono],
    ['fastify', fastify],
  ] as const) {
    it(`${name}: a scope guard with no scope, or a scope that would break the challenge, is refused`, () => {
      refused(() => m.requireScope());
      refused(() => m.requireAnyScope());
      refused(() => m.requireScope('admin write'));
      refused(() => m.requireScope('admin"'));
      refused(() => m.requireScope('a\r\nb'));
      refused(() => m.requireScope(''));
    });

    it(`${name}: authenticate() needs a real authenticator`, () => {
      refused(() => m.authenticate(undefined as never));
      refused(() => m.authenticate({} as never));
    });

    it(`${name}: authenticate() refuses a misspelt option, naming the one meant`, () => {
      const authenticator = createAuthenticator({ methods: [jwt(base())] });
      const err = refused(() => m.authenticate(authenticator, { optinal: true } as never));
      expect(err.message).toBe(
        'authenticate(): unknown option `optinal`; did you mean `optional`?',
      );
    });
  }

  it('hono withAuth() refuses a misspelt option, naming the one meant', () => {
    const authenticator = createAuthenticator({ methods: [jwt(base())] });
    const err = refused(() =>
      hono.withAuth(authenticator, (c) => c.text('ok'), { requireScopes: ['a'] } as never),
    );
    expect(err.message).toBe(
      'withAuth(): unknown option `requireScopes`; did you mean `requireScope`?',
    );
  });
});

// A typo in an options object must not construct a method or authenticator that silently lacks
// the setting (an audit hook dropped, a cache left on, a prefix ignored).
describe('every factory refuses unknown options, naming the nearest known one', () => {
  it.each<[string, () => unknown, string]>([
    [
      'apiKey({ prefx, cach })',
      () => apiKey({ lookup: () => null, prefx: 'pcs', cach: false } as never),
      'apiKey(): unknown option `prefx`; did you mean `prefix`?',
    ],
    [
      'apiKey({ cache: { tll } })',
      () => apiKey({ lookup: () => null, cache: { tll: 5 } } as never),
      'apiKey(): unknown option `cache.tll`; did you mean `cache.ttl`?',
    ],
    [
      'createAuthenticator({ onevent })',
      () => createAuthenticator({ methods: [jwt(base())], onevent: () => {} } as never),
      'createAuthenticator(): unknown option `onevent`; did you mean `onEvent`?',
    ],
    [
      'jwt({ audiance })',
      () => jwt({ ...base(), audiance: AUDIENCE } as never),
      'jwt(): unknown option `audiance`; did you mean `audience`?',
    ],
    [
      'jwt({ cache: { maxbytes } })',
      () => jwt({ ...base(), cache: { maxbytes: 1 } } as never),
      'jwt(): unknown option `cache.maxbytes`; did you mean `cache.maxBytes`?',
    ],
    [
      'jwt({ jwksOptions: { timout } })',
      () =>
        jwt({
          ...base(),
          algorithms: ['RS256'],
          secret: undefined,
          jwks: 'https://id.portcullis.test/jwks',
          jwksOptions: { timout: 1000 },
        } as never),
      'jwt(): unknown option `jwksOptions.timout`; did you mean `jwksOptions.timeout`?',
    ],
    [
      'memoryDenyList({ clock })',
      () => memoryDenyList({ clock: Date.now } as never),
      'memoryDenyList(): unknown option `clock`; known options are `now`',
    ],
    [
      'generateApiKey({ prefix, length })',
      () => generateApiKey({ prefix: 'pcs', length: 64 } as never),
      'generateApiKey(): unknown option `length`; known options are `prefix`',
    ],
  ])('%s', (_, make, message) => {
    expect(refused(make).message).toBe(message);
  });
});
