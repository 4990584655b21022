// A lookup callback that throws, rejects, hangs or returns garbage fails closed: 503 or 500,
// never 401 and never 200, with nothing of the failure in the answer; and the next good request
// still succeeds.
import { AuthErrorCodes as C } from '@portcullis/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { type KeyStore, keyMethod, keyStore } from './support/api-keys.js';
import { ADAPTERS } from './support/apps.js';
import { secret, useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { marker } from './support/keys.js';

useLeakCheck();

let store: KeyStore;
beforeEach(() => {
  store = keyStore();
});

/** An error whose message and stack hold something that must not reach a client. */
function dbError(): Error {
  const err = new Error(`connect ECONNREFUSED postgres://admin:${marker('dbpass')}@db:5432`);
  (err as { code?: string }).code = 'ECONNREFUSED';
  return err;
}

const FAILURES: [string, () => unknown, number, string][] = [
  [
    'throws',
    () => {
      throw dbError();
    },
    503,
    C.LOOKUP_FAILED,
  ],
  ['rejects', () => Promise.reject(dbError()), 503, C.LOOKUP_FAILED],
  [
    'throws a non-Error',
    () => {
      throw secret(`raw-string-${marker('thrown')}`);
    },
    503,
    C.LOOKUP_FAILED,
  ],
  ['rejects with undefined', () => Promise.reject(undefined), 503, C.LOOKUP_FAILED],
  ['hangs past its timeout', () => new Promise(() => {}), 503, C.LOOKUP_TIMEOUT],
  [
    'returns a thenable that never settles',
    // biome-ignore lint/suspicious/noThenProperty: a bare thenable is the point of the test.
    () => ({ then() {} }),
    503,
    C.LOOKUP_TIMEOUT,
  ],
];

const GARBAGE: [string, unknown][] = [
  ['a string', 'admin'],
  ['a number', 42],
  ['true', true],
  ['an array', [{ id: 'k', subject: 's', scopes: ['admin'] }]],
  ['an empty object', {}],
  ['scopes as a string', { id: 'k', subject: 's', scopes: 'admin' }],
  ['scopes with a non-string', { id: 'k', subject: 's', scopes: ['read', { admin: true }] }],
  ['no subject', { id: 'k', scopes: ['admin'] }],
  ['an empty subject', { id: 'k', subject: '', scopes: ['admin'] }],
  ['a numeric id', { id: 7, subject: 's', scopes: [] }],
  ['expiresAt as text', { id: 'k', subject: 's', scopes: [], expiresAt: 'never' }],
  ['expiresAt NaN', { id: 'k', subject: 's', scopes: [], expiresAt: Number.NaN }],
  ['revokedAt an invalid Date', { id: 'k', subject: 's', scopes: [], revokedAt: new Date('x') }],
  ['a tenant object', { id: 'k', subject: 's', scopes: [], tenant: { name: 't' } }],
  [
    'a record whose getter throws',
    Object.defineProperty({ subject: 's', scopes: [] }, 'id', {
      enumerable: true,
      get() {
        throw dbError();
      },
    }),
  ],
];

describe.each(ADAPTERS)('%s: lookup failures fail closed', (adapter) => {
  it.each(FAILURES)('lookup %s → %i, then recovers', async (_, behave, status, code) => {
    const app = await scenario(adapter, { methods: [keyMethod(store, { lookupTimeout: 50 })] });
    const { key } = store.add({ scopes: ['admin'] });
    store.behave = behave as never;
    for (const path of ['/private', '/admin', '/optional']) {
      const answer = await app.get(path, { 'x-api-key': key });
      expectRejected(answer, status as 503, [code]);
      expect(answer.headers['www-authenticate']).toBeUndefined();
      expect(answer.headers['retry-after']).toMatch(/^\d+$/);
      expect(answer.json).toEqual({
        error: 'temporarily_unavailable',
        error_description: expect.any(String),
      });
    }
    // Also over Authorization: Bearer.
    expectRejected(await app.bearer(key), status as 503, [code]);
    // A failure is not remembered as "unknown key": the store is back, so is the key.
    store.behave = undefined;
    expectAccepted(await app.get('/admin', { 'x-api-key': key }));
  });

  it.each(GARBAGE)('lookup returning %s → 500, then recovers', async (_, garbage) => {
    const app = await scenario(adapter, { methods: [keyMethod(store)] });
    const { key } = store.add({ scopes: ['admin'] });
    for (const wrap of [(v: unknown) => v, (v: unknown) => Promise.resolve(v)]) {
      store.behave = () => wrap(garbage) as never;
      for (const path of ['/private', '/admin']) {
        const answer = await app.get(path, { 'x-api-key': key });
        expectRejected(answer, 500, [C.LOOKUP_INVALID_RECORD, C.LOOKUP_FAILED]);
        expect(answer.json).toEqual({
          error: 'server_error',
          error_description: expect.any(String),
        });
      }
    }
    store.behave = undefined;
    expectAccepted(await app.get('/admin', { 'x-api-key': key }));
  });

  it('a failing lookup never becomes anonymous on an optional route', async () => {
    const app = await scenario(adapter, { methods: [keyMethod(store)] });
    const { key } = store.add();
    store.behave = () => Promise.reject(dbError());
    const answer = await app.get('/optional', { 'x-api-key': key });
    expectRejected(answer, 503, [C.LOOKUP_FAILED]);
    expect(answer.json?.['anonymous']).toBeUndefined();
  });

  it('1,000 concurrent requests with one key cause one lookup (no stampede on the store)', async () => {
    const app = await scenario(adapter, { methods: [keyMethod(store, { cache: {} })] });
    const { key, hash } = store.add();
    store.behave = (h) =>
      new Promise((resolve) =>
        setTimeout(() => resolve(h === hash ? { id: 'k', subject: 's', scopes: [] } : null), 100),
      );
    const count = adapter === 'hono' ? 1_000 : 200; // real sockets for Express and Koa
    const answers = await Promise.all(
      Array.from({ length: count }, () => app.get('/private', { 'x-api-key': key })),
    );
    for (const answer of answers) expectAccepted(answer);
    expect(store.calls).toEqual([hash]);
  });

  it('many concurrent requests during an outage all fail closed, then all recover', async () => {
    const app = await scenario(adapter, { methods: [keyMethod(store)] });
    const keys = Array.from({ length: 20 }, () => store.add().key);
    store.behave = () => Promise.reject(dbError());
    const down = await Promise.all(keys.map((key) => app.get('/private', { 'x-api-key': key })));
    for (const answer of down) expectRejected(answer, 503, [C.LOOKUP_FAILED]);
    store.behave = undefined;
    const up = await Promise.all(keys.map((key) => app.get('/private', { 'x-api-key': key })));
    for (const answer of up) expectAccepted(answer);
  });
});
