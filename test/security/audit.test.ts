// The audit trail: every attempt emits exactly one event whose status is the answer's, and a scope
// guard's 403 one more ('denied'); an attacker cannot slip unverified data (a forged token's sub,
// jti or kid) into the trail; and a failing audit hook, sync or async, changes no answer and
// crashes nothing.
import { type AuthEvent, AuthErrorCodes as C, createAuthenticator, jwt } from '@portcullis/core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { keyMethod, keyStore } from './support/api-keys.js';
import { buildApp, TARGETS } from './support/apps.js';
import { useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { forge, hmac } from './support/jws.js';
import { AUDIENCE, claims, hmacSecret, ISSUER } from './support/keys.js';

useLeakCheck();
afterEach(() => {
  vi.restoreAllMocks();
});

let secret: string;
let other: string;
beforeAll(() => {
  secret = hmacSecret();
  other = hmacSecret();
});

const INJECTED = 'INJECTED\n{"outcome":"success","subject":"root"}';

describe.each(TARGETS)('%s: audit events', (adapter) => {
  it('emits exactly one event per attempt, with the status of the answer', async () => {
    const store = keyStore();
    const { key } = store.add();
    const a = await scenario(adapter, {
      methods: [
        keyMethod(store),
        jwt({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret }),
      ],
    });
    const good = forge({ header: { alg: 'HS256' }, payload: claims(), signer: hmac(secret) });
    const requests: [string, Record<string, string> | [string, string][]][] = [
      ['/private', { 'x-api-key': key }],
      ['/private', { authorization: `Bearer ${good}` }],
      ['/private', {}],
      ['/optional', {}],
      ['/private', { authorization: 'Bearer' }],
      ['/private', { authorization: `Bearer ${good}x` }],
      ['/private', { 'x-api-key': `${key.slice(0, -1)}0` }],
      [
        '/private',
        [
          ['x-api-key', key],
          ['authorization', `Bearer ${good}`],
        ],
      ],
      ['/admin', { authorization: `Bearer ${good}` }],
    ];
    for (const [path, headers] of requests) {
      const answer = await a.get(path, headers);
      // A 403 comes after a successful authentication: the success, then the guard's denial.
      expect(answer.events, `${path} ${JSON.stringify(headers)}`).toHaveLength(
        answer.status === 403 ? 2 : 1,
      );
      const event = answer.events[0]!;
      expect(event.status).toBe(answer.status === 403 ? 200 : answer.status);
      expect(event.outcome).toBe(
        answer.status === 200 || answer.status === 403
          ? path === '/optional'
            ? 'anonymous'
            : 'success'
          : 'failure',
      );
      expect(typeof event.time).toBe('number');
    }
  });

  it('never records unverified claims or header values of a forged token', async () => {
    const a = await scenario(adapter, {
      methods: [jwt({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret })],
    });
    const forged = forge({
      header: { alg: 'HS256', kid: INJECTED },
      payload: claims(undefined, { sub: INJECTED, jti: INJECTED, tenant: INJECTED }),
      signer: hmac(other),
    });
    const answer = await a.bearer(forged);
    expectRejected(answer, 401, [C.JWT_SIGNATURE_INVALID, C.JWT_MALFORMED]);
    const event = JSON.stringify(answer.events);
    expect(event).not.toContain('INJECTED');
    expect(answer.events[0]!.subject).toBeUndefined();
    // An alg-none token: not verified either.
    const none = `${forged
      .split('.')
      .slice(0, 2)
      .join('.')
      .replace(/^[^.]+/, Buffer.from('{"alg":"none"}').toString('base64url'))}.`;
    const noneAnswer = await a.bearer(none);
    expect(JSON.stringify(noneAnswer.events)).not.toContain('INJECTED');
  });

  it('records the verified identity on success: method, subject, jti, key id', async () => {
    const store = keyStore();
    const { key, record } = store.add();
    const a = await scenario(adapter, {
      methods: [
        keyMethod(store),
        jwt({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret }),
      ],
    });
    const payload = claims();
    const token = forge({ header: { alg: 'HS256' }, payload, signer: hmac(secret) });
    expectAccepted(await a.bearer(token));
    expect(a.events.at(-1)).toMatchObject({
      outcome: 'success',
      method: 'jwt',
      subject: payload['sub'],
      jti: payload['jti'],
      code: 'OK',
    });
    expectAccepted(await a.get('/private', { 'x-api-key': key }));
    expect(a.events.at(-1)).toMatchObject({
      outcome: 'success',
      method: 'api_key',
      subject: record.subject,
      keyId: record.id,
    });
  });

  it('a throwing audit hook changes no answer', async () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const authenticator = createAuthenticator({
      methods: [jwt({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret })],
      onEvent: () => {
        throw new Error('audit sink down');
      },
    });
    const app = await buildApp(adapter, authenticator);
    const good = forge({ header: { alg: 'HS256' }, payload: claims(), signer: hmac(secret) });
    expect((await app.get('/private', { authorization: `Bearer ${good}` })).status).toBe(200);
    expect((await app.get('/private', { authorization: `Bearer ${good}x` })).status).toBe(401);
    expect((await app.get('/private')).status).toBe(401);
  });

  it('an async audit hook that rejects changes no answer, crashes nothing, and warns once', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const authenticator = createAuthenticator({
        methods: [jwt({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret })],
        onEvent: async (event) => {
          throw new Error(`audit sink down, lost ${JSON.stringify(event)}`);
        },
      });
      const app = await buildApp(adapter, authenticator);
      const good = forge({ header: { alg: 'HS256' }, payload: claims(), signer: hmac(secret) });
      for (let round = 0; round < 3; round++) {
        expect((await app.get('/private', { authorization: `Bearer ${good}` })).status).toBe(200);
        expect((await app.get('/admin', { authorization: `Bearer ${good}` })).status).toBe(403);
        expect((await app.get('/private', { authorization: `Bearer ${good}x` })).status).toBe(401);
        expect((await app.get('/private')).status).toBe(401);
        expect((await app.get('/optional')).status).toBe(200);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
      expect(warn).toHaveBeenCalledTimes(1);
      // The hook's own message quotes the event: only the error's name is reported.
      expect(String(warn.mock.calls[0]![0])).not.toMatch(/sink|subject|\{/);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it("a scope guard's 403 emits exactly one denied event; a pass emits none", async () => {
    const store = keyStore();
    const { key, record } = store.add({ scopes: ['read'], tenant: 'acme' });
    const { key: adminKey } = store.add({ scopes: ['admin'] });
    const a = await scenario(adapter, {
      methods: [
        keyMethod(store),
        jwt({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret }),
      ],
    });
    const payload = claims(undefined, { scope: 'read' });
    const token = forge({ header: { alg: 'HS256' }, payload, signer: hmac(secret) });
    const denied = (events: AuthEvent[]) => events.filter((e) => e.outcome === 'denied');

    const byToken = await a.get('/admin', { authorization: `Bearer ${token}` });
    expectRejected(byToken, 403);
    expect(denied(byToken.events)).toEqual([
      {
        outcome: 'denied',
        method: 'jwt',
        subject: payload['sub'],
        jti: payload['jti'],
        scopes: ['admin'],
        code: C.INSUFFICIENT_SCOPE,
        status: 403,
        time: expect.any(Number),
      },
    ]);
    const byKey = await a.get('/any', { 'x-api-key': key });
    expectRejected(byKey, 403);
    expect(byKey.events.map((e) => e.outcome)).toEqual(['success', 'denied']);
    expect(byKey.events[1]).toMatchObject({
      method: 'api_key',
      subject: record.subject,
      keyId: record.id,
      tenant: 'acme',
      scopes: ['admin', 'root'],
      status: 403,
      code: C.INSUFFICIENT_SCOPE,
    });
    // Never a claim value: only the names of the scopes the route requires.
    expect(JSON.stringify(denied(byKey.events))).not.toContain('read');

    for (const path of ['/admin', '/any']) {
      const pass = await a.get(path, { 'x-api-key': adminKey });
      expectAccepted(pass);
      expect(pass.events.map((e) => e.outcome)).toEqual(['success']);
    }
  });
});
