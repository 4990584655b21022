// Where credentials may come from and what a route can do with them: never the URL query; a bad
// credential is refused even on an optional route; a scope guard without authenticate() fails
// closed; a handler cannot grant later requests more scopes by mutating its principal; cookies
// follow the same one-credential rule.
import { type ApiKeyRecord, AuthErrorCodes as C, jwt } from '@portcullis/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyMethod, keyStore } from './support/api-keys.js';
import { ADAPTERS, type AdapterName } from './support/apps.js';
import { useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { forge, hmac } from './support/jws.js';
import { AUDIENCE, claims, hmacSecret, ISSUER } from './support/keys.js';

useLeakCheck();

let secret: string;
beforeAll(() => {
  secret = hmacSecret();
});
const sign = (overrides: Record<string, unknown> = {}) =>
  forge({ header: { alg: 'HS256' }, payload: claims(undefined, overrides), signer: hmac(secret) });
const tokens = (adapter: AdapterName, extra: Record<string, unknown> = {}) =>
  scenario(adapter, {
    methods: [jwt({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret, ...extra })],
  });

describe.each(ADAPTERS)('%s: transport and handler boundaries', (adapter) => {
  it('never reads a credential from the query string', async () => {
    const a = await tokens(adapter);
    const token = sign({ scope: 'admin' });
    for (const query of [
      `access_token=${token}`,
      `token=${token}`,
      `api_key=${token}`,
      `authorization=Bearer%20${token}`,
    ]) {
      const answer = await a.get(`/private?${query}`);
      expectRejected(answer, 401, [C.NO_CREDENTIALS]);
      expect(answer.headers['www-authenticate']).toBe('Bearer realm="api"');
      expectRejected(await a.get(`/admin?${query}`), 401, [C.NO_CREDENTIALS]);
    }
  });

  it('refuses a bad credential on an optional route; lets no credential (or Basic) through', async () => {
    const a = await tokens(adapter);
    expect((await a.get('/optional')).json?.['anonymous']).toBe(true);
    expect(
      (await a.get('/optional', { authorization: 'Basic dXNlcjpwYXNz' })).json?.['anonymous'],
    ).toBe(true);
    expectRejected(await a.bearer(`${sign()}x`, '/optional'), 401);
    expectRejected(await a.bearer(sign({ exp: 1 }), '/optional'), 401, [C.JWT_EXPIRED]);
    expectRejected(await a.get('/optional', { authorization: 'Bearer' }), 400);
    expectRejected(
      await a.get('/optional', [
        ['authorization', `Bearer ${sign()}`],
        ['authorization', `Bearer ${sign()}`],
      ]),
      400,
    );
  });

  it('refuses two Authorization headers whatever their schemes (Fetch joins them with ", ")', async () => {
    const store = keyStore();
    const { key } = store.add();
    const a = await scenario(adapter, {
      methods: [
        keyMethod(store),
        jwt({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret }),
      ],
    });
    const bad = `${sign()}x`;
    for (const first of ['Basic dXNlcjpwYXNz', 'Digest username="a", realm="b"', 'Token abc']) {
      // A bad bearer token hidden behind another scheme is not dropped: never anonymous.
      const hidden = [
        ['authorization', first],
        ['authorization', `Bearer ${bad}`],
      ] as [string, string][];
      expectRejected(await a.get('/optional', hidden), 400, [
        C.MULTIPLE_CREDENTIALS,
        C.MALFORMED_REQUEST,
      ]);
      // Nor is it dropped in favour of another credential.
      expectRejected(await a.get('/private', [...hidden, ['x-api-key', key]]), 400, [
        C.MULTIPLE_CREDENTIALS,
        C.MALFORMED_REQUEST,
      ]);
      expectRejected(
        await a.get('/private', [
          ['authorization', first],
          ['authorization', `Bearer ${key}`],
        ]),
        400,
        [C.MULTIPLE_CREDENTIALS, C.MALFORMED_REQUEST],
      );
      // An empty Bearer between two other headers is still a second Authorization header.
      const sandwich = [
        ['authorization', first],
        ['authorization', 'Bearer'],
        ['authorization', first],
      ] as [string, string][];
      expectRejected(await a.get('/optional', sandwich), 400, [
        C.MULTIPLE_CREDENTIALS,
        C.MALFORMED_REQUEST,
      ]);
    }
  });

  it('a scope guard mounted without authenticate() answers 500, never 200', async () => {
    const a = await tokens(adapter);
    const answer = await a.bearer(sign({ scope: 'admin' }), '/misconfigured');
    expectRejected(answer, 500);
    expect((await a.get('/misconfigured')).status).toBe(500);
  });

  it('a handler cannot grant later requests a scope by mutating its JWT principal', async () => {
    for (const cache of [undefined, false] as const) {
      const a = await tokens(adapter, cache === false ? { cache } : {});
      const token = sign({ scope: 'read' });
      expectAccepted(await a.bearer(token, '/tamper'));
      expectAccepted(await a.bearer(token, '/tamper'));
      expectRejected(await a.bearer(token, '/admin'), 403);
      const again = expectAccepted(await a.bearer(token));
      expect(again['scopes']).toEqual(['read']);
    }
  });

  it('a handler or the store cannot grant later requests a scope by mutating an API key record', async () => {
    const store = keyStore();
    const a = await scenario(adapter, { methods: [keyMethod(store, { cache: {} })] });
    const { key, record } = store.add({ scopes: ['read'] });
    expectAccepted(await a.get('/tamper', { 'x-api-key': key }));
    // The store's own object changes after it was returned (an ORM reusing its rows, say).
    (record.scopes as string[]).push('admin');
    (record as { subject: string }).subject = 'root';
    expectRejected(await a.get('/admin', { 'x-api-key': key }), 403);
    const again = expectAccepted(await a.get('/private', { 'x-api-key': key }));
    expect(again['scopes']).toEqual(['read']);
    expect(again['subject']).not.toBe('root');
  });

  it('a record returned by lookup is copied: a frozen or odd record is not trusted by reference', async () => {
    const store = keyStore();
    const a = await scenario(adapter, { methods: [keyMethod(store, { cache: {} })] });
    const { key } = store.add();
    const scopes = ['read'];
    const proxied: ApiKeyRecord = { id: 'k', subject: 's', scopes };
    store.behave = () => proxied;
    expectAccepted(await a.get('/private', { 'x-api-key': key }));
    scopes.push('admin');
    expectRejected(await a.get('/admin', { 'x-api-key': key }), 403);
  });

  it('cookies follow the one-credential rule', async () => {
    const a = await tokens(adapter, { cookie: 'session' });
    const token = sign({ scope: 'admin' });
    expectAccepted(await a.get('/admin', { cookie: `theme=dark; session=${token}` }));
    expectAccepted(await a.get('/admin', { cookie: `session="${token}"` }));
    expectRejected(await a.get('/private', { cookie: `session=${token}; session=${token}` }), 400, [
      C.MULTIPLE_CREDENTIALS,
    ]);
    expectRejected(
      await a.get('/private', { cookie: `session=${token}`, authorization: `Bearer ${token}` }),
      400,
      [C.MULTIPLE_CREDENTIALS],
    );
    expectRejected(await a.get('/private', { cookie: `session=${token} x` }), 400, [
      C.MALFORMED_REQUEST,
    ]);
    expectRejected(await a.get('/private', { cookie: `Session=${token}` }), 401, [
      C.NO_CREDENTIALS,
    ]);
    expectRejected(await a.get('/private', { cookie: `session=${token}x` }), 401);
  });
});
