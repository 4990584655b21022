// DPoP (RFC 9449) end to end with a real identity provider: oidc-provider issues a client
// credentials token bound to the key of the proof sent to its token endpoint (`cnf.jkt`,
// `token_type: DPoP`); the API, on Express, Koa, Hono and Fastify, with `jwt({ dpop })`, accepts it
// with a proof of that key for the request and refuses it over Bearer or with another key's proof.
// The proofs come from @portcullis/testing's createDpopKey() and, independently, from
// oauth4webapi's own DPoP support (token request and API call alike).
import { AuthErrorCodes as C, type JwtOptions } from '@portcullis/core';
import { createDpopKey, type DpopKey } from '@portcullis/testing';
import {
  calculateJwkThumbprint,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
} from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, type AdapterName, type Api, idpApi } from './support/apps.js';
import { expectOk, expectRefused } from './support/expect.js';
import { keySet } from './support/keys.js';
import { DPOP_CLIENT, type Idp, ORDERS, startIdp } from './support/provider.js';

/** The API's public origin (behind TLS, as the proofs name it): the resource indicator itself. */
const DPOP: JwtOptions['dpop'] = { origin: ORDERS };

let idp: Idp;
let key: DpopKey;
beforeAll(async () => {
  [idp, key] = await Promise.all([keySet().then(startIdp), createDpopKey()]);
});
afterAll(() => idp?.close());

/** A DPoP-bound token for `key`, fetched with a proof of it for the token request. */
async function boundToken(by: DpopKey = key, scope = 'orders:read'): Promise<string> {
  const proof = await by.proof({ method: 'POST', url: idp.tokenEndpoint });
  const { access_token, token_type } = await idp.dpopToken({ proof }, { scope });
  expect(token_type).toBe('dpop');
  return access_token;
}

/** `GET path` on `api` with the token over `DPoP` and a proof of `by` for the API's URL. */
async function dpopGet(api: Api, path: '/me' | '/orders', token: string, by: DpopKey = key) {
  const dpop = await by.proof({ method: 'GET', url: `${ORDERS}${path}`, token });
  return api.send(path, { authorization: `DPoP ${token}`, dpop });
}

describe('oidc-provider with DPoP', () => {
  it('binds the access token to the proof key: an at+jwt with cnf.jkt, token_type DPoP', async () => {
    const token = await boundToken();
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(decodeJwt(token)).toMatchObject({
      iss: idp.issuer,
      aud: ORDERS,
      client_id: DPOP_CLIENT.id,
      scope: 'orders:read',
      cnf: { jkt: key.thumbprint },
    });
  });

  it('gives the DPoP client no token without a proof, nor for a proof for another URL', async () => {
    // oauth4webapi's ResponseBodyError carries the token endpoint's error (the provider's
    // description is generic: "grant request is invalid"); the same request with a proof passes.
    await expect(idp.dpopToken({})).rejects.toMatchObject({ error: 'invalid_grant' });
    const elsewhere = await key.proof({ method: 'POST', url: `${idp.issuer}/elsewhere` });
    await expect(idp.dpopToken({ proof: elsewhere })).rejects.toMatchObject({
      error: 'invalid_dpop_proof',
    });
  });
});

describe.each(ADAPTERS)('%s behind oidc-provider, with jwt({ dpop })', (adapter: AdapterName) => {
  const api = () => idpApi(adapter, idp, { dpop: DPOP });

  it('accepts the bound token with a proof of its key, and refuses it over Bearer', async () => {
    const [a, token] = await Promise.all([api(), boundToken(key, 'orders:read orders:write')]);
    for (const path of ['/me', '/orders'] as const) {
      expect(expectOk(await dpopGet(a, path, token))).toEqual({
        subject: DPOP_CLIENT.id,
        scopes: ['orders:read', 'orders:write'],
        client: DPOP_CLIENT.id,
        jkt: key.thumbprint,
      });
    }
    // The same token as a bearer token: refused, verified and cached as it is.
    expectRefused(await a.get('/orders', token), 401, C.JWT_SENDER_CONSTRAINED);
    // And again with a fresh proof: the refusal took nothing away.
    expectOk(await dpopGet(a, '/orders', token));
  });

  it('refuses the bound token with a proof of another key, and a replayed proof', async () => {
    const [a, token, other] = await Promise.all([api(), boundToken(), createDpopKey()]);
    const stolen = await dpopGet(a, '/orders', token, other);
    expect(stolen.status).toBe(401);
    expect(stolen.code).toBe(C.DPOP_PROOF_INVALID);
    expect(stolen.challenge).toMatch(/^DPoP realm="api", algs="[^"]+", error="invalid_dpop_proof"/);
    expect(stolen.body['error']).toBe('invalid_dpop_proof');
    const dpop = await key.proof({ method: 'GET', url: `${ORDERS}/orders`, token });
    const headers = { authorization: `DPoP ${token}`, dpop };
    expectOk(await a.send('/orders', headers));
    const replayed = await a.send('/orders', headers);
    expect(replayed.status).toBe(401);
    expect(replayed.code).toBe(C.DPOP_PROOF_REPLAYED);
  });

  it('works with oauth4webapi as the client: its own proofs at the token endpoint and the API', async () => {
    const a = await api();
    const client: oauth.Client = { client_id: DPOP_CLIENT.id };
    const pair = await generateKeyPair('ES256');
    const jkt = await calculateJwkThumbprint(await exportJWK(pair.publicKey));
    const handle = oauth.DPoP(client, pair);
    const { access_token, token_type } = await idp.dpopToken({ oauth: handle });
    expect(token_type).toBe('dpop');
    expect(decodeJwt(access_token)['cnf']).toEqual({ jkt });
    // The API is called at its public origin; the request goes to where it listens.
    const toApi = (url: string, init: oauth.CustomFetchOptions<string, unknown>) =>
      fetch(url.replace(ORDERS, a.url), init as RequestInit);
    const response = await oauth.protectedResourceRequest(
      access_token,
      'GET',
      new URL(`${ORDERS}/orders`),
      new Headers(),
      null,
      { DPoP: handle, [oauth.customFetch]: toApi },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ subject: DPOP_CLIENT.id, jkt });
    expect(a.events.at(-1)?.code).toBe('OK');
    expectRefused(await a.get('/orders', access_token), 401, C.JWT_SENDER_CONSTRAINED);
  });

  it('without dpop configured, refuses the bound token over Bearer and over DPoP', async () => {
    const [a, token] = await Promise.all([idpApi(adapter, idp), boundToken()]);
    expectRefused(await a.get('/orders', token), 401, C.JWT_SENDER_CONSTRAINED);
    const answer = await dpopGet(a, '/orders', token);
    expect(answer.status).toBe(401);
    expect(answer.code).toBe(C.UNSUPPORTED_CREDENTIAL);
  });
});
