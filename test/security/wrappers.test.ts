// A wrapped authenticator is called as written: a fast path is an optimisation of the objects
// core made, never a reason to skip the code a user put around them.
import {
  AuthError,
  type Authenticator,
  AuthErrorCodes as C,
  createAuthenticator,
  jwt,
} from '@portcullis/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyMethod, keyStore } from './support/api-keys.js';
import { buildApp, TARGETS } from './support/apps.js';
import { observe, useLeakCheck } from './support/collector.js';
import { forge, hmac } from './support/jws.js';
import { AUDIENCE, claims, hmacSecret, ISSUER } from './support/keys.js';

useLeakCheck();

let secret: string;
beforeAll(() => {
  secret = hmacSecret();
});

type Wrap = (base: Authenticator, authenticate: Authenticator['authenticate']) => Authenticator;
const WRAPS: Array<[string, Wrap]> = [
  ['spread', (base, authenticate) => ({ ...base, authenticate })],
  ['Object.assign', (base, authenticate) => Object.assign({}, base, { authenticate })],
  [
    'Object.create',
    (base, authenticate) => Object.create(base, { authenticate: { value: authenticate } }),
  ],
];

describe.each(TARGETS)('%s: wrapped authenticators', (adapter) => {
  it.each(WRAPS)('runs a %s wrapper of authenticate() on every request', async (_name, wrap) => {
    const store = keyStore();
    const { key } = store.add({ subject: 'blocked-service' });
    const base = createAuthenticator({
      methods: [
        keyMethod(store),
        jwt({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret }),
      ],
    });
    let calls = 0;
    const wrapped = wrap(base, async (request, options) => {
      calls++;
      const principal = await base.authenticate(request, options);
      if (principal?.subject === 'blocked-service') {
        throw new AuthError({
          status: 401,
          error: 'invalid_token',
          code: C.API_KEY_INVALID,
          description: 'This caller is blocked',
          realm: base.realm,
        });
      }
      return principal;
    });
    const app = await buildApp(adapter, wrapped);
    const token = forge({ header: { alg: 'HS256' }, payload: claims(), signer: hmac(secret) });
    for (let round = 0; round < 3; round++) {
      // Cached after the first round: the base object alone would answer at once.
      const blocked = await app.get('/private', { 'x-api-key': key });
      observe('response', blocked);
      expect(blocked.status).toBe(401);
      expect(blocked.body).toContain('This caller is blocked');
      const allowed = await app.get('/private', { authorization: `Bearer ${token}` });
      observe('response', allowed);
      expect(allowed.status).toBe(200);
    }
    expect(calls).toBe(6);
  });
});
