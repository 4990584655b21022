import { describe, expect, it, vi } from 'vitest';
import { createAuthenticator } from '../authenticator.js';
import { AuthErrorCodes } from '../error-codes.js';
import type { RequestView } from '../request.js';
import { failure as rejection } from '../test-helpers/failure.js';
import type { AuthEvent } from '../types.js';
import { apiKey } from './api-key.js';
import { generateApiKey } from './generate.js';
import type { ApiKeyOptions, ApiKeyRecord, LookupResult } from './types.js';

// End to end: request headers → createAuthenticator → apiKey() → principal or AuthError + event.

const T0 = Date.UTC(2030, 0, 1);
const view = (headers: Record<string, string | string[]>): RequestView => ({
  header: (name) => headers[name],
});

function setup(options: Partial<ApiKeyOptions> = {}) {
  const records = new Map<string, ApiKeyRecord>();
  const lookup = vi.fn(async (hash: string): Promise<LookupResult> => records.get(hash) ?? null);
  const method = apiKey({ prefix: 'pcs', lookup, ...options });
  const events: AuthEvent[] = [];
  let time = T0;
  const auth = createAuthenticator({
    methods: [method],
    realm: 'billing',
    now: () => time,
    onEvent: (e) => events.push(e),
  });
  const issued: string[] = [];
  function issue(record: Partial<ApiKeyRecord> = {}) {
    const { key, hash } = generateApiKey({ prefix: 'pcs' });
    records.set(hash, { id: 'key_1', subject: 'svc-billing', scopes: ['billing:read'], ...record });
    issued.push(key, hash);
    return { key, hash };
  }
  const advance = (ms: number) => {
    time += ms;
  };
  return { auth, method, lookup, records, events, issue, issued, advance };
}

/** No key, no hash, and no part of either in any event. */
function expectNoSecrets(events: AuthEvent[], secrets: string[]): void {
  const text = JSON.stringify(events);
  for (const secret of secrets) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret.slice(-20));
  }
}

describe('API keys through createAuthenticator', () => {
  it('accepts a key in x-api-key and reports the success', async () => {
    const { auth, events, issue, issued } = setup();
    const { key } = issue({ tenant: 'acme' });
    const principal = await auth.authenticate(view({ 'x-api-key': key }));
    expect(principal).toEqual({
      method: 'api_key',
      subject: 'svc-billing',
      scopes: ['billing:read'],
      tenant: 'acme',
      keyId: 'key_1',
    });
    expect(events).toEqual([
      {
        outcome: 'success',
        method: 'api_key',
        subject: 'svc-billing',
        keyId: 'key_1',
        tenant: 'acme',
        code: 'OK',
        status: 200,
        time: T0,
      },
    ]);
    expectNoSecrets(events, issued);
  });

  it('accepts a key as Authorization: Bearer', async () => {
    const { auth, issue } = setup();
    const { key } = issue();
    const principal = await auth.authenticate(view({ authorization: `Bearer ${key}` }));
    expect(principal?.keyId).toBe('key_1');
  });

  it('does not take a Bearer key with bearer: false', async () => {
    const { auth, lookup, issue } = setup({ bearer: false });
    const { key } = issue();
    const err = await rejection(auth.authenticate(view({ authorization: `Bearer ${key}` })));
    expect(err.status).toBe(401);
    expect(err.code).toBe(AuthErrorCodes.UNSUPPORTED_CREDENTIAL);
    expect(lookup).not.toHaveBeenCalled();
    expect((await auth.authenticate(view({ 'x-api-key': key })))?.keyId).toBe('key_1');
  });

  it('reads a custom header', async () => {
    const { auth, issue } = setup({ header: 'X-Service-Key' });
    const { key } = issue();
    expect((await auth.authenticate(view({ 'x-service-key': key })))?.keyId).toBe('key_1');
    const err = await rejection(auth.authenticate(view({ 'x-api-key': key })));
    expect(err.code).toBe(AuthErrorCodes.NO_CREDENTIALS);
  });

  it('refuses a key in both the header and Authorization with 400', async () => {
    const { auth, lookup, issue } = setup();
    const { key } = issue();
    const err = await rejection(
      auth.authenticate(view({ 'x-api-key': key, authorization: `Bearer ${key}` })),
    );
    expect(err.status).toBe(400);
    expect(err.code).toBe(AuthErrorCodes.MULTIPLE_CREDENTIALS);
    expect(lookup).not.toHaveBeenCalled();
  });

  it('routes Bearer keys by prefix among several apiKey() methods', async () => {
    const live = generateApiKey({ prefix: 'live' });
    const test = generateApiKey({ prefix: 'test' });
    const record = (id: string): ApiKeyRecord => ({ id, subject: id, scopes: [] });
    const auth = createAuthenticator({
      methods: [
        apiKey({ prefix: 'live', lookup: (h) => (h === live.hash ? record('live') : null) }),
        apiKey({
          prefix: 'test',
          header: 'x-test-key',
          lookup: (h) => (h === test.hash ? record('test') : null),
        }),
      ],
      now: () => T0,
    });
    expect((await auth.authenticate(view({ authorization: `Bearer ${live.key}` })))?.keyId).toBe(
      'live',
    );
    expect((await auth.authenticate(view({ authorization: `Bearer ${test.key}` })))?.keyId).toBe(
      'test',
    );
  });

  it('answers every bad key with the same 401 and reports distinct reasons', async () => {
    const { auth, events, issue, issued, lookup } = setup();
    const good = issue().key;
    const expired = issue({ id: 'key_exp', expiresAt: new Date(T0 - 1000) }).key;
    const revoked = issue({ id: 'key_rev', revokedAt: T0 / 1000 - 60 }).key;
    const unknown = generateApiKey({ prefix: 'pcs' });
    issued.push(unknown.key, unknown.hash);
    const i = good.length - 10;
    const typo = good.slice(0, i) + (good[i] === 'Z' ? 'Y' : 'Z') + good.slice(i + 1);
    const foreign = generateApiKey({ prefix: 'acme' }).key;
    issued.push(typo, foreign);
    const cases = [
      { key: unknown.key, reason: 'unknown_key' },
      { key: expired, reason: 'expired', keyId: 'key_exp' },
      { key: revoked, reason: 'revoked', keyId: 'key_rev' },
      { key: typo, reason: 'bad_checksum' },
      { key: foreign, reason: 'wrong_prefix' },
      { key: 'pcs_short', reason: 'malformed' },
    ];
    const answers = [];
    for (const { key } of cases) {
      const variants: Array<Record<string, string>> = [
        { 'x-api-key': key },
        { authorization: `Bearer ${key}` },
      ];
      for (const headers of variants) {
        if (!key.startsWith('pcs_') && 'authorization' in headers) continue; // not routed to us
        const err = await rejection(auth.authenticate(view(headers)));
        answers.push({
          status: err.status,
          code: err.code,
          message: err.message,
          headers: err.headers,
          body: err.body,
        });
      }
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toEqual({
      status: 401,
      code: AuthErrorCodes.API_KEY_INVALID,
      message: 'The API key is invalid',
      headers: {
        'www-authenticate':
          'Bearer realm="billing", error="invalid_token", error_description="The API key is invalid"',
      },
      body: { error: 'invalid_token', error_description: 'The API key is invalid' },
    });
    const seen = events.filter((e) => e.code === AuthErrorCodes.API_KEY_INVALID);
    for (const { reason, keyId } of cases) {
      const event = seen.find((e) => e.reason === reason);
      expect(event).toMatchObject({ outcome: 'failure', method: 'api_key', status: 401 });
      expect(event?.keyId).toBe(keyId);
    }
    // Only unknown, expired and revoked reached the lookup; each once (then cached).
    expect(lookup).toHaveBeenCalledTimes(3);
    expectNoSecrets(events, issued);
  });

  it('uses the authenticator clock for expiry and cache TTL', async () => {
    const { auth, lookup, issue, advance } = setup({ cache: { ttl: 60_000 } });
    const { key } = issue({ expiresAt: new Date(T0 + 120_000) });
    await auth.authenticate(view({ 'x-api-key': key }));
    advance(59_999);
    await auth.authenticate(view({ 'x-api-key': key }));
    expect(lookup).toHaveBeenCalledTimes(1);
    advance(1);
    await auth.authenticate(view({ 'x-api-key': key }));
    expect(lookup).toHaveBeenCalledTimes(2);
    advance(60_000);
    const err = await rejection(auth.authenticate(view({ 'x-api-key': key })));
    expect(err.code).toBe(AuthErrorCodes.API_KEY_INVALID);
  });

  it('revokes at once through invalidate()', async () => {
    const { auth, method, records, events, issue } = setup();
    const { key, hash } = issue();
    await auth.authenticate(view({ 'x-api-key': key }));
    records.set(hash, { ...records.get(hash)!, revokedAt: new Date(T0) });
    method.invalidate(hash);
    const err = await rejection(auth.authenticate(view({ 'x-api-key': key })));
    expect(err.status).toBe(401);
    expect(events.at(-1)).toMatchObject({ reason: 'revoked', keyId: 'key_1' });
  });

  it('answers 503 when lookup fails, with nothing secret in the answer or the event', async () => {
    const { auth, lookup, events, issue, issued } = setup();
    const { key, hash } = issue();
    lookup.mockRejectedValueOnce(new Error(`no row for ${hash} (${key})`));
    const err = await rejection(auth.authenticate(view({ authorization: `Bearer ${key}` })));
    expect(err.status).toBe(503);
    expect(err.code).toBe(AuthErrorCodes.LOOKUP_FAILED);
    expect(err.headers).toEqual({ 'retry-after': '5' });
    expect(JSON.stringify(err.body)).not.toContain(hash);
    expect(err.message).not.toContain(key);
    expect(events.at(-1)).toMatchObject({
      outcome: 'failure',
      method: 'api_key',
      code: AuthErrorCodes.LOOKUP_FAILED,
      reason: 'lookup_failed',
      status: 503,
    });
    expectNoSecrets(events, issued);
  });

  it('answers 500 for a lookup that returns garbage', async () => {
    const { auth, lookup, events } = setup();
    lookup.mockResolvedValueOnce({ id: 'k' } as unknown as ApiKeyRecord);
    const { key } = generateApiKey({ prefix: 'pcs' });
    const err = await rejection(auth.authenticate(view({ 'x-api-key': key })));
    expect(err.status).toBe(500);
    expect(err.code).toBe(AuthErrorCodes.LOOKUP_INVALID_RECORD);
    expect(events.at(-1)).toMatchObject({
      status: 500,
      code: AuthErrorCodes.LOOKUP_INVALID_RECORD,
    });
  });
});
