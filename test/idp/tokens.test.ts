// End to end against a real identity provider (oidc-provider): client credentials tokens for a
// resource, signed RS256, PS256, ES256 and EdDSA, checked by the same API on Express, Koa, Hono
// and Fastify — valid tokens, missing scopes, another resource, opaque tokens, expiry, scope
// claims.
import { AuthErrorCodes as C, type JwtOptions } from '@portcullis/core';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, type AdapterName, idpApi } from './support/apps.js';
import { expectOk, expectRefused } from './support/expect.js';
import { ALGS, keySet } from './support/keys.js';
import { BILLING, CLIENTS, type Idp, REPORTS, startIdp, TOKEN_TTL } from './support/provider.js';

let idp: Idp;
beforeAll(async () => {
  idp = await startIdp(await keySet());
});
afterAll(() => idp?.close());

describe('oidc-provider access tokens', () => {
  it('are RFC 9068 JWTs: typ at+jwt, the client as sub and client_id, the resource as aud', async () => {
    const token = await idp.token('ES256', { scope: 'orders:read orders:write' });
    const es256 = idp.keys.find((k) => k.alg === 'ES256')!;
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: es256.kid });
    const claims = decodeJwt(token);
    expect(claims).toEqual({
      iss: idp.issuer,
      aud: 'https://orders.portcullis.test',
      sub: 'svc-es256',
      client_id: 'svc-es256',
      scope: 'orders:read orders:write',
      jti: expect.any(String),
      iat: expect.any(Number),
      exp: claims.iat! + TOKEN_TTL,
    });
  });

  it('leave `scope` out when no scope was granted', async () => {
    expect(decodeJwt(await idp.token('RS256', { scope: 'billing:read' }))).not.toHaveProperty(
      'scope',
    );
  });
});

describe.each(ADAPTERS)('%s behind oidc-provider', (adapter: AdapterName) => {
  const api = (options?: Partial<JwtOptions>, now?: () => number) =>
    idpApi(adapter, idp, options, now);

  it.each(ALGS.map((alg) => [alg, CLIENTS[alg].auth]))(
    'accepts a %s access token fetched with %s',
    async (alg) => {
      const [a, token] = await Promise.all([api(), idp.token(alg)]);
      const client = CLIENTS[alg].id;
      for (let i = 0; i < 3; i++) {
        // Fresh, then seen twice: the third answer comes from the verified-token cache.
        expect(expectOk(await a.get('/orders', token))).toEqual({
          subject: client,
          scopes: ['orders:read'],
          client,
        });
      }
    },
  );

  it('answers 403 insufficient_scope, naming the scope, when the token lacks it', async () => {
    const [a, reader, writer] = await Promise.all([
      api(),
      idp.token('PS256', { scope: 'orders:read' }),
      idp.token('PS256', { scope: 'orders:read orders:write' }),
    ]);
    const denied = await a.get('/orders/write', reader);
    expect(denied.status).toBe(403);
    expect(denied.challenge).toMatch(/error="insufficient_scope"/);
    expect(denied.challenge).toContain('scope="orders:write"');
    expect(denied.body['error']).toBe('insufficient_scope');
    expect(expectOk(await a.get('/orders/write', writer)).scopes).toEqual([
      'orders:read',
      'orders:write',
    ]);
  });

  it('accepts a token granted no scope on /me, and refuses it on a scoped route', async () => {
    // Scopes the resource does not define are dropped by the provider: no `scope` claim at all.
    const [a, token] = await Promise.all([api(), idp.token('EdDSA', { scope: 'billing:read' })]);
    expect(expectOk(await a.get('/me', token)).scopes).toEqual([]);
    expect((await a.get('/orders', token)).status).toBe(403);
  });

  it('answers 401 for a token issued for another resource', async () => {
    const [a, token] = await Promise.all([
      api(),
      idp.token('RS256', { resource: BILLING, scope: 'billing:read' }),
    ]);
    expectRefused(await a.get('/me', token), 401, C.JWT_AUDIENCE_INVALID);
  });

  it('answers 401 for the opaque token issued without a resource indicator', async () => {
    const [a, token] = await Promise.all([api(), idp.token('RS256', { resource: null })]);
    expect(token.split('.')).toHaveLength(1);
    expectRefused(await a.get('/me', token), 401, C.UNSUPPORTED_CREDENTIAL);
  });

  it('refuses a token once it expired, cached or not', async () => {
    const clock = { now: Date.now() };
    const [a, cached, fresh] = await Promise.all([
      api({}, () => clock.now),
      idp.token('ES256'),
      idp.token('ES256'),
    ]);
    for (let i = 0; i < 3; i++) expectOk(await a.get('/orders', cached));
    const exp = decodeJwt(cached).exp!;
    clock.now = (exp - 1) * 1000;
    expectOk(await a.get('/orders', cached));
    // Past `exp` and the default 5 s tolerance.
    clock.now = (exp + 6) * 1000;
    expectRefused(await a.get('/orders', cached), 401, C.JWT_EXPIRED);
    expectRefused(await a.get('/orders', fresh), 401, C.JWT_EXPIRED);
  });

  it('reads scopes from `permissions` when scopeClaim names it', async () => {
    const [a, token] = await Promise.all([
      api({ audience: REPORTS, scopeClaim: 'permissions' }),
      idp.token('PS256', { resource: REPORTS, scope: 'reports:read' }),
    ]);
    expect(expectOk(await a.get('/orders/write', token)).scopes).toEqual(['orders:write']);
    expectRefused(await a.get('/orders', token), 403, C.INSUFFICIENT_SCOPE);
  });

  it('unions several scope claims, dotted paths included', async () => {
    const [a, token] = await Promise.all([
      api({ audience: REPORTS, scopeClaim: ['scope', 'realm_access.roles', 'permissions'] }),
      idp.token('ES256', { resource: REPORTS, scope: 'reports:read' }),
    ]);
    const seen = expectOk(await a.get('/orders', token));
    // In the order the claims are configured, each scope once.
    expect(seen.scopes).toEqual(['reports:read', 'orders:read', 'orders:write']);
    expectOk(await a.get('/orders/write', token));
  });

  it('reads scopes from a dotted path alone', async () => {
    const [a, token] = await Promise.all([
      api({ audience: REPORTS, scopeClaim: 'realm_access.roles' }),
      idp.token('EdDSA', { resource: REPORTS, scope: 'reports:read' }),
    ]);
    expect(expectOk(await a.get('/orders', token)).scopes).toEqual(['orders:read']);
    expectRefused(await a.get('/orders/write', token), 403, C.INSUFFICIENT_SCOPE);
  });
});
