// API keys: malformed values are refused without a lookup, only the hash reaches `lookup`, and
// every kind of bad key answers exactly the same, so a client cannot tell which it was.
import { AuthErrorCodes as C, createAuthenticator, isAuthError } from '@portcullis/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { type KeyStore, keyMethod, keyStore, PREFIX, unknownKey } from './support/api-keys.js';
import { ADAPTERS, type AdapterName } from './support/apps.js';
import { observe, useLeakCheck } from './support/collector.js';
import {
  expectAccepted,
  expectRejected,
  type ObservedAnswer,
  scenario,
} from './support/harness.js';

useLeakCheck();

let store: KeyStore;
beforeEach(() => {
  store = keyStore();
});

const app = (adapter: AdapterName) => scenario(adapter, { methods: [keyMethod(store)] });
const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** A key that fails the checksum: last character changed. */
function mistyped(key: string): string {
  const last = key.at(-1) === 'A' ? 'B' : 'A';
  return key.slice(0, -1) + last;
}

describe.each(ADAPTERS)('%s: API keys', (adapter) => {
  it('accepts a stored key by header and by bearer, and lookup sees only its hash', async () => {
    const a = await app(adapter);
    const { key, hash } = store.add();
    expectAccepted(await a.get('/private', { 'x-api-key': key }));
    expectAccepted(await a.get('/private', { authorization: `Bearer ${key}` }));
    expect(store.calls).toEqual([hash, hash]);
  });

  const MALFORMED: [string, string][] = [
    ['empty', ''],
    ['whitespace', '   '],
    ['a tab', '\t'],
    ['the prefix alone', `${PREFIX}_`],
    ['the right prefix and a short body', `${PREFIX}_abc`],
    ['the right prefix and a wrong body', `${PREFIX}_${'x'.repeat(49)}`],
    ['a non-ASCII (Latin-1) body', `${PREFIX}_${'é'.repeat(49)}`],
    ['10 KB', `${PREFIX}_${'a'.repeat(10 * 1024)}`],
    ['another prefix', `xyz_${'a'.repeat(49)}`],
    ['inner spaces', `${PREFIX}_abc def`],
    ['a quote and backslash', `${PREFIX}_"\\${'a'.repeat(47)}`],
  ];
  it.each(MALFORMED)('refuses a key that is %s, without a lookup', async (_, value) => {
    const a = await app(adapter);
    const answer = await a.get('/private', { 'x-api-key': value });
    if (answer.status === -1) return; // the HTTP client itself refused to send it
    if (answer.code === 'ERR_NO_CREDENTIALS') {
      // An empty header after HTTP trimming is no credential at all: the bare challenge.
      expectRejected(answer, 401, [C.NO_CREDENTIALS]);
    } else {
      expectRejected(answer, [400, 401], [C.MALFORMED_REQUEST, C.API_KEY_INVALID]);
    }
    expect(store.calls).toEqual([]);
  });

  it('refuses a mistyped key (bad checksum) without a lookup', async () => {
    const a = await app(adapter);
    const { key } = store.add();
    expectRejected(await a.get('/private', { 'x-api-key': mistyped(key) }), 401, [
      C.API_KEY_INVALID,
    ]);
    expectRejected(await a.bearer(mistyped(key)), 401, [C.API_KEY_INVALID]);
    expect(store.calls).toEqual([]);
  });

  it('answers unknown, mistyped, expired, revoked and wrong-prefix keys identically', async () => {
    const a = await app(adapter);
    const expired = store.add({ expiresAt: new Date(Date.now() - 60_000) });
    const revoked = store.add();
    store.revoke(revoked.record.id);
    const good = store.add();
    const bad = [
      unknownKey(),
      mistyped(good.key),
      expired.key,
      revoked.key,
      `${PREFIX}_${'0'.repeat(49)}`,
      `${PREFIX}x_${good.key.slice(PREFIX.length + 1)}`,
    ];
    for (const carry of ['x-api-key', 'authorization'] as const) {
      const answers: ObservedAnswer[] = [];
      for (const key of bad) {
        const value = carry === 'authorization' ? `Bearer ${key}` : key;
        // `pcsx_` is not this method's prefix: on Authorization it is no API key at all.
        if (carry === 'authorization' && !key.startsWith(`${PREFIX}_`)) continue;
        answers.push(await a.get('/private', { [carry]: value }));
      }
      const first = answers[0]!;
      expectRejected(first, 401, [C.API_KEY_INVALID]);
      const comparable = (x: ObservedAnswer) => {
        const { date: _, ...headers } = x.headers;
        return { status: x.status, headers, body: x.body };
      };
      for (const other of answers.slice(1)) {
        expect(other.code).toBe(C.API_KEY_INVALID);
        expect(comparable(other)).toEqual(comparable(first));
      }
    }
    // The reasons are told apart in the audit trail only.
    const reasons = new Set(a.events.map((e) => e.reason));
    expect(reasons).toContain('expired');
    expect(reasons).toContain('revoked');
    for (const hash of store.calls) expect(hash).toMatch(HEX_SHA256);
  });

  it('gives no more rights to a key whose record grants no scope', async () => {
    const a = await app(adapter);
    const { key } = store.add({ scopes: [] });
    expectRejected(await a.get('/admin', { 'x-api-key': key }), 403);
    const { key: reader } = store.add({ scopes: ['read', 'Admin', 'admin '] });
    expectRejected(await a.get('/admin', { 'x-api-key': reader }), 403);
    expectRejected(await a.get('/any', { 'x-api-key': reader }), 403);
  });

  it('refuses two keys, or a key and a bearer token, in one request', async () => {
    const a = await app(adapter);
    const one = store.add();
    const two = store.add();
    const both = await a.get('/private', [
      ['x-api-key', one.key],
      ['authorization', `Bearer ${two.key}`],
    ]);
    expectRejected(both, 400, [C.MULTIPLE_CREDENTIALS]);
    const twice = await a.get('/private', [
      ['x-api-key', one.key],
      ['x-api-key', two.key],
    ]);
    expectRejected(twice, 400, [C.MULTIPLE_CREDENTIALS, C.MALFORMED_REQUEST]);
  });
});

describe('API keys straight through core (values HTTP clients refuse to send)', () => {
  const CONTROL: [string, string][] = [
    ['CR/LF', `${PREFIX}_abc\r\nx-admin: 1`],
    ['a lone LF', `${PREFIX}_abc\ndef`],
    ['NUL', `${PREFIX}_abc\u0000def`],
    ['non-Latin-1 characters', `${PREFIX}_${'密'.repeat(49)}`],
    ['an emoji', `${PREFIX}_${'🔑'.repeat(25)}`],
  ];
  it.each(CONTROL)('refuses a key with %s, without a lookup', async (_, value) => {
    const events: unknown[] = [];
    const authenticator = createAuthenticator({
      methods: [keyMethod(store)],
      onEvent: (e) => {
        events.push(e);
        observe('event', e);
      },
    });
    for (const name of ['x-api-key', 'authorization']) {
      const sent = name === 'authorization' ? `Bearer ${value}` : value;
      const err = await authenticator
        .authenticate({ header: (n) => (n === name ? sent : undefined) })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(isAuthError(err)).toBe(true);
      if (!isAuthError(err)) return;
      observe('error', err.message);
      expect([400, 401]).toContain(err.status);
    }
    expect(store.calls).toEqual([]);
    expect(events).toHaveLength(2);
  });
});
