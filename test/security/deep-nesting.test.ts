// A signed token whose claims nest 10,000 or 100,000 levels deep (JSON.parse reads that much;
// recursive walks overflow the stack near 8,000) with a raised `maxTokenLength`: every answer is a
// 200 or a 401, never a 500, also once the token is cached, and its cached claims are frozen whole.
import { jwt } from '@portcullis/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TARGETS } from './support/apps.js';
import { useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { forge, hmac } from './support/jws.js';
import { AUDIENCE, claims, hmacSecret, ISSUER } from './support/keys.js';

useLeakCheck();

let key: string;
beforeAll(() => {
  key = hmacSecret();
});

const NESTINGS: [string, (depth: number) => string][] = [
  ['arrays', (depth) => `${'['.repeat(depth)}1${']'.repeat(depth)}`],
  ['objects', (depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`],
  ['both', (depth) => `${'[{"a":'.repeat(depth / 2)}1${'}]'.repeat(depth / 2)}`],
];

function deepToken(nested: string, scope = 'read'): string {
  const payload = JSON.stringify(claims(undefined, { scope })).replace(/}$/, `,"deep":${nested}}`);
  return forge({ header: { alg: 'HS256' }, payload, signer: hmac(key) });
}

describe.each(TARGETS)('%s: deeply nested claims', (adapter) => {
  const app = () =>
    scenario(adapter, {
      methods: [
        jwt({
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          secret: key,
          maxTokenLength: 1 << 20,
        }),
      ],
    });

  for (const depth of [10_000, 100_000]) {
    it.each(NESTINGS)(
      `accepts ${depth} levels of %s, cached or not, never a 500`,
      async (_, nest) => {
        const a = await app();
        const token = deepToken(nest(depth));
        // The first answer verifies, the second caches (and freezes), the rest are cache hits.
        for (let i = 0; i < 4; i++) expectAccepted(await a.bearer(token));
        // A handler that tries to grant itself a scope through the cached claims changes nothing.
        expectAccepted(await a.bearer(token, '/tamper'));
        expectRejected(await a.bearer(token, '/admin'), 403);
        expect(a.events.every((e) => e.status !== 500)).toBe(true);
      },
    );
  }

  it('refuses a deeply nested token with a bad signature with 401', async () => {
    const a = await app();
    const token = deepToken(NESTINGS[0]![1](100_000));
    const forged = `${token.slice(0, token.lastIndexOf('.'))}.${'A'.repeat(43)}`;
    for (let i = 0; i < 3; i++) expectRejected(await a.bearer(forged), 401);
  });
});
