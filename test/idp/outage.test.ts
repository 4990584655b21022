// The provider goes down (its port refuses connections): keys the API has cached keep serving,
// even past `cacheMaxAge` while the refetch fails; a token whose `kid` the API has never seen, or
// any token on an API that never fetched the key set, answers 503 ERR_JWKS_UNAVAILABLE — never a
// 401 and never a success. When the provider is back, its new key is picked up.
import { AuthErrorCodes as C, type JwtOptions } from '@portcullis/core';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { ADAPTERS, type AdapterName, idpApi } from './support/apps.js';
import { expectOk, expectRefused } from './support/expect.js';
import { keySet, type SigningKey, signingKey } from './support/keys.js';
import { type Idp, startIdp } from './support/provider.js';

let idp: Idp;
let base: SigningKey[];
let next: SigningKey;
beforeAll(async () => {
  [base, next] = await Promise.all([keySet(), signingKey('RS256')]);
  idp = await startIdp(base);
});
afterAll(() => idp?.close());
beforeEach(async () => {
  await idp.start();
  await idp.deploy(base);
});

describe.each(ADAPTERS)('%s: provider down', (adapter: AdapterName) => {
  const api = (options?: Partial<JwtOptions>, now?: () => number) =>
    idpApi(adapter, idp, options, now);

  it('keeps serving tokens whose keys are cached, past cacheMaxAge too', async () => {
    const clock = { now: Date.now() };
    const [a, cached, fresh, eddsa] = await Promise.all([
      api({ jwksOptions: { cacheMaxAge: 60_000 } }, () => clock.now),
      idp.token('RS256'),
      idp.token('RS256'),
      idp.token('EdDSA'),
    ]);
    for (let i = 0; i < 3; i++) expectOk(await a.get('/orders', cached));
    await idp.stop();
    expectOk(await a.get('/orders', cached));
    expectOk(await a.get('/orders', fresh));
    expectOk(await a.get('/orders', eddsa));
    // The key set goes stale: the refetch is refused, the cached keys serve on.
    clock.now += 60_001;
    expectOk(await a.get('/orders', cached));
    expectOk(await a.get('/orders', fresh));
    expectOk(await a.get('/orders', eddsa));
  });

  it('answers 503 ERR_JWKS_UNAVAILABLE for an unknown kid, and picks the key up once back', async () => {
    const clock = { now: Date.now() };
    const [a, old] = await Promise.all([api({}, () => clock.now), idp.token('RS256')]);
    expectOk(await a.get('/orders', old));
    // The provider rotates and issues a token with its new key, then goes down before the API
    // has seen the new key set.
    await idp.deploy([next, ...base]);
    const rotated = await idp.token('RS256');
    await idp.stop();
    expectRefused(await a.get('/orders', rotated), 503, C.JWKS_UNAVAILABLE);
    expectOk(await a.get('/orders', old));
    await idp.start();
    // An unknown kid refetches at most once per `cooldown` (default 30 s).
    clock.now += 30_001;
    expectOk(await a.get('/orders', rotated));
  });

  it('answers 503 ERR_JWKS_UNAVAILABLE when it never fetched the key set', async () => {
    const token = await idp.token('ES256');
    await idp.stop();
    const a = await api();
    expectRefused(await a.get('/orders', token), 503, C.JWKS_UNAVAILABLE);
  });
});
