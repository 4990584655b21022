// Discovery: the provider's metadata names its key set. Today an API is configured with
// `jwks: '<issuer>/jwks'`, the `jwks_uri` of the provider's discovery document; with
// `discovery: true` (DESIGN.md, second wave) jwt() reads it from
// `<issuer>/.well-known/openid-configuration`, then `oauth-authorization-server`, and only from a
// document whose `issuer` is exactly the configured one.
import { AuthErrorCodes as C, type JwtOptions, jwt } from '@portcullis/core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ADAPTERS, type AdapterName, testApi } from './support/apps.js';
import { expectOk, expectRefused } from './support/expect.js';
import { forge } from './support/forge.js';
import { ALGS, keySet } from './support/keys.js';
import { type Mirror, startMirror } from './support/mirror.js';
import { type Idp, jwtOptionsFor, ORDERS, startIdp } from './support/provider.js';

const OPENID = '/.well-known/openid-configuration';
const OAUTH = '/.well-known/oauth-authorization-server';

let idp: Idp;
let mirror: Mirror;
beforeAll(async () => {
  idp = await startIdp(await keySet());
  mirror = await startMirror(idp.issuer);
});
afterAll(() => Promise.all([idp?.close(), mirror?.close()]));

it('names <issuer>/jwks as jwks_uri, under the exact issuer, in both documents', async () => {
  for (const path of [OPENID, OAUTH]) {
    const metadata = await (await fetch(idp.issuer + path)).json();
    expect(metadata).toMatchObject({ issuer: idp.issuer, jwks_uri: idp.jwksUri });
  }
});

describe.each(ADAPTERS)('%s: discovery', (adapter: AdapterName) => {
  /** The recipe's options with `discovery: true` in place of `jwks`. */
  async function api(options: Partial<JwtOptions> = {}) {
    const { jwks: _, ...recipe } = jwtOptionsFor(idp);
    const method = jwt({ ...recipe, discovery: true, ...options });
    return testApi(adapter, { methods: [method] });
  }

  it('finds the key set through /.well-known/openid-configuration', async () => {
    const before = idp.hits(OPENID);
    const a = await api();
    for (const alg of ALGS) expectOk(await a.get('/orders', await idp.token(alg)));
    expect(idp.hits(OPENID)).toBe(before + 1);
  });

  it('falls back to /.well-known/oauth-authorization-server', async () => {
    idp.hidden.add(OPENID);
    onTestFinished(() => {
      idp.hidden.delete(OPENID);
    });
    const before = idp.hits(OAUTH);
    const a = await api();
    expectOk(await a.get('/orders', await idp.token('ES256')));
    expect(idp.hits(OAUTH)).toBe(before + 1);
  });

  it('refuses keys from a document whose issuer is not the configured one', async () => {
    // The mirror serves the provider's document, which names the provider, not the mirror.
    const a = await api({ issuer: mirror.origin });
    const token = await forge(idp.keys[0]!, {
      iss: mirror.origin,
      aud: ORDERS,
      sub: 'svc',
      scope: 'orders:read',
    });
    const jwks = idp.hits('/jwks');
    // No usable key: an infrastructure failure, never a success and never a 401.
    expectRefused(await a.get('/orders', token), 503, C.JWKS_UNAVAILABLE);
    expect(a.events.at(-1)?.reason).toBe('discovery_issuer_mismatch');
    expect(idp.hits('/jwks')).toBe(jwks);
  });
});
