// @portcullis/client against a real authorization server (oidc-provider) and a real Portcullis API
// (Express, jwt() with DPoP): each client authentication method, discovery, scope and resource
// indicators, typed refusals, and DPoP-bound tokens with the provider's and the API's nonces.
import { randomBytes } from 'node:crypto';
import {
  authFetch,
  type ClientCredentialsOptions,
  clientCredentials,
  OAuthClientError,
} from '@portcullis/client';
import { createAuthenticator, type DpopOptions, jwt, type Principal } from '@portcullis/core';
import { authenticate, requireScope } from '@portcullis/express';
import express from 'express';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientIdp, ORDERS, startClientIdp } from './support/idp.js';
import { listenOn, type Served } from './support/listen.js';

let idp: ClientIdp;
/** The orders API: Bearer or DPoP tokens of the provider, for ORDERS. */
let api: Served & { hits: () => number };
/** The same API, with DPoP required and server nonces (RFC 9449 §9). */
let nonceApi: Served & { hits: () => number };

async function startApi(dpop: Omit<DpopOptions, 'origin'>) {
  let hits = 0;
  let origin = '';
  const app = express();
  app.use((_req, _res, next) => {
    hits += 1;
    next();
  });
  // The origin is known once the port is: the authenticator is made on first use.
  let auth: express.RequestHandler | undefined;
  app.use((req, res, next) => {
    auth ??= authenticate(
      createAuthenticator({
        realm: 'orders',
        methods: [
          jwt({
            algorithms: ['ES256'],
            issuer: idp.issuer,
            audience: ORDERS,
            jwks: idp.jwksUri,
            typ: 'at+jwt',
            dpop: { ...dpop, origin },
          }),
        ],
      }),
    );
    auth(req, res, next);
  });
  app.get('/orders', requireScope('orders:read'), (req, res) => {
    const p = req.auth as Principal;
    res.json({ subject: p.subject, scopes: p.scopes, client: p.client, jkt: p.confirmation?.jkt });
  });
  const served = await listenOn(app);
  origin = served.url;
  return { ...served, hits: () => hits };
}

beforeAll(async () => {
  idp = await startClientIdp();
  api = await startApi({});
  nonceApi = await startApi({ required: true, nonce: { secret: randomBytes(32) } });
});

afterAll(async () => {
  await Promise.all([idp?.close(), api?.close(), nonceApi?.close()]);
});

const secretClient = (which: 'basic' | 'post' | 'dpop') => ({
  clientId: idp.clients[which].id,
  clientSecret: idp.clients[which].secret,
});

async function ordersWith(options: ClientCredentialsOptions, on = api) {
  const provider = clientCredentials(options);
  const res = await authFetch(provider)(`${on.url}/orders`);
  return { provider, status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('@portcullis/client with oidc-provider', () => {
  it('client_secret_basic, the token endpoint found by discovery once, scope and resource', async () => {
    const before = idp.hits('/.well-known/openid-configuration');
    const provider = clientCredentials({
      issuer: idp.issuer,
      ...secretClient('basic'),
      scope: 'orders:read',
      resource: ORDERS,
    });
    const orders = authFetch(provider);
    for (let i = 0; i < 3; i += 1) {
      const res = await orders(`${api.url}/orders`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        subject: 'cc-basic',
        scopes: ['orders:read'],
        client: 'cc-basic',
      });
    }
    expect(idp.hits('/.well-known/openid-configuration') - before).toBe(1);
    const claims = decodeJwt(await provider.getAccessToken());
    expect(claims).toMatchObject({ aud: ORDERS, scope: 'orders:read', client_id: 'cc-basic' });
  });

  it('client_secret_post, at the token endpoint named directly', async () => {
    const { status, body } = await ordersWith({
      tokenEndpoint: idp.tokenEndpoint,
      ...secretClient('post'),
      authMethod: 'client_secret_post',
      scope: ['orders:read', 'orders:write'],
      resource: ORDERS,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ client: 'cc-post', scopes: ['orders:read', 'orders:write'] });
  });

  it('private_key_jwt (RFC 7523), the assertion for the issuer (discovery) or the token endpoint', async () => {
    const { id, privateKey, kid } = idp.clients.signed;
    for (const where of [{ issuer: idp.issuer }, { tokenEndpoint: idp.tokenEndpoint }]) {
      const { status, body } = await ordersWith({
        ...where,
        clientId: id,
        privateKey: { key: privateKey, kid },
        scope: 'orders:read',
        resource: ORDERS,
      });
      expect(status).toBe(200);
      expect(body).toMatchObject({ client: 'cc-jwt' });
    }
  });

  // (oidc-provider narrows an unknown scope away rather than refuse it: invalid_scope is tested
  // against the examples' token endpoint.)
  it('refusals are typed: invalid_client, invalid_target; never retried', async () => {
    const base = { tokenEndpoint: idp.tokenEndpoint, resource: ORDERS };
    const cases: [Partial<ClientCredentialsOptions>, string][] = [
      [{ ...secretClient('basic'), clientSecret: 'wrong' }, 'invalid_client'],
      [{ clientId: 'nobody', clientSecret: 'x' }, 'invalid_client'],
      [{ ...secretClient('basic'), resource: 'https://elsewhere.test' }, 'invalid_target'],
    ];
    for (const [options, code] of cases) {
      const before = idp.hits('/token');
      const err = await clientCredentials({ ...base, ...options } as ClientCredentialsOptions)
        .getHeaders()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OAuthClientError);
      expect(err).toMatchObject({ code });
      expect((err as Error).message).not.toContain(idp.clients.basic.secret);
      expect(idp.hits('/token') - before).toBe(1);
    }
  });

  it('DPoP: a token bound to the key (cnf.jkt), a proof per request, accepted by the API', async () => {
    const provider = clientCredentials({
      tokenEndpoint: idp.tokenEndpoint,
      ...secretClient('dpop'),
      scope: 'orders:read',
      resource: ORDERS,
      dpop: true,
    });
    const orders = authFetch(provider);
    const first = await orders(`${api.url}/orders`);
    expect(first.status).toBe(200);
    const body = (await first.json()) as { jkt?: string };
    const claims = decodeJwt(await provider.getAccessToken());
    expect(claims.cnf).toEqual({ jkt: body.jkt });
    expect(body.jkt).toEqual(expect.any(String));
    // Each request its own proof: a second call is not a replay.
    expect((await orders(`${api.url}/orders?page=2`)).status).toBe(200);
    // The bound token alone, as a Bearer token, is refused.
    const bearer = await fetch(`${api.url}/orders`, {
      headers: { authorization: `Bearer ${await provider.getAccessToken()}` },
    });
    expect(bearer.status).toBe(401);
  });

  it("DPoP: the provider's nonce (use_dpop_nonce at the token endpoint) costs one more token request", async () => {
    idp.requireNonce(true);
    try {
      const before = idp.hits('/token');
      const { status } = await ordersWith({
        tokenEndpoint: idp.tokenEndpoint,
        ...secretClient('dpop'),
        resource: ORDERS,
        scope: 'orders:read',
        dpop: true,
      });
      expect(status).toBe(200);
      expect(idp.hits('/token') - before).toBe(2);
    } finally {
      idp.requireNonce(false);
    }
  });

  it("DPoP: the API's nonce — one retry with it, then every proof carries it", async () => {
    const provider = clientCredentials({
      tokenEndpoint: idp.tokenEndpoint,
      ...secretClient('dpop'),
      resource: ORDERS,
      scope: 'orders:read',
      dpop: true,
    });
    const orders = authFetch(provider);
    const before = nonceApi.hits();
    expect((await orders(`${nonceApi.url}/orders`)).status).toBe(200);
    expect(nonceApi.hits() - before).toBe(2); // use_dpop_nonce, then with the nonce
    for (let i = 0; i < 3; i += 1)
      expect((await orders(`${nonceApi.url}/orders`)).status).toBe(200);
    expect(nonceApi.hits() - before).toBe(5);
  });

  it('a client registered for DPoP gets no token without it: a typed error', async () => {
    const err = await clientCredentials({
      tokenEndpoint: idp.tokenEndpoint,
      ...secretClient('dpop'),
      resource: ORDERS,
    })
      .getHeaders()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthClientError);
    expect((err as OAuthClientError).status).toBe(400);
  });
});
