// Leaks: every answer, header, audit event, error message and console line the suite produces
// is collected (support/collector.ts, fed by the harness in every file and checked after each
// file). This file proves the check can fail, and drives one request of every kind — success,
// each failure, each infrastructure outage — with console output captured too.
import {
  AuthErrorCodes as C,
  createAuthenticator,
  isAuthError,
  jwt,
  memoryDenyList,
} from '@portcullis/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { keyMethod, keyStore } from './support/api-keys.js';
import { ADAPTERS } from './support/apps.js';
import { collectorSize, observe, scanForLeaks, secret, useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { deadUrl } from './support/jwks-server.js';
import { forge, hmac, rsa } from './support/jws.js';
import {
  AUDIENCE,
  claims,
  hmacSecret,
  ISSUER,
  type KeyPair,
  keyPair,
  marker,
} from './support/keys.js';

useLeakCheck();

// Console output is a log line too: capture it for the leak check.
const CONSOLE = ['log', 'info', 'warn', 'error', 'debug'] as const;
beforeAll(() => {
  for (const level of CONSOLE) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      observe(
        `console.${level}`,
        args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : a)),
      );
    });
  }
});
afterAll(() => {
  vi.restoreAllMocks();
});

let hs: string;
let rs: KeyPair;
beforeAll(async () => {
  hs = hmacSecret();
  rs = await keyPair('RS256');
});

describe('the leak check itself', () => {
  it('finds a watched secret in an answer, and only a watched one', () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const found = scanForLeaks(
      [
        { kind: 'response', text: `{"error":"invalid_token","error_description":"bad ${token}"}` },
        { kind: 'event', text: '{"outcome":"failure"}' },
      ],
      [token, 'never-appears-anywhere'],
    );
    expect(found).toHaveLength(1);
    expect(found[0]!.kind).toBe('response');
    expect(scanForLeaks([{ kind: 'event', text: 'clean' }], [token])).toEqual([]);
  });

  it('is fed: the suite so far observed answers and watches secrets', () => {
    const before = collectorSize();
    secret(marker('probe'));
    observe('probe', 'clean text');
    const after = collectorSize();
    expect(after.secrets).toBe(before.secrets + 1);
    expect(after.observed).toBe(before.observed + 1);
  });
});

describe.each(ADAPTERS)('%s: nothing secret in any answer, event or log line', (adapter) => {
  it('drives every outcome with secrets in play', async () => {
    const store = keyStore();
    const good = store.add({ scopes: ['read'] });
    const expired = store.add({ expiresAt: 1 });
    const denyList = memoryDenyList();
    const a = await scenario(adapter, {
      methods: [
        keyMethod(store, { lookupTimeout: 50 }),
        jwt({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret: hs, denyList }),
      ],
    });
    const token = forge({ header: { alg: 'HS256' }, payload: claims(), signer: hmac(hs) });
    expectAccepted(await a.get('/private', { 'x-api-key': good.key }));
    expectAccepted(await a.bearer(token));
    expectRejected(await a.bearer(token, '/admin'), 403);
    expectRejected(await a.get('/private', { 'x-api-key': expired.key }), 401, [C.API_KEY_INVALID]);
    expectRejected(await a.bearer(`${token.slice(0, -2)}AA`), 401);
    const wrongIss = forge({
      header: { alg: 'HS256' },
      payload: claims(undefined, { iss: marker('https://iss') }),
      signer: hmac(hs),
    });
    expectRejected(await a.bearer(wrongIss), 401, [C.JWT_ISSUER_INVALID]);
    const wrongAud = forge({
      header: { alg: 'HS256' },
      payload: claims(undefined, { aud: marker('aud') }),
      signer: hmac(hs),
    });
    expectRejected(await a.bearer(wrongAud), 401, [C.JWT_AUDIENCE_INVALID]);
    const badScope = forge({
      header: { alg: 'HS256' },
      payload: claims(undefined, { scope: [marker('scope')] }),
      signer: hmac(hs),
    });
    expectRejected(await a.bearer(badScope), 401, [C.JWT_CLAIM_INVALID]);
    const badTime = forge({
      header: { alg: 'HS256' },
      payload: claims(undefined, { exp: marker('exp') }),
      signer: hmac(hs),
    });
    expectRejected(await a.bearer(badTime), 401, [C.JWT_CLAIM_INVALID]);
    expectRejected(
      await a.get('/private', [
        ['x-api-key', good.key],
        ['authorization', `Bearer ${token}`],
      ]),
      400,
    );
    // Infrastructure failures whose causes hold secrets.
    store.behave = () => Promise.reject(new Error(`db down: password=${marker('dbpass')}`));
    expectRejected(await a.get('/private', { 'x-api-key': good.key }), 503);
    store.behave = () => ({ id: marker('record-id'), subject: 's', scopes: 'admin' }) as never;
    expectRejected(await a.get('/private', { 'x-api-key': good.key }), 500);
    store.behave = () => new Promise(() => {});
    expectRejected(await a.get('/private', { 'x-api-key': good.key }), 503);
    store.behave = undefined;
    const payload = claims();
    const revoked = forge({ header: { alg: 'HS256' }, payload, signer: hmac(hs) });
    await denyList.revoke(payload['jti'] as string, payload['exp'] as number);
    expectRejected(await a.bearer(revoked), 401, [C.JWT_REVOKED]);
  });

  it('a JWKS outage and a throwing deny-list leak nothing either', async () => {
    const a = await scenario(adapter, {
      methods: [
        jwt({
          algorithms: ['RS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          jwks: await deadUrl(),
          jwksOptions: { timeout: 200 },
        }),
      ],
    });
    const token = forge({
      header: { alg: 'RS256', kid: rs.kid },
      payload: claims(),
      signer: rsa(rs.privateKey),
    });
    expectRejected(await a.bearer(token), 503, [C.JWKS_UNAVAILABLE]);
    const b = await scenario(adapter, {
      methods: [
        jwt({
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          secret: hs,
          isRevoked: () => {
            throw new Error(`redis AUTH ${marker('redis')}`);
          },
        }),
      ],
    });
    expectRejected(
      await b.bearer(forge({ header: { alg: 'HS256' }, payload: claims(), signer: hmac(hs) })),
      503,
    );
  });
});

describe('errors straight from core', () => {
  it('carry no secret in message, JSON, headers or body; the cause stays off the wire', async () => {
    const store = keyStore();
    const { key } = store.add();
    const cause = marker('cause');
    store.behave = () => {
      throw new Error(cause);
    };
    const auth = createAuthenticator({
      methods: [
        keyMethod(store),
        jwt({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret: hs }),
      ],
      onEvent: (e) => observe('event', e),
    });
    const token = forge({
      header: { alg: 'HS256' },
      payload: claims(undefined, { aud: marker('aud') }),
      signer: hmac(hs),
    });
    for (const [name, value] of [
      ['x-api-key', key],
      ['authorization', `Bearer ${token}`],
      ['authorization', `Bearer ${token}x`],
    ] as const) {
      const err = await auth
        .authenticate({ header: (n) => (n === name ? value : undefined) })
        .catch((e: unknown) => e);
      expect(isAuthError(err)).toBe(true);
      if (!isAuthError(err)) continue;
      observe('error.message', err.message);
      observe('error.json', JSON.stringify(err));
      observe('error.headers', err.headers);
      observe('error.body', err.body);
      observe('error.string', String(err));
      expect(JSON.stringify(err)).not.toContain(cause);
    }
  });
});
