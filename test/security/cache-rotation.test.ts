// A verified-token cache entry never outlives the key that verified it: once the issuer drops a
// key from its JWKS and the key set is refetched (its `cacheMaxAge` passed, or an unknown `kid`
// asked), a token that key verified, cached or not, is refused; tokens of keys that stayed are not.
import { AuthErrorCodes as C, type JwksOptions, jwt } from '@portcullis/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdapterName, TARGETS } from './support/apps.js';
import { useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { type JwksServer, startJwksServer } from './support/jwks-server.js';
import { forge, rsa } from './support/jws.js';
import { AUDIENCE, claims, ISSUER, type KeyPair, keyPair } from './support/keys.js';

useLeakCheck();

let retiring: KeyPair;
let staying: KeyPair;
const servers: JwksServer[] = [];
beforeAll(async () => {
  [retiring, staying] = await Promise.all([keyPair('RS256'), keyPair('RS256')]);
});
afterAll(() => Promise.all(servers.map((s) => s.close())));

const OPTIONS: JwksOptions = { cacheMaxAge: 10_000, cooldown: 1_000 };

async function setup(adapter: AdapterName) {
  const server = await startJwksServer([retiring.jwk, staying.jwk]);
  servers.push(server);
  const clock = { now: Date.now() };
  const method = jwt({
    algorithms: ['RS256'],
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: server.url,
    jwksOptions: OPTIONS,
  });
  const app = await scenario(adapter, { methods: [method], now: () => clock.now });
  const sign = (key: KeyPair, kid = key.kid) =>
    forge({
      header: { alg: 'RS256', kid },
      payload: claims(Math.floor(clock.now / 1000)),
      signer: rsa(key.privateKey),
    });
  return { server, clock, app, sign };
}

describe.each(TARGETS)('%s: cached tokens across key rotation', (adapter) => {
  it('refuses a cached token once a refetch after cacheMaxAge dropped its key', async () => {
    const { server, clock, app, sign } = await setup(adapter);
    const old = sign(retiring);
    const kept = sign(staying);
    // Seen twice, a token is cached; the third answer comes from the cache.
    for (let i = 0; i < 3; i++) {
      expectAccepted(await app.bearer(old));
      expectAccepted(await app.bearer(kept));
    }
    expect(server.hits).toBe(1);
    server.keys = [staying.jwk];
    clock.now += OPTIONS.cacheMaxAge! + 1;
    expectRejected(await app.bearer(old), 401, [C.JWT_NO_MATCHING_KEY]);
    expect(server.hits).toBe(2);
    expectRejected(await app.bearer(old), 401, [C.JWT_NO_MATCHING_KEY]);
    // The key that stayed keeps serving its tokens, cached or fresh.
    expectAccepted(await app.bearer(kept));
    expectAccepted(await app.bearer(sign(staying)));
  });

  it('refuses a cached token once an unknown kid refetched a set without its key', async () => {
    const { server, app, sign } = await setup(adapter);
    const old = sign(retiring);
    for (let i = 0; i < 3; i++) expectAccepted(await app.bearer(old));
    server.keys = [staying.jwk];
    expectRejected(await app.bearer(sign(retiring, 'kid-unknown')), 401, [C.JWT_NO_MATCHING_KEY]);
    expect(server.hits).toBe(2);
    expectRejected(await app.bearer(old), 401, [C.JWT_NO_MATCHING_KEY]);
    expect(server.hits).toBe(2);
  });

  it('re-verifies a cached token whose kid now names another key', async () => {
    const { server, clock, app, sign } = await setup(adapter);
    const old = sign(retiring);
    for (let i = 0; i < 3; i++) expectAccepted(await app.bearer(old));
    // The issuer reuses the kid for a new key: the old signature no longer verifies.
    server.keys = [{ ...staying.jwk, kid: retiring.kid }];
    clock.now += OPTIONS.cacheMaxAge! + 1;
    expectRejected(await app.bearer(old), 401, [C.JWT_SIGNATURE_INVALID]);
  });

  it('keeps serving a cached token while the refetch fails', async () => {
    const { server, clock, app, sign } = await setup(adapter);
    const old = sign(retiring);
    for (let i = 0; i < 3; i++) expectAccepted(await app.bearer(old));
    server.mode = 'error500';
    clock.now += OPTIONS.cacheMaxAge! + 1;
    expectAccepted(await app.bearer(old));
    expect(server.hits).toBe(2);
  });
});
