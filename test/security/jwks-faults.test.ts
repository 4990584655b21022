// JWKS faults told apart and healed quickly: the audit reason of the 503 says whether the key set
// answered a non-200 status (a wrong URL, a redirect), could not be reached, timed out, or was
// not a key set; a process that started during an outage serves within seconds of the endpoint
// returning; and a redirect is refused without `redirect: 'error'`, which Cloudflare Workers
// rejects, so a Workers-like fetch still loads the keys.
import { AuthErrorCodes as C, type JwksOptions, jwt } from '@portcullis/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdapterName, TARGETS } from './support/apps.js';
import { useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { deadUrl, type JwksMode, type JwksServer, startJwksServer } from './support/jwks-server.js';
import { forge, rsa } from './support/jws.js';
import { AUDIENCE, claims, ISSUER, type KeyPair, keyPair } from './support/keys.js';

useLeakCheck();

let rs: KeyPair;
let elsewhere: JwksServer;
const servers: JwksServer[] = [];
beforeAll(async () => {
  rs = await keyPair('RS256');
  // A good key set where the redirects point: it must never be asked.
  elsewhere = await startJwksServer([]);
});
afterAll(() => Promise.all([elsewhere.close(), ...servers.map((s) => s.close())]));

async function keyServer(): Promise<JwksServer> {
  const server = await startJwksServer([rs.jwk]);
  server.urlFor = (path) => elsewhere.urlFor(path);
  servers.push(server);
  return server;
}

const OPTIONS: JwksOptions = { timeout: 300, maxBytes: 64 * 1024 };

async function setup(adapter: AdapterName, url: string, jwksOptions: JwksOptions = OPTIONS) {
  const clock = { now: Date.now() };
  const method = jwt({
    algorithms: ['RS256'],
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: url,
    jwksOptions,
  });
  const app = await scenario(adapter, { methods: [method], now: () => clock.now });
  const token = () =>
    forge({
      header: { alg: 'RS256', kid: rs.kid },
      payload: claims(Math.floor(clock.now / 1000)),
      signer: rsa(rs.privateKey),
    });
  return { clock, app, token };
}

const FAULTS: [JwksMode, string][] = [
  ['not-found', 'jwks_http_status'],
  ['error500', 'jwks_http_status'],
  ['redirect', 'jwks_http_status'],
  ['hang', 'jwks_timeout'],
  ['not-json', 'jwks_invalid'],
  ['wrong-shape', 'jwks_invalid'],
  ['oversized', 'jwks_invalid'],
];

describe.each(TARGETS)('%s: JWKS faults', (adapter) => {
  it.each(FAULTS)('a JWKS that is %s answers 503 with reason %s', async (mode, reason) => {
    const server = await keyServer();
    server.mode = mode;
    const { app, token } = await setup(adapter, server.url);
    const answer = await app.bearer(token());
    expectRejected(answer, 503, [C.JWKS_UNAVAILABLE]);
    expect(answer.events.at(-1)?.reason).toBe(reason);
    // A redirect is never followed.
    expect(elsewhere.hits).toBe(0);
  });

  it('a JWKS endpoint that is down answers 503 with reason jwks_unreachable', async () => {
    const { app, token } = await setup(adapter, await deadUrl());
    const answer = await app.bearer(token());
    expectRejected(answer, 503, [C.JWKS_UNAVAILABLE]);
    expect(answer.events.at(-1)?.reason).toBe('jwks_unreachable');
  });

  it('serves within 5 s of the endpoint returning after a long outage (default cooldown)', async () => {
    const server = await keyServer();
    server.mode = 'error500';
    const { clock, app, token } = await setup(adapter, server.url, {});
    // 45 s of outage (past one cooldown), a request every second: every one 503, and the
    // endpoint asked at most every 4 s once the first retries (1 s, 2 s) have failed.
    for (let s = 0; s < 45; s++) {
      expectRejected(await app.bearer(token()), 503, [C.JWKS_UNAVAILABLE]);
      clock.now += 1_000;
    }
    expect(server.hits).toBeLessThanOrEqual(14);
    server.mode = 'ok';
    const back = clock.now;
    let answer = await app.bearer(token());
    while (answer.status === 503 && clock.now - back < 10_000) {
      clock.now += 250;
      answer = await app.bearer(token());
    }
    expectAccepted(answer);
    expect(clock.now - back).toBeLessThanOrEqual(5_000);
  });

  it('loads the keys through a fetch that refuses redirect: "error", as Cloudflare Workers does', async () => {
    const server = await keyServer();
    const workerd: typeof fetch = (input, init) => {
      if (init?.redirect === 'error')
        return Promise.reject(new TypeError('Invalid redirect value'));
      return fetch(input, init);
    };
    const { app, token } = await setup(adapter, server.url, { ...OPTIONS, fetch: workerd });
    expectAccepted(await app.bearer(token()));
    // And a redirect it is handed is still a failure, never followed.
    const moved = await keyServer();
    moved.mode = 'redirect';
    const other = await setup(adapter, moved.url, { ...OPTIONS, fetch: workerd });
    const answer = await other.app.bearer(other.token());
    expectRejected(answer, 503, [C.JWKS_UNAVAILABLE]);
    expect(answer.events.at(-1)?.reason).toBe('jwks_http_status');
    expect(elsewhere.hits).toBe(0);
  });
});
