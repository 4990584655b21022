import { apiKey, createAuthenticator, hashApiKey } from '@portcullis/core';
import { describe, expect, it } from 'vitest';
import { createKeyStore } from './key-store.js';

const NOW = Date.UTC(2030, 0, 1);
const view = (key: string) => ({
  header: (name: string) => (name === 'x-api-key' ? key : undefined),
});

function setup() {
  const store = createKeyStore({ now: () => NOW });
  const authenticator = createAuthenticator({
    methods: [apiKey(store.apiKeyOptions)],
    now: () => NOW,
  });
  const status = (key: string) =>
    authenticator.authenticate(view(key)).then(
      (p) => p?.subject ?? 'none',
      (err: { status: number; code: string }) => `${err.status} ${err.code}`,
    );
  return { store, authenticator, status };
}

describe('createKeyStore', () => {
  it('makes real keys whose hash reaches lookup and whose record becomes the principal', async () => {
    const { store, authenticator } = setup();
    const added = store.add({ subject: 'svc-reports', scopes: ['reports:read'], tenant: 't1' });
    expect(added.key).toMatch(/^test_/);
    expect(added.hash).toBe(hashApiKey(added.key));
    expect(added.id).toBe('key_1');
    const principal = await authenticator.authenticate(view(added.key));
    expect(principal).toMatchObject({
      method: 'api_key',
      subject: 'svc-reports',
      scopes: ['reports:read'],
      tenant: 't1',
      keyId: 'key_1',
    });
    expect(store.lookups).toBe(1);
  });

  it('expire, revoke and remove each turn the next request into 401', async () => {
    const { store, status } = setup();
    const keys = ['a', 'b', 'c'].map((subject) => store.add({ subject, scopes: [] }));
    for (const k of keys) expect(await status(k.key)).not.toMatch(/^401/);
    store.expire(keys[0]!.id);
    store.revoke(keys[1]!.id);
    store.remove(keys[2]!.id);
    for (const k of keys) expect(await status(k.key)).toBe('401 ERR_API_KEY_INVALID');
    expect(store.get(keys[0]!.id)?.expiresAt).toEqual(new Date(NOW - 1000));
    expect(store.get(keys[1]!.id)?.revokedAt).toEqual(new Date(NOW));
    expect(store.get(keys[2]!.id)).toBeUndefined();
  });

  it('honours expiresAt given at add() and a per-key prefix', async () => {
    const { store, status } = setup();
    const old = store.add({ subject: 'old', expiresAt: NOW / 1000 - 60 });
    expect(await status(old.key)).toBe('401 ERR_API_KEY_INVALID');
    const other = store.add({ subject: 'other', prefix: 'live' });
    expect(other.key).toMatch(/^live_/);
  });

  it('simulates an outage: lookup rejects and the request answers 503, never 401', async () => {
    const { store, status } = setup();
    const { key } = store.add({ subject: 'svc' });
    store.fail();
    expect(await status(key)).toMatch(/^503 /);
    store.fail(false);
    expect(await status(key)).toBe('svc');
  });

  it('hands out copies, so a caller cannot change the store', async () => {
    const store = createKeyStore();
    const { hash, id } = store.add({ subject: 'svc', scopes: ['a'] });
    const record = await store.lookup(hash);
    (record!.scopes as string[]).push('admin');
    expect(store.get(id)?.scopes).toEqual(['a']);
    expect(await store.lookup('0'.repeat(64))).toBeNull();
  });

  it('refuses mistakes with a TypeError', () => {
    const store = createKeyStore();
    expect(() => store.add({ subject: '' })).toThrow(TypeError);
    expect(() => store.revoke('nope')).toThrow(TypeError);
    store.add({ subject: 's', id: 'k' });
    expect(() => store.add({ subject: 's', id: 'k' })).toThrow(TypeError);
  });
});
