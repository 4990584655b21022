// Two providers, each with keys of its own. An API may trust one of them, or both: with several
// jwt() methods in one authenticator (DESIGN.md, second wave) a token goes to the method whose
// `issuer` equals its `iss`, and one issuer's key never verifies another issuer's token (RFC 8725
// §3.8).
import { AuthErrorCodes as C, createAuthenticator, jwt } from '@portcullis/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, type AdapterName, testApi } from './support/apps.js';
import { expectOk, expectRefused } from './support/expect.js';
import { forge } from './support/forge.js';
import { keySet } from './support/keys.js';
import { CLIENTS, type Idp, jwtOptionsFor, ORDERS, startIdp } from './support/provider.js';

let a: Idp;
let b: Idp;
beforeAll(async () => {
  const [keysA, keysB] = await Promise.all([keySet(), keySet()]);
  [a, b] = await Promise.all([startIdp(keysA), startIdp(keysB)]);
});
afterAll(() => Promise.all([a?.close(), b?.close()]));

it('refuses the same issuer in two jwt() methods of one authenticator', () => {
  expect(() =>
    createAuthenticator({ methods: [jwt(jwtOptionsFor(a)), jwt(jwtOptionsFor(a))] }),
  ).toThrow(TypeError);
});

describe.each(ADAPTERS)('%s: two providers', (adapter: AdapterName) => {
  async function api(...idps: Idp[]) {
    const methods = idps.map((idp) => jwt(jwtOptionsFor(idp)));
    return testApi(adapter, { methods });
  }

  it("refuses the other provider's tokens when it trusts one", async () => {
    const [api1, fromA, fromB] = await Promise.all([api(a), a.token('ES256'), b.token('ES256')]);
    const jwksB = b.hits('/jwks');
    expectOk(await api1.get('/orders', fromA));
    // The signature is checked before the claims: B's kid is not in A's key set.
    expectRefused(await api1.get('/orders', fromB), 401, [
      C.JWT_NO_MATCHING_KEY,
      C.JWT_ISSUER_INVALID,
    ]);
    // Signed with a key of A, under B's name: the signature verifies, the issuer does not.
    const renamed = await forge(a.keys[0]!, {
      iss: b.issuer,
      aud: ORDERS,
      sub: 'svc',
      scope: 'orders:read',
    });
    expectRefused(await api1.get('/orders', renamed), 401, C.JWT_ISSUER_INVALID);
    // No key of the other provider was ever fetched.
    expect(b.hits('/jwks')).toBe(jwksB);
  });

  it('routes each token to the jwt() method of its issuer', async () => {
    const [both, fromA, fromB] = await Promise.all([
      api(a, b),
      a.token('RS256', { scope: 'orders:read orders:write' }),
      b.token('EdDSA'),
    ]);
    const jwksA = a.hits('/jwks');
    const jwksB = b.hits('/jwks');
    for (let i = 0; i < 3; i++) {
      expect(expectOk(await both.get('/orders/write', fromA)).subject).toBe(CLIENTS.RS256.id);
      expect(expectOk(await both.get('/orders', fromB)).subject).toBe(CLIENTS.EdDSA.id);
    }
    // Each method fetched its own provider's key set, once.
    expect(a.hits('/jwks')).toBe(jwksA + 1);
    expect(b.hits('/jwks')).toBe(jwksB + 1);
    expectRefused(await both.get('/orders/write', fromB), 403, C.INSUFFICIENT_SCOPE);
  });

  it('refuses a token whose iss names neither provider, fetching no key set', async () => {
    const [both, token] = await Promise.all([
      api(a, b),
      forge(a.keys[0]!, {
        iss: 'http://127.0.0.1:9',
        aud: ORDERS,
        sub: 'svc',
        scope: 'orders:read',
      }),
    ]);
    const [jwksA, jwksB] = [a.hits('/jwks'), b.hits('/jwks')];
    expectRefused(await both.get('/orders', token), 401, C.JWT_ISSUER_INVALID);
    expect(both.events.at(-1)?.reason).toBe('issuer_unknown');
    expect([a.hits('/jwks'), b.hits('/jwks')]).toEqual([jwksA, jwksB]);
  });

  it("never verifies one provider's token with the other's key", async () => {
    // Signed with a key of A, under B's name: B's key set has no such key.
    const [both, token] = await Promise.all([
      api(a, b),
      forge(a.keys[0]!, { iss: b.issuer, aud: ORDERS, sub: 'svc', scope: 'orders:read' }),
    ]);
    expectOk(await both.get('/orders', await a.token('RS256')));
    expectRefused(await both.get('/orders', token), 401, [
      C.JWT_NO_MATCHING_KEY,
      C.JWT_SIGNATURE_INVALID,
    ]);
  });
});
