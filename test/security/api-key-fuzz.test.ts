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
        jwt({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret }),
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
    'authenticates a mix of credential headers only when exactly one valid credential is sent',
    async () => {
      const value = fc.oneof(
        fc.constant(key),
        fc.constant(`Bearer ${key}`),
        fc.constant(`Bearer ${token}`),
        fc.constant(token),
        fc.string({ maxLength: 40 }),
        fc.constantFrom(
          'Bearer',
          'Bearer ',
          'Basic dXNlcjpwYXNz',
          `Bearer ${key}, Bearer ${token}`,
          `pcs_=${key}`,
          `token=${token}`,
        ),
      );
      const name = fc.constantFrom(
        'authorization',
        'Authorization',
        'x-api-key',
        'X-API-KEY',
        'cookie',
        'x-other',
      );
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(name, value), { maxLength: 4 }), async (pairs) => {
          const answer = await app.get('/private', pairs);
          expectSafe(answer, [200, 400, 401]);
          if (answer.status !== 200) return;
          // Exactly one credential, and a valid one. Another Authorization scheme (Basic, or a
          // bare value with no scheme) is not a bearer credential and is set aside, by design;
          // but a second Authorization header of any kind is refused.
          const lower = pairs.map(([n, v]) => [n.toLowerCase(), v] as const);
          expect(lower.filter(([n]) => n === 'authorization').length).toBeLessThanOrEqual(1);
          const carrying = lower.filter(
            ([n, v]) =>
              n === 'x-api-key' || (n === 'authorization' && /^bearer( |$)/i.test(v.trim())),
          );
          expect(carrying, JSON.stringify(pairs)).toHaveLength(1);
          const [n, v] = carrying[0]!;
          const ok =
            n === 'x-api-key'
              ? v.trim() === key
              : [`Bearer ${key}`, `Bearer ${token}`].includes(v.trim());
          expect(ok, JSON.stringify(pairs)).toBe(true);
        }),
        PARAMS,
      );
    },
    FUZZ_TIMEOUT,
  );
});
