// A JWKS endpoint (a real HTTP server on 127.0.0.1) that is slow, down, answering 500, not JSON,
// a redirect or oversized: cached keys keep serving; with no usable key the answer is 503; and
// 1,000 concurrent requests on a cold cache cause one fetch.
import { AuthErrorCodes as C, type JwksOptions, jwt } from '@portcullis/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, type AdapterName } from './support/apps.js';
import { useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { deadUrl, type JwksMode, type JwksServer, startJwksServer } from './support/jwks-server.js';
import { forge, rsa } from './support/jws.js';
import { AUDIENCE, claims, ISSUER, type KeyPair, keyPair } from './support/keys.js';

useLeakCheck();

let rs: KeyPair;
let attacker: JwksServer;
const servers: JwksServer[] = [];
beforeAll(async () => {
  rs = await keyPair('RS256');
  attacker = await startJwksServer([]);
});
afterAll(async () => {
  await Promise.all([attacker.close(), ...servers.map((s) => s.close())]);
});

async function keyServer(): Promise<JwksServer> {
  const server = await startJwksServer([rs.jwk]);
  server.urlFor = (
    (base) => (path: string) =>
      path === '/elsewhere.json' ? attacker.urlFor(path) : base(path)
  )(server.urlFor);
  servers.push(server);
  return server;
}

const OPTIONS: JwksOptions = {
  timeout: 1_000, // generous for a loaded CI machine; the slow server waits 2.5 s
  cooldown: 1_000,
  cacheMaxAge: 10_000,
  maxBytes: 64 * 1024,
};
const BAD_MODES: JwksMode[] = [
  'slow',
  'hang',
  'error500',
  'not-json',
  'redirect',
  'oversized',
  'wrong-shape',
];

function setup(adapter: AdapterName, url: string, jwksOptions: JwksOptions = OPTIONS) {
  const clock = { now: Date.now() };
  const method = jwt({
    algorithms: ['RS256'],
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: url,
    jwksOptions,
  });
  return { clock, app: scenario(adapter, { methods: [method], now: () => clock.now }) };
}
const token = (nowMs: number) =>
  forge({
    header: { alg: 'RS256', kid: rs.kid },
    payload: claims(Math.floor(nowMs / 1000)),
    signer: rsa(rs.privateKey),
  });

describe.each(ADAPTERS)('%s: JWKS failures', (adapter) => {
  it.each(BAD_MODES)('keeps serving cached keys when the JWKS turns %s', async (mode) => {
    const server = await keyServer();
    server.delay = 2_500; // slower than the timeout
    const { clock, app } = setup(adapter, server.url);
    const a = await app;
    expectAccepted(await a.bearer(token(clock.now)));
    expect(server.hits).toBe(1);
    server.mode = mode;
    // The cached key set goes stale: a refetch is due, and fails.
    clock.now += OPTIONS.cacheMaxAge! + 1;
    expectAccepted(await a.bearer(token(clock.now)));
    expect(server.hits).toBe(2);
    // Within the cooldown, no hammering of the failing server.
    for (let i = 0; i < 10; i++) expectAccepted(await a.bearer(token(clock.now)));
    expect(server.hits).toBe(2);
    // Still failing after the cooldown: one more try, still serving.
    clock.now += OPTIONS.cooldown! + 1;
    expectAccepted(await a.bearer(token(clock.now)));
    expect(server.hits).toBe(3);
  });

  it.each(BAD_MODES)('answers 503 with no usable key when the JWKS is %s', async (mode) => {
    const server = await keyServer();
    server.delay = 2_500;
    server.mode = mode;
    const { clock, app } = setup(adapter, server.url);
    const a = await app;
    const answer = await a.bearer(token(clock.now));
    expectRejected(answer, 503, [C.JWKS_UNAVAILABLE]);
    expect(answer.headers['retry-after']).toMatch(/^\d+$/);
    expect(answer.headers['www-authenticate']).toBeUndefined();
    // The redirect's target is never followed.
    expect(attacker.hits).toBe(0);
    // The server recovers; after the cooldown, so does authentication.
    server.mode = 'ok';
    clock.now += OPTIONS.cooldown! + 1;
    expectAccepted(await a.bearer(token(clock.now)));
  });

  it('answers 503 when the JWKS server is down', async () => {
    const { clock, app } = setup(adapter, await deadUrl());
    const a = await app;
    expectRejected(await a.bearer(token(clock.now)), 503, [C.JWKS_UNAVAILABLE]);
    expectRejected(await a.bearer(token(clock.now)), 503, [C.JWKS_UNAVAILABLE]);
  });

  it('a key set without the token’s key is 401, not 503, and not 200', async () => {
    const server = await keyServer();
    server.mode = 'empty-keys';
    const { clock, app } = setup(adapter, server.url);
    const a = await app;
    expectRejected(
      await a.bearer(token(clock.now)),
      [401, 503],
      [C.JWT_NO_MATCHING_KEY, C.JWKS_UNAVAILABLE],
    );
  });
});

// What a broken identity provider might publish next to (or instead of) its real key.
const JUNK_KEYS: unknown[] = [
  null,
  1,
  'key',
  [],
  {},
  { kty: 'RSA' },
  { kty: 'RSA', n: '', e: '' },
  { kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 7 },
  { kty: 'EC', crv: 'P-999', x: 'AA', y: 'AA' },
  { kty: 'EC', crv: 'P-256', x: 'not-base64!', y: '' },
  { kty: 'OKP', crv: 'X25519', x: 'AAAA' },
  { kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA' },
  { kty: 'RSA', n: 'A'.repeat(20_000), e: 'AQAB' },
  { kty: 'RSA', use: 'enc', n: 'AQAB', e: 'AQAB' },
  { __proto__: { kty: 'RSA' } },
];

describe.each(ADAPTERS)('%s: a JWKS full of junk', (adapter) => {
  it('serves the one good key among junk, and answers 401 or 503 (never 500) with junk alone', async () => {
    const server = await keyServer();
    server.keys = [...(JUNK_KEYS as never[]), rs.jwk];
    const { clock, app } = setup(adapter, server.url);
    const a = await app;
    expectAccepted(await a.bearer(token(clock.now)));
    const junkOnly = await keyServer();
    junkOnly.keys = JUNK_KEYS as never[];
    const j = setup(adapter, junkOnly.url);
    const b = await j.app;
    expectRejected(
      await b.bearer(token(j.clock.now)),
      [401, 503],
      [C.JWT_NO_MATCHING_KEY, C.JWKS_UNAVAILABLE],
    );
  });

  it('never uses a key marked for encryption, or for another algorithm, to verify', async () => {
    const server = await keyServer();
    server.keys = [
      { ...rs.jwk, use: 'enc' },
      { ...rs.jwk, key_ops: ['encrypt'], kid: `${rs.kid}-ops` },
      { ...rs.jwk, alg: 'RS512', kid: `${rs.kid}-512` },
    ];
    const { clock, app } = setup(adapter, server.url);
    const a = await app;
    for (const kid of [rs.kid, `${rs.kid}-ops`, `${rs.kid}-512`]) {
      const t = forge({
        header: { alg: 'RS256', kid },
        payload: claims(Math.floor(clock.now / 1000)),
        signer: rsa(rs.privateKey),
      });
      expectRejected(await a.bearer(t), [401, 503], [C.JWT_NO_MATCHING_KEY, C.JWKS_UNAVAILABLE]);
    }
  });
});

describe('JWKS under load', () => {
  it.each(ADAPTERS)(
    '%s: 1,000 concurrent requests on a cold cache cause one fetch',
    async (adapter) => {
      const server = await keyServer();
      server.mode = 'slow';
      server.delay = 150;
      const { clock, app } = setup(adapter, server.url, { ...OPTIONS, timeout: 10_000 });
      const a = await app;
      const t = token(clock.now);
      const count = adapter === 'hono' ? 1_000 : 200; // real sockets for Express and Koa
      const answers = await Promise.all(Array.from({ length: count }, () => a.bearer(t)));
      for (const answer of answers) expectAccepted(answer);
      expect(server.hits).toBe(1);
      expect(server.maxInFlight).toBe(1);
    },
  );

  it('1,000 concurrent authentications straight through core cause one fetch, and one during an outage', async () => {
    const server = await keyServer();
    server.mode = 'slow';
    server.delay = 150;
    const { createAuthenticator } = await import('@portcullis/core');
    const clock = { now: Date.now() };
    const auth = createAuthenticator({
      now: () => clock.now,
      methods: [
        jwt({
          algorithms: ['RS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          jwks: server.url,
          jwksOptions: OPTIONS,
        }),
      ],
    });
    const view = (t: string) => ({
      header: (n: string) => (n === 'authorization' ? `Bearer ${t}` : undefined),
    });
    const t = token(clock.now);
    const ok = await Promise.all(Array.from({ length: 1_000 }, () => auth.authenticate(view(t))));
    expect(ok.every((p) => p?.subject === 'svc-reports')).toBe(true);
    expect(server.hits).toBe(1);
    // Stale and the server failing: still one fetch in flight, and cached keys serve everyone.
    server.mode = 'error500';
    clock.now += OPTIONS.cacheMaxAge! + 1;
    const t2 = token(clock.now);
    const stale = await Promise.all(
      Array.from({ length: 1_000 }, () => auth.authenticate(view(t2))),
    );
    expect(stale.every((p) => p?.subject === 'svc-reports')).toBe(true);
    expect(server.hits).toBe(2);
    expect(server.maxInFlight).toBe(1);
  });
});
