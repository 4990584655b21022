// The provider recipes of the README, each with a token shaped as that provider writes it: the
// options are the README's with the placeholders filled and a local key set in place of the URL
// (test/idp runs the oidc-provider recipe against a real provider). All of them together in one
// authenticator, too: each token goes to the method of its issuer.
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from './authenticator.js';
import { AuthErrorCodes as C } from './error-codes.js';
import { jwt } from './jwt/jwt.js';
import type { JwtOptions } from './jwt/types.js';
import { fromNodeHeaders } from './request.js';
import { failure } from './test-helpers/failure.js';
import type { Principal } from './types.js';

const NOW = Math.floor(Date.now() / 1000);

interface Recipe {
  options: Omit<JwtOptions, 'jwks'>;
  /** The payload of a typical token of the provider, without `iat` and `exp`. */
  token: Record<string, unknown>;
  /** What the principal says. */
  principal: Partial<Principal>;
}

const RECIPES: Record<string, Recipe> = {
  Auth0: {
    options: {
      algorithms: ['RS256'],
      issuer: 'https://example.eu.auth0.com/',
      audience: 'https://orders.example.com',
      scopeClaim: ['scope', 'permissions'],
    },
    token: {
      iss: 'https://example.eu.auth0.com/',
      sub: 'Hx2mIj8kRsjLZSd2Ycdwb9O1BxKvXz9k@clients',
      aud: 'https://orders.example.com',
      azp: 'Hx2mIj8kRsjLZSd2Ycdwb9O1BxKvXz9k',
      gty: 'client-credentials',
      scope: 'read:orders write:orders',
      permissions: ['read:orders', 'write:orders'],
    },
    principal: {
      subject: 'Hx2mIj8kRsjLZSd2Ycdwb9O1BxKvXz9k@clients',
      scopes: ['read:orders', 'write:orders'],
      client: 'Hx2mIj8kRsjLZSd2Ycdwb9O1BxKvXz9k',
    },
  },
  Okta: {
    options: {
      algorithms: ['RS256'],
      issuer: 'https://example.okta.com/oauth2/default',
      audience: 'api://default',
      scopeClaim: 'scp',
    },
    token: {
      ver: 1,
      jti: 'AT.u1Vx',
      iss: 'https://example.okta.com/oauth2/default',
      aud: 'api://default',
      cid: '0oa1b2c3d4e5f6g7h8i9',
      scp: ['orders.read'],
      sub: '0oa1b2c3d4e5f6g7h8i9',
    },
    // Okta names the client `cid`: no `client`.
    principal: { subject: '0oa1b2c3d4e5f6g7h8i9', scopes: ['orders.read'] },
  },
  'Entra ID, delegated': {
    options: {
      algorithms: ['RS256'],
      issuer: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0',
      audience: '6e74172b-be56-4843-9ff4-e66a39bb12e3',
      scopeClaim: ['scp', 'roles'],
      tenantClaim: 'tid',
    },
    token: {
      iss: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0',
      aud: '6e74172b-be56-4843-9ff4-e66a39bb12e3',
      azp: '2d4d11a2-f814-46a7-890a-274a72a7309e',
      scp: 'Orders.Read Orders.Write',
      tid: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      oid: '690222be-ff1a-4d56-abd1-7e4f7d38e474',
      sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
      ver: '2.0',
    },
    principal: {
      subject: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
      scopes: ['Orders.Read', 'Orders.Write'],
      tenant: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      client: '2d4d11a2-f814-46a7-890a-274a72a7309e',
    },
  },
  Keycloak: {
    options: {
      algorithms: ['RS256'],
      issuer: 'https://sso.example.com/realms/acme',
      audience: 'orders-api',
      scopeClaim: ['scope', 'realm_access.roles'],
    },
    token: {
      iss: 'https://sso.example.com/realms/acme',
      aud: ['orders-api', 'account'],
      sub: 'f1f3e3c4-7f4b-4c4e-9a39-1d8f3b2f6a11',
      typ: 'Bearer',
      azp: 'reporting',
      scope: 'profile email',
      realm_access: { roles: ['orders:read', 'offline_access'] },
      resource_access: { account: { roles: ['manage-account'] } },
    },
    principal: {
      subject: 'f1f3e3c4-7f4b-4c4e-9a39-1d8f3b2f6a11',
      scopes: ['profile', 'email', 'orders:read', 'offline_access'],
      client: 'reporting',
    },
  },
  Google: {
    options: {
      algorithms: ['RS256'],
      issuer: ['https://accounts.google.com', 'accounts.google.com'],
      audience: 'https://orders-abc123-ew.a.run.app',
    },
    token: {
      iss: 'accounts.google.com',
      aud: 'https://orders-abc123-ew.a.run.app',
      sub: '107517467455664443765',
      email: 'reports@example-project.iam.gserviceaccount.com',
      email_verified: true,
    },
    principal: { subject: '107517467455664443765', scopes: [] },
  },
  'oidc-provider': {
    options: {
      algorithms: ['RS256'],
      issuer: 'https://id.example.com',
      audience: 'https://orders.example.com',
      typ: 'at+jwt',
    },
    token: {
      iss: 'https://id.example.com',
      aud: 'https://orders.example.com',
      sub: 'svc-reports',
      client_id: 'svc-reports',
      scope: 'orders:read',
      jti: 'pYk3N0gG7eZ',
    },
    principal: { subject: 'svc-reports', scopes: ['orders:read'], client: 'svc-reports' },
  },
};

let privateKey: CryptoKey;
let keys: { keys: Record<string, unknown>[] };
beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  keys = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' }] };
});

const sign = (payload: Record<string, unknown>, typ = 'JWT') =>
  new SignJWT({ iat: NOW, exp: NOW + 300, ...payload })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ })
    .sign(privateKey);
const bearer = (token: string) => fromNodeHeaders({ authorization: [`Bearer ${token}`] });
const methodOf = (recipe: Recipe) =>
  jwt({ ...recipe.options, jwks: keys as JwtOptions['jwks'] } as JwtOptions);
const typOf = (recipe: Recipe) => (recipe.options.typ === 'at+jwt' ? 'at+jwt' : 'JWT');

describe.each(Object.entries(RECIPES))('the %s recipe', (_name, recipe) => {
  it('accepts a token shaped as the provider writes it', async () => {
    const auth = createAuthenticator({ methods: [methodOf(recipe)] });
    const principal = await auth.authenticate(bearer(await sign(recipe.token, typOf(recipe))));
    expect(principal).toMatchObject({ method: 'jwt', ...recipe.principal });
    if (recipe.principal.client === undefined) expect(principal).not.toHaveProperty('client');
    if (recipe.principal.tenant === undefined) expect(principal).not.toHaveProperty('tenant');
  });
});

describe('provider recipes, besides the usual token', () => {
  it('Entra ID: an app-only token has its app roles in `roles`, and no `scp`', async () => {
    const recipe = RECIPES['Entra ID, delegated']!;
    const { scp: _, ...appOnly } = recipe.token;
    const auth = createAuthenticator({ methods: [methodOf(recipe)] });
    const principal = await auth.authenticate(
      bearer(await sign({ ...appOnly, roles: ['Orders.Read.All'] })),
    );
    expect(principal?.scopes).toEqual(['Orders.Read.All']);
    // A v1 token of the same tenant names another issuer.
    const v1 = await sign({
      ...recipe.token,
      iss: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
    });
    expect((await failure(auth.authenticate(bearer(v1)))).code).toBe(C.JWT_ISSUER_INVALID);
  });

  it('Google: both forms of the issuer are accepted', async () => {
    const recipe = RECIPES['Google']!;
    const auth = createAuthenticator({ methods: [methodOf(recipe)] });
    const https = await sign({ ...recipe.token, iss: 'https://accounts.google.com' });
    expect((await auth.authenticate(bearer(https)))?.subject).toBe('107517467455664443765');
  });

  it('Cognito: an access token, which has no `aud`, is refused for its audience', async () => {
    const issuer = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI';
    const auth = createAuthenticator({
      methods: [
        jwt({
          algorithms: ['RS256'],
          issuer,
          audience: '1example23456789',
          jwks: keys as JwtOptions['jwks'],
        }),
      ],
    });
    const access = await sign({
      iss: issuer,
      sub: 'aaaaaaaa-bbbb-cccc-dddd-example',
      client_id: '1example23456789',
      token_use: 'access',
      scope: 'orders/read',
      jti: 'a1b2c3',
      username: 'alice',
    });
    expect((await failure(auth.authenticate(bearer(access)))).code).toBe(C.JWT_AUDIENCE_INVALID);
  });

  it('all of them in one authenticator: each token goes to the method of its issuer', async () => {
    const auth = createAuthenticator({ methods: Object.values(RECIPES).map(methodOf) });
    for (const [name, recipe] of Object.entries(RECIPES)) {
      const principal = await auth.authenticate(bearer(await sign(recipe.token, typOf(recipe))));
      expect(principal, name).toMatchObject(recipe.principal);
    }
    const stranger = await sign({ ...RECIPES['Auth0']!.token, iss: 'https://example.auth0.com/' });
    expect((await failure(auth.authenticate(bearer(stranger)))).code).toBe(C.JWT_ISSUER_INVALID);
  });
});
