// Fuzzing API keys and credential headers through every adapter: random and mutated keys never
// authenticate and never reach `lookup` as anything but a SHA-256 hex hash; random mixes of
// credential headers authenticate only with exactly one valid credential; nothing crashes or 500s.
import { jwt } from '@portcullis/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type KeyStore, keyMethod, keyStore, PREFIX } from './support/api-keys.js';
import { ADAPTERS } from './support/apps.js';
import { useLeakCheck, secret as watch } from './support/collector.js';
import { expectSafe, FUZZ_TIMEOUT, mutate, mutations, PARAMS } from './support/fuzz.js';
import { type Scenario, scenario } from './support/harness.js';
import { forge, hmac } from './support/jws.js';
import { AUDIENCE, claims, hmacSecret, ISSUER } from './support/keys.js';

useLeakCheck();

const HEX_SHA256 = /^[0-9a-f]{64}$/;

describe.each(ADAPTERS)('%s: API key and header fuzzing', (adapter) => {
  let store: KeyStore;
  let app: Scenario;
  let key: string;
  let token: string;
  beforeAll(async () => {
    store = keyStore();
    key = store.add({ scopes: ['admin'] }).key;
    const secret = hmacSecret();
    token = watch(
      forge({
        header: { alg: 'HS256' },
        payload: claims(undefined, { exp: Math.floor(Date.now() / 1000) + 86_400 }),
        signer: hmac(secret),
      }),
    );
    app = await scenario(adapter, {
      watchCredentials: false,
      methods: [
        keyMethod(store),
        jwt({
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          secret,
          cookie: 'session',
        }),
      ],
    });
  });

  it('accepts the seed key and token (control)', async () => {
    expect((await app.get('/admin', { 'x-api-key': key })).status).toBe(200);
    expect((await app.bearer(token)).status).toBe(200);
  });

  it(
    'never accepts a random or mutated API key, and lookup only ever sees hashes',
    async () => {
      const candidate = fc.oneof(
        fc.string({ maxLength: 300 }),
        fc.string({ unit: 'binary-ascii', maxLength: 80 }),
        fc
          .string({
            unit: fc.constantFrom(...'abcXYZ0189_'.split('')),
            minLength: 40,
            maxLength: 60,
          })
          .map((s) => `${PREFIX}_${s}`),
        mutations.map((edits) => mutate(key, edits)),
      );
      await fc.assert(
        fc.asyncProperty(
          candidate,
          fc.constantFrom('x-api-key', 'authorization'),
          async (value, carry) => {
            fc.pre(value !== key);
            const sent = carry === 'authorization' ? `Bearer ${value}` : value;
            const answer = await app.get('/admin', { [carry]: sent });
            expectSafe(answer, [400, 401]);
          },
        ),
        PARAMS,
      );
      for (const hash of store.calls) expect(hash).toMatch(HEX_SHA256);
    },
    FUZZ_TIMEOUT,
  );

  it(
    'authenticates a mix of credential headers and cookies only with exactly one valid credential',
    async () => {
      const bad = `${token}x`;
      const value = fc.oneof(
        fc.constantFrom(key, `Bearer ${key}`, `Bearer ${token}`, token, `Bearer ${bad}`),
        fc.constantFrom(
          `session=${token}`,
          `session=${bad}`,
          `a=1; session=${token}`,
          `session="${token}"`,
          `session=${token}; session=${token}`,
          'session=',
        ),
        fc.string({ maxLength: 40 }),
        fc.constantFrom(
          'Bearer',
          'Bearer ',
          'Basic dXNlcjpwYXNz',
          'Digest a="b, c"',
          `Bearer ${key}, Bearer ${token}`,
          `pcs_=${key}`,
        ),
      );
      const name = fc.constantFrom(
        'authorization',
        'Authorization',
        'x-api-key',
        'X-API-KEY',
        'cookie',
        'Cookie',
        'x-other',
      );
      const isBearer = (v: string) => /^\s*bearer(\s|$)/i.test(v);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(name, value), { maxLength: 4 }),
          fc.constantFrom('/private', '/optional'),
          async (pairs, path) => {
            const answer = await app.get(path, pairs);
            expectSafe(answer, [200, 400, 401]);
            if (answer.status !== 200) return;
            const lower = pairs.map(([n, v]) => [n.toLowerCase(), v] as const);
            const auths = lower.filter(([n]) => n === 'authorization').map(([, v]) => v);
            const keys = lower.filter(([n]) => n === 'x-api-key').map(([, v]) => v.trim());
            const cookies = lower
              .filter(([n]) => n === 'cookie')
              .flatMap(([, v]) => v.split(';'))
              .map((c) => c.trim())
              .filter((c) => c.startsWith('session=') && c.length > 'session='.length)
              .map((c) => c.slice('session='.length).replace(/^"(.*)"$/, '$1'));
            const bearers = auths.filter(isBearer).map((v) => v.trim());
            const context = JSON.stringify({ path, pairs });
            // Two Authorization headers are refused; Hono's joined `Headers` cannot tell two
            // foreign-scheme headers (two Basic, say) from one, and sets them aside like one.
            if (adapter === 'hono') {
              if (auths.length > 1) expect(bearers, context).toEqual([]);
            } else {
              expect(auths.length, context).toBeLessThanOrEqual(1);
            }
            const credentials = [...keys, ...bearers, ...cookies];
            if (answer.json?.['anonymous'] === true) {
              expect(path, context).toBe('/optional');
              expect(credentials, context).toEqual([]);
              return;
            }
            expect(credentials, context).toHaveLength(1);
            const valid =
              [key, `Bearer ${key}`, `Bearer ${token}`].includes(credentials[0]!) ||
              (cookies.length === 1 && cookies[0] === token);
            expect(valid, context).toBe(true);
          },
        ),
        PARAMS,
      );
    },
    FUZZ_TIMEOUT,
  );
});
