// The audit trail: every attempt emits exactly one event whose status is the answer's; an
// attacker cannot slip unverified data (a forged token's sub, jti or kid) into the trail; and a
// failing audit hook changes no answer.
import { AuthErrorCodes as C, jwt } from '@portcullis/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyMethod, keyStore } from './support/api-keys.js';
import { ADAPTERS, buildApp } from './support/apps.js';
import { useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { forge, hmac } from './support/jws.js';
import { AUDIENCE, claims, hmacSecret, ISSUER } from './support/keys.js';

useLeakCheck();

let secret: string;
let other: string;
beforeAll(() => {
  secret = hmacSecret();
  other = hmacSecret();
});

const INJECTED = 'INJECTED\n{"outcome":"success","subject":"root"}';

describe.each(ADAPTERS)('%s: audit events', (adapter) => {
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
      expect(answer.events, `${path} ${JSON.stringify(headers)}`).toHaveLength(1);
      const event = answer.events[0]!;
      // A 403 comes after a successful authentication: its event is the success.
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
    const { createAuthenticator } = await import('@portcullis/core');
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
});
