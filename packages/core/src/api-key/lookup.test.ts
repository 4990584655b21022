import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthErrorCodes } from '../error-codes.js';
import { detailOf } from '../lib/detail.js';
import { setupApiKey as setup, T0 } from '../test-helpers/api-key-setup.js';
import { failure } from '../test-helpers/failure.js';
import { generateApiKey } from './generate.js';
import type { LookupResult } from './types.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('record cache', () => {
  it('answers a repeated key without a lookup', async () => {
    const { method, lookup, ctx, issue } = setup();
    const { key } = issue();
    for (let i = 0; i < 5; i++) expect((await method.verify(key, ctx)).subject).toBe('svc');
    expect(lookup).toHaveBeenCalledTimes(1);
  });

  it('looks up again once the TTL has passed on the injected clock', async () => {
    const { method, lookup, ctx, issue, advance } = setup({ cache: { ttl: 10_000 } });
    const { key } = issue();
    await method.verify(key, ctx);
    advance(9_999);
    await method.verify(key, ctx);
    expect(lookup).toHaveBeenCalledTimes(1);
    advance(1);
    await method.verify(key, ctx);
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('defaults to a 30 s TTL', async () => {
    const { method, lookup, ctx, issue, advance } = setup();
    const { key } = issue();
    await method.verify(key, ctx);
    advance(29_999);
    await method.verify(key, ctx);
    advance(1);
    await method.verify(key, ctx);
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('treats an entry from the future (clock stepped back) as stale', async () => {
    const { method, lookup, ctx, issue, advance } = setup();
    const { key } = issue();
    await method.verify(key, ctx);
    advance(-1);
    await method.verify(key, ctx);
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('checks expiry and revocation of a cached record on every request', async () => {
    const { method, lookup, ctx, issue, advance } = setup();
    const { key } = issue({ revokedAt: new Date(T0 + 5_000), expiresAt: new Date(T0 + 9_000) });
    await method.verify(key, ctx);
    advance(5_000);
    const revoked = await failure(method.verify(key, ctx));
    expect(detailOf(revoked)).toEqual({ reason: 'revoked', keyId: 'key_1' });
    expect(lookup).toHaveBeenCalledTimes(1);
  });

  it('refuses a cached key once it expires', async () => {
    const { method, lookup, ctx, issue, advance } = setup();
    const { key } = issue({ expiresAt: T0 / 1000 + 10 });
    await method.verify(key, ctx);
    advance(10_000);
    expect(detailOf(await failure(method.verify(key, ctx)))?.reason).toBe('expired');
    expect(lookup).toHaveBeenCalledTimes(1);
  });

  it('invalidate(hash) makes a revoked key fail on the next request', async () => {
    const { method, ctx, records, issue } = setup();
    const { key, hash } = issue();
    await method.verify(key, ctx);
    records.set(hash, { ...records.get(hash)!, revokedAt: new Date(T0) });
    expect((await method.verify(key, ctx)).subject).toBe('svc'); // still the cached record
    method.invalidate(hash.toUpperCase());
    const err = await failure(method.verify(key, ctx));
    expect(detailOf(err)?.reason).toBe('revoked');
  });

  it('clearCache() forgets every record', async () => {
    const { method, lookup, ctx, issue } = setup();
    const a = issue().key;
    const b = issue().key;
    await method.verify(a, ctx);
    await method.verify(b, ctx);
    method.clearCache();
    await method.verify(a, ctx);
    await method.verify(b, ctx);
    expect(lookup).toHaveBeenCalledTimes(4);
  });

  it('keeps at most `max` records', async () => {
    const { method, lookup, ctx, issue } = setup({ cache: { max: 1 } });
    const a = issue().key;
    const b = issue().key;
    for (const key of [a, b, a, b]) await method.verify(key, ctx);
    expect(lookup).toHaveBeenCalledTimes(4);
  });

  it('looks up every time with cache: false', async () => {
    const { method, lookup, ctx, issue } = setup({ cache: false });
    const { key } = issue();
    const unknown = generateApiKey({ prefix: 'pcs' }).key;
    for (let i = 0; i < 3; i++) {
      await method.verify(key, ctx);
      await failure(method.verify(unknown, ctx));
    }
    expect(lookup).toHaveBeenCalledTimes(6);
  });

  it('turns one half of the cache off with a 0 bound', async () => {
    const { method, lookup, ctx, issue } = setup({ cache: { max: 0, negativeTtl: 0 } });
    const { key } = issue();
    const unknown = generateApiKey({ prefix: 'pcs' }).key;
    for (let i = 0; i < 2; i++) {
      await method.verify(key, ctx);
      await failure(method.verify(unknown, ctx));
    }
    expect(lookup).toHaveBeenCalledTimes(4);
  });

  it('refuses a non-string hash in invalidate()', () => {
    expect(() => setup().method.invalidate(undefined as unknown as string)).toThrow(TypeError);
  });
});

describe('negative cache', () => {
  it('answers a repeated unknown key without a lookup, for negativeTtl', async () => {
    const { method, lookup, ctx, advance } = setup({ cache: { negativeTtl: 2_000 } });
    const { key } = generateApiKey({ prefix: 'pcs' });
    for (let i = 0; i < 3; i++) {
      expect(detailOf(await failure(method.verify(key, ctx)))?.reason).toBe('unknown_key');
    }
    expect(lookup).toHaveBeenCalledTimes(1);
    advance(2_000);
    await failure(method.verify(key, ctx));
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('defaults to 5 s', async () => {
    const { method, lookup, ctx, advance } = setup();
    const { key } = generateApiKey({ prefix: 'pcs' });
    await failure(method.verify(key, ctx));
    advance(4_999);
    await failure(method.verify(key, ctx));
    expect(lookup).toHaveBeenCalledTimes(1);
    advance(1);
    await failure(method.verify(key, ctx));
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('invalidate(hash) lets a newly created key in at once', async () => {
    const { method, ctx, records } = setup();
    const { key, hash } = generateApiKey({ prefix: 'pcs' });
    await failure(method.verify(key, ctx));
    records.set(hash, { id: 'new', subject: 'svc', scopes: [] });
    await failure(method.verify(key, ctx));
    method.invalidate(hash);
    expect((await method.verify(key, ctx)).keyId).toBe('new');
  });

  it('keeps at most negativeMax hashes', async () => {
    const { method, lookup, ctx } = setup({ cache: { negativeMax: 1 } });
    const a = generateApiKey({ prefix: 'pcs' }).key;
    const b = generateApiKey({ prefix: 'pcs' }).key;
    for (const key of [a, b, a, b]) await failure(method.verify(key, ctx));
    expect(lookup).toHaveBeenCalledTimes(4);
  });
});

describe('single flight', () => {
  it('shares one lookup among 50 concurrent requests for the same key', async () => {
    const { method, lookup, ctx, issue, records } = setup();
    const { key, hash } = issue();
    const pending = deferred<LookupResult>();
    lookup.mockImplementation(() => pending.promise);
    const all = Promise.all(Array.from({ length: 50 }, () => method.verify(key, ctx)));
    pending.resolve(records.get(hash));
    const principals = await all;
    expect(lookup).toHaveBeenCalledTimes(1);
    expect(principals.every((p) => p.subject === 'svc')).toBe(true);
    expect(new Set(principals).size).toBe(50);
  });

  it('gives every waiter the 503 of a failed shared lookup, then tries again', async () => {
    const { method, lookup, ctx, issue } = setup();
    const { key } = issue();
    const pending = deferred<LookupResult>();
    lookup.mockImplementationOnce(() => pending.promise);
    const all = Array.from({ length: 20 }, () => failure(method.verify(key, ctx)));
    pending.reject(new Error('connection reset'));
    for (const err of await Promise.all(all)) expect(err.code).toBe(AuthErrorCodes.LOOKUP_FAILED);
    expect(lookup).toHaveBeenCalledTimes(1);
    expect((await method.verify(key, ctx)).subject).toBe('svc');
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('does not share a lookup between different keys', async () => {
    const { method, lookup, ctx, issue } = setup();
    const keys = [issue().key, issue().key, issue().key];
    await Promise.all(keys.map((key) => method.verify(key, ctx)));
    expect(lookup).toHaveBeenCalledTimes(3);
  });

  it('does not cache the answer of a lookup that was invalidated in flight', async () => {
    const { method, lookup, ctx, issue, records } = setup();
    const { key, hash } = issue();
    const stale = records.get(hash)!;
    const pending = deferred<LookupResult>();
    lookup.mockImplementationOnce(() => pending.promise);
    const first = method.verify(key, ctx);
    records.set(hash, { ...stale, revokedAt: new Date(T0) });
    method.invalidate(hash);
    const second = failure(method.verify(key, ctx)); // a new lookup sees the revocation
    pending.resolve(stale);
    expect((await first).subject).toBe('svc');
    expect(detailOf(await second)?.reason).toBe('revoked');
    expect(detailOf(await failure(method.verify(key, ctx)))?.reason).toBe('revoked');
  });
});

describe('lookup failures fail closed', () => {
  it('answers 503 ERR_LOOKUP_TIMEOUT when lookup does not answer in time', async () => {
    vi.useFakeTimers();
    const { method, lookup, ctx, issue } = setup({ lookupTimeout: 100 });
    const { key } = issue();
    lookup.mockImplementationOnce(() => new Promise<never>(() => {}));
    const pending = failure(method.verify(key, ctx));
    await vi.advanceTimersByTimeAsync(100);
    const err = await pending;
    expect(err.status).toBe(503);
    expect(err.code).toBe(AuthErrorCodes.LOOKUP_TIMEOUT);
    expect(err.headers['retry-after']).toBeDefined();
    expect(detailOf(err)?.reason).toBe('lookup_timeout');
    // The hung lookup is not shared with later requests.
    expect((await method.verify(key, ctx)).subject).toBe('svc');
  });

  it('clears its timer when the lookup answers', async () => {
    vi.useFakeTimers();
    const { method, lookup, ctx, issue, records } = setup();
    const { key, hash } = issue();
    lookup.mockImplementation(async (h) => records.get(h) ?? null);
    await method.verify(key, ctx);
    expect(vi.getTimerCount()).toBe(0);
    expect(lookup).toHaveBeenCalledWith(hash);
  });

  it('ignores a lookup that answers after its timeout', async () => {
    vi.useFakeTimers();
    const { method, lookup, ctx, issue } = setup({ lookupTimeout: 50 });
    const { key } = issue();
    const late = deferred<LookupResult>();
    lookup.mockImplementationOnce(() => late.promise);
    const pending = failure(method.verify(key, ctx));
    await vi.advanceTimersByTimeAsync(50);
    expect((await pending).code).toBe(AuthErrorCodes.LOOKUP_TIMEOUT);
    late.reject(new Error('too late'));
    await vi.advanceTimersByTimeAsync(0);
    expect((await method.verify(key, ctx)).subject).toBe('svc');
  });

  it.each<[string, (hash: string) => Promise<LookupResult> | LookupResult]>([
    [
      'throws',
      () => {
        throw new Error('db password=hunter2 refused');
      },
    ],
    ['rejects', () => Promise.reject(new Error('db password=hunter2 refused'))],
    ['rejects with a non-error', () => Promise.reject('db password=hunter2 refused')],
    [
      'returns a thenable that throws',
      () =>
        ({
          // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is the point of this case
          then() {
            throw new Error('db password=hunter2 refused');
          },
        }) as unknown as Promise<LookupResult>,
    ],
  ])('answers 503 ERR_LOOKUP_FAILED when lookup %s, leaking nothing', async (_, impl) => {
    const { method, lookup, ctx, issue } = setup();
    const { key } = issue();
    lookup.mockImplementation(impl);
    const err = await failure(method.verify(key, ctx));
    expect(err.status).toBe(503);
    expect(err.code).toBe(AuthErrorCodes.LOOKUP_FAILED);
    expect(err.error).toBe('temporarily_unavailable');
    expect(err.expose).toBe(false);
    expect(JSON.stringify(err.body)).not.toMatch(/hunter2|db/);
    expect(err.message).not.toMatch(/hunter2/);
    expect(String(err.cause)).toMatch(/hunter2/);
    expect(detailOf(err)).toEqual({ reason: 'lookup_failed' });
    // A failure is not cached: the next request looks up again.
    await failure(method.verify(key, ctx));
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  const getterThatThrows = {
    id: 'k',
    subject: 's',
    get scopes(): string[] {
      throw new Error('boom');
    },
  };
  it.each<[string, unknown]>([
    ['a string', 'key_1'],
    ['a number', 1],
    ['true', true],
    ['an array', [{ id: 'k', subject: 's', scopes: [] }]],
    ['no id', { subject: 's', scopes: [] }],
    ['an empty id', { id: '', subject: 's', scopes: [] }],
    ['a numeric id', { id: 7, subject: 's', scopes: [] }],
    ['no subject', { id: 'k', scopes: [] }],
    ['an empty subject', { id: 'k', subject: '', scopes: [] }],
    ['scopes as a string', { id: 'k', subject: 's', scopes: 'read write' }],
    ['a non-string scope', { id: 'k', subject: 's', scopes: ['read', 1] }],
    ['no scopes', { id: 'k', subject: 's' }],
    ['expiresAt as text', { id: 'k', subject: 's', scopes: [], expiresAt: '2030-01-01' }],
    ['expiresAt NaN', { id: 'k', subject: 's', scopes: [], expiresAt: Number.NaN }],
    [
      'expiresAt in milliseconds',
      { id: 'k', subject: 's', scopes: [], expiresAt: 1_900_000_000_000 },
    ],
    [
      'revokedAt in milliseconds',
      { id: 'k', subject: 's', scopes: [], revokedAt: 1_700_000_000_000 },
    ],
    ['an invalid Date', { id: 'k', subject: 's', scopes: [], revokedAt: new Date('x') }],
    ['revokedAt Infinity', { id: 'k', subject: 's', scopes: [], revokedAt: Infinity }],
    ['a numeric tenant', { id: 'k', subject: 's', scopes: [], tenant: 5 }],
    ['a getter that throws', getterThatThrows],
  ])('answers 500 ERR_LOOKUP_INVALID_RECORD for %s, and does not cache it', async (_, bad) => {
    const { method, lookup, ctx } = setup();
    const { key } = generateApiKey({ prefix: 'pcs' });
    lookup.mockImplementation(async () => bad as LookupResult);
    const err = await failure(method.verify(key, ctx));
    expect(err.status).toBe(500);
    expect(err.code).toBe(AuthErrorCodes.LOOKUP_INVALID_RECORD);
    expect(err.message).toBe('Authentication failed on the server');
    await failure(method.verify(key, ctx));
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('accepts a synchronous lookup', async () => {
    const { method, lookup, ctx, issue } = setup();
    const { key } = issue();
    expect((await method.verify(key, ctx)).subject).toBe('svc');
    expect(lookup.mock.results[0]?.value).not.toBeInstanceOf(Promise);
  });
});
