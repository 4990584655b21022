// Key rotation at the provider, seen by an API that is not restarted: a new signing key is picked
// up by the refetch its unknown `kid` causes; a key dropped from the set stops verifying — tokens
// it signed are refused, whether the API cached them or never saw them — once the key set is
// refetched, on `cacheMaxAge` or on a new key's `kid`. (How the provider rotates: provider.ts.)
import { AuthErrorCodes as C, type JwtOptions } from '@portcullis/core';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADAPTERS, type AdapterName, idpApi } from './support/apps.js';
import { expectOk, expectRefused } from './support/expect.js';
import { keySet, type SigningKey, signingKey } from './support/keys.js';
import { type Idp, startIdp } from './support/provider.js';

let idp: Idp;
let base: SigningKey[];
/** The RS256 key the provider rotates to. */
let next: SigningKey;
beforeAll(async () => {
  [base, next] = await Promise.all([keySet(), signingKey('RS256')]);
  idp = await startIdp(base);
});
afterAll(() => idp?.close());
beforeEach(() => idp.deploy(base));

/** The next deployment: the old RS256 key gone, the new one signing. */
const withoutOldKey = () => [next, ...base.filter((k) => k.alg !== 'RS256')];

describe.each(ADAPTERS)('%s: keys rotated at the provider', (adapter: AdapterName) => {
  const api = (options?: Partial<JwtOptions>, now?: () => number) =>
    idpApi(adapter, idp, options, now);

  it('picks up a new signing key without a restart', async () => {
    const a = await api();
    const before = await idp.token('RS256');
    expectOk(await a.get('/orders', before));
    const fetches = idp.hits('/jwks');
    // The provider publishes the new key beside the old one and signs with it.
    await idp.deploy([next, ...base]);
    const after = await idp.token('RS256');
    expect(decodeProtectedHeader(after).kid).toBe(next.kid);
    expectOk(await a.get('/orders', after));
    expect(idp.hits('/jwks')).toBe(fetches + 1);
    // The old key is still published: its tokens still pass, with no further fetch.
    expectOk(await a.get('/orders', before));
    expectOk(await a.get('/orders', await idp.token('RS256')));
    expect(idp.hits('/jwks')).toBe(fetches + 1);
  });

  it('refuses tokens of a dropped key, cached or fresh, once cacheMaxAge passed', async () => {
    const clock = { now: Date.now() };
    const [a, cached, fresh, other] = await Promise.all([
      api({ jwksOptions: { cacheMaxAge: 60_000 } }, () => clock.now),
      idp.token('RS256'),
      idp.token('RS256'),
      idp.token('ES256'),
    ]);
    // Seen twice, a token is cached; the third answer comes from the cache.
    for (let i = 0; i < 3; i++) {
      expectOk(await a.get('/orders', cached));
      expectOk(await a.get('/orders', other));
    }
    await idp.deploy(withoutOldKey());
    // Until the key set is refetched, the API cannot know.
    expectOk(await a.get('/orders', cached));
    const fetches = idp.hits('/jwks');
    clock.now += 60_001;
    expectRefused(await a.get('/orders', cached), 401, C.JWT_NO_MATCHING_KEY);
    expect(idp.hits('/jwks')).toBe(fetches + 1);
    expectRefused(await a.get('/orders', cached), 401, C.JWT_NO_MATCHING_KEY);
    expectRefused(await a.get('/orders', fresh), 401, C.JWT_NO_MATCHING_KEY);
    // Keys that stayed keep their tokens, cached or not; the new key verifies.
    expectOk(await a.get('/orders', other));
    expectOk(await a.get('/orders', await idp.token('ES256')));
    expectOk(await a.get('/orders', await idp.token('RS256')));
    // Besides the refetch on cacheMaxAge, the old kid, now unknown, may refetch once per cooldown.
    expect(idp.hits('/jwks')).toBeLessThanOrEqual(fetches + 2);
  });

  it('refuses tokens of a dropped key, cached or fresh, once a new kid refetched the set', async () => {
    const [a, cached, fresh] = await Promise.all([api(), idp.token('RS256'), idp.token('RS256')]);
    for (let i = 0; i < 3; i++) expectOk(await a.get('/orders', cached));
    await idp.deploy(withoutOldKey());
    const fetches = idp.hits('/jwks');
    expectOk(await a.get('/orders', await idp.token('RS256')));
    expect(idp.hits('/jwks')).toBe(fetches + 1);
    expectRefused(await a.get('/orders', cached), 401, C.JWT_NO_MATCHING_KEY);
    expectRefused(await a.get('/orders', fresh), 401, C.JWT_NO_MATCHING_KEY);
  });
});
