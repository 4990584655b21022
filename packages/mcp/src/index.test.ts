import {
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  ServerError,
} from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import {
  type ApiKeyRecord,
  AuthError,
  type Authenticator,
  apiKey,
  createAuthenticator,
  type DenyList,
  generateApiKey,
  jwt,
} from '@portcullis/core';
import { type Answer, listen } from '@portcullis/test-kit';
import { createTestIssuer, type TestIssuer } from '@portcullis/testing';
import express from 'express';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mcpTokenVerifier, toAuthInfo } from './index.js';

const RESOURCE = 'https://mcp.example.test/mcp';
const METADATA = 'https://mcp.example.test/.well-known/oauth-protected-resource/mcp';
const SECRET = 'db-password-hunter2';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: RESOURCE });
});

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

interface Setup {
  denyList?: DenyList;
  keys?: Map<string, ApiKeyRecord>;
  failingLookup?: boolean;
  tenantClaim?: string;
}

function authenticatorFor({ denyList, keys, failingLookup, tenantClaim }: Setup = {}) {
  return createAuthenticator({
    realm: 'mcp',
    resourceMetadata: METADATA,
    methods: [
      jwt({ ...issuer.jwtOptions, denyList, tenantClaim }),
      apiKey({
        prefix: 'mk',
        lookup: (hash) => {
          if (failingLookup) throw new Error(SECRET);
          return keys?.get(hash);
        },
      }),
    ],
  });
}

/** An Express app as an MCP server mounts it: the SDK's requireBearerAuth(), then a handler. */
async function serve(
  authenticator: Authenticator,
  options: { requiredScopes?: string[]; expectedResource?: URL; resource?: string } = {},
) {
  const { resource = RESOURCE, ...rest } = options;
  const app = express();
  const seen: AuthInfo[] = [];
  app.get(
    '/mcp',
    requireBearerAuth({
      verifier: mcpTokenVerifier(authenticator, { resource }),
      resourceMetadataUrl: METADATA,
      ...rest,
    }),
    (req, res) => {
      seen.push(req.auth!);
      res.json({ ok: true });
    },
  );
  const target = await listen(app);
  closers.push(() => target.close());
  const call = (credential: string): Promise<Answer> =>
    target.get('/mcp', { authorization: `Bearer ${credential}` });
  return { call, seen };
}

/** Nothing secret in what the client sees. */
function expectNoSecret(answer: Answer, ...secrets: string[]) {
  const text = JSON.stringify(answer);
  for (const secret of [SECRET, ...secrets]) expect(text).not.toContain(secret);
}

describe('mcpTokenVerifier() behind the SDK’s requireBearerAuth()', () => {
  it('a valid token: the AuthInfo reaches the handler as req.auth', async () => {
    const { call, seen } = await serve(authenticatorFor({ tenantClaim: 'org' }));
    const token = await issuer.sign({
      scope: 'files:read files:write',
      client_id: 'agent-7',
      org: 'acme',
    });
    const res = await call(token);
    expect(res.status).toBe(200);
    const exp = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp;
    expect(seen).toHaveLength(1);
    const info = seen[0]!;
    expect(info).toEqual({
      token,
      clientId: 'agent-7',
      scopes: ['files:read', 'files:write'],
      expiresAt: exp,
      resource: new URL(RESOURCE),
      extra: { subject: 'test-subject', method: 'jwt', tenant: 'acme' },
    });
    expect(Number.isInteger(info.expiresAt)).toBe(true);
  });

  it('clientId falls back to azp, then to the subject', async () => {
    const { call, seen } = await serve(authenticatorFor());
    expect((await call(await issuer.sign({ azp: 'web-app' }))).status).toBe(200);
    expect((await call(await issuer.sign({}, { subject: 'svc-1' }))).status).toBe(200);
    expect(seen.map((info) => info.clientId)).toEqual(['web-app', 'svc-1']);
    expect(seen[1]!.extra).toEqual({ subject: 'svc-1', method: 'jwt' });
  });

  it('an API key: clientId is its record id; one without expiry is refused by the SDK', async () => {
    const expiring = generateApiKey({ prefix: 'mk' });
    const forever = generateApiKey({ prefix: 'mk' });
    const expiresAt = new Date(Date.now() + 3_600_000);
    const keys = new Map<string, ApiKeyRecord>([
      [expiring.hash, { id: 'key_1', subject: 'bot', scopes: ['files:read'], expiresAt }],
      [forever.hash, { id: 'key_2', subject: 'bot', scopes: ['files:read'] }],
    ]);
    const { call, seen } = await serve(authenticatorFor({ keys }));
    expect((await call(expiring.key)).status).toBe(200);
    expect(seen[0]).toMatchObject({
      clientId: 'key_1',
      scopes: ['files:read'],
      expiresAt: Math.floor(expiresAt.getTime() / 1000),
      extra: { subject: 'bot', method: 'api_key' },
    });
    const res = await call(forever.key);
    expect(res.status).toBe(401);
    expect(res.json).toEqual({
      error: 'invalid_token',
      error_description: 'Token has no expiration time',
    });
    expectNoSecret(res, forever.key, forever.hash);
  });

  it('a token for another audience: 401 invalid_token naming the resource metadata', async () => {
    const { call, seen } = await serve(authenticatorFor());
    const token = await issuer.sign({ scope: 'files:read' }, { broken: 'wrong-audience' });
    const res = await call(token);
    expect(res.status).toBe(401);
    expect((res.json as { error: string }).error).toBe('invalid_token');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    expect(res.headers['www-authenticate']).toContain(`resource_metadata="${METADATA}"`);
    expect(seen).toHaveLength(0);
    expectNoSecret(res, token);
  });

  it.each(['expired', 'tampered', 'other-key', 'alg-none', 'missing-exp', 'wrong-issuer'] as const)(
    'a %s token: 401 invalid_token',
    async (broken) => {
      const { call } = await serve(authenticatorFor());
      const token = await issuer.sign({ scope: 'files:read' }, { broken });
      const res = await call(token);
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ error: 'invalid_token' });
      expectNoSecret(res, token);
    },
  );

  it('a scope missing from requiredScopes: 403 insufficient_scope', async () => {
    const { call, seen } = await serve(authenticatorFor(), { requiredScopes: ['files:write'] });
    const res = await call(await issuer.sign({ scope: 'files:read' }));
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: 'insufficient_scope' });
    expect(res.headers['www-authenticate']).toContain('scope="files:write"');
    expect(seen).toHaveLength(0);
    expect((await call(await issuer.sign({ scope: 'files:write' }))).status).toBe(200);
  });

  it('a deny-list that cannot answer: 500 server_error, the cause kept out of the answer', async () => {
    const denyList: DenyList = {
      revoke: () => {},
      isRevoked: () => {
        throw new Error(SECRET);
      },
    };
    const { call } = await serve(authenticatorFor({ denyList }));
    const token = await issuer.sign({ scope: 'files:read' });
    const res = await call(token);
    expect(res.status).toBe(500);
    expect(res.json).toEqual({
      error: 'server_error',
      error_description: 'Authentication is temporarily unavailable',
    });
    expectNoSecret(res, token);
  });

  it('a revoked token: 401', async () => {
    const denyList: DenyList = { revoke: () => {}, isRevoked: () => true };
    const { call } = await serve(authenticatorFor({ denyList }));
    const res = await call(await issuer.sign({ scope: 'files:read' }));
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ error: 'invalid_token' });
  });

  it('an API key lookup that fails: 500 server_error, no secret in the answer', async () => {
    const { key } = generateApiKey({ prefix: 'mk' });
    const { call } = await serve(authenticatorFor({ failingLookup: true }));
    const res = await call(key);
    expect(res.status).toBe(500);
    expect(res.json).toMatchObject({ error: 'server_error' });
    expectNoSecret(res, key);
  });

  it('requireBearerAuth({ expectedResource }) matches AuthInfo.resource', async () => {
    const token = await issuer.sign({ scope: 'files:read' });
    const same = await serve(authenticatorFor(), { expectedResource: new URL(RESOURCE) });
    expect((await same.call(token)).status).toBe(200);
    const other = await serve(authenticatorFor(), {
      expectedResource: new URL('https://other.example.test/mcp'),
    });
    const res = await other.call(token);
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ error_description: 'Token was not issued for this resource' });
  });
});

describe('mcpTokenVerifier() on its own', () => {
  const verifier = () => mcpTokenVerifier(authenticatorFor(), { resource: RESOURCE });

  it('maps each refusal to the SDK error of the same status, with the AuthError as cause', async () => {
    const expired = await issuer.sign({}, { broken: 'expired' });
    const invalid = await verifier()
      .verifyAccessToken(expired)
      .catch((e) => e);
    expect(invalid).toBeInstanceOf(InvalidTokenError);
    expect(invalid.message).toBe('The token has expired');
    expect(invalid.cause).toMatchObject({ name: 'AuthError', code: 'ERR_JWT_EXPIRED' });

    // Not a b64token (RFC 6750 §2.1): Portcullis answers 400 invalid_request.
    const malformed = await verifier()
      .verifyAccessToken('two words')
      .catch((e) => e);
    expect(malformed).toBeInstanceOf(InvalidRequestError);
    expect(malformed.cause).toMatchObject({ status: 400 });
  });

  it('a 403 from the authenticator becomes InsufficientScopeError', async () => {
    // A custom authenticator may refuse with a 403 of its own.
    const forbidden: Authenticator = {
      realm: 'mcp',
      authenticate: () =>
        Promise.reject(
          new AuthError({
            status: 403,
            error: 'insufficient_scope',
            code: 'ERR_INSUFFICIENT_SCOPE',
            description: 'The credential lacks a required scope',
          }),
        ),
    };
    const scope = await mcpTokenVerifier(forbidden, { resource: RESOURCE })
      .verifyAccessToken('x')
      .catch((e) => e);
    expect(scope).toBeInstanceOf(InsufficientScopeError);
    expect(scope.message).toBe('The credential lacks a required scope');
  });

  it('anything but an AuthError becomes a ServerError with a fixed message', async () => {
    const broken: Authenticator = {
      realm: 'mcp',
      authenticate: () => Promise.reject(new Error(SECRET)),
    };
    const err = await mcpTokenVerifier(broken, { resource: RESOURCE })
      .verifyAccessToken('x')
      .catch((e) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err.message).toBe('Authentication failed on the server');
    expect(err.toResponseObject()).toEqual({
      error: 'server_error',
      error_description: 'Authentication failed on the server',
    });
    expect(err.cause.message).toBe(SECRET);

    const limited: Authenticator = {
      realm: 'mcp',
      authenticate: async () => {
        throw new AuthError({
          status: 429,
          error: 'rate_limited',
          code: 'ERR_RATE_LIMITED',
          description: 'Too many requests',
        });
      },
    };
    const other = await mcpTokenVerifier(limited, { resource: RESOURCE })
      .verifyAccessToken('x')
      .catch((e) => e);
    expect(other).toBeInstanceOf(ServerError);
    expect(other.message).toBe('Authentication failed on the server');
  });

  it('an authenticator that answers null refuses the token', async () => {
    const lenient: Authenticator = { realm: 'mcp', authenticate: async () => null };
    const err = await mcpTokenVerifier(lenient, { resource: RESOURCE })
      .verifyAccessToken('x')
      .catch((e) => e);
    expect(err).toBeInstanceOf(InvalidTokenError);
  });

  it('each call gets its own AuthInfo: changing one changes no other', async () => {
    const v = verifier();
    const token = await issuer.sign({ scope: 'a b' });
    const one = await v.verifyAccessToken(token);
    one.scopes.push('admin');
    one.resource!.pathname = '/elsewhere';
    const two = await v.verifyAccessToken(token);
    expect(two.scopes).toEqual(['a', 'b']);
    expect(two.resource!.href).toBe(RESOURCE);
  });

  it('checks its arguments at once', () => {
    const auth = authenticatorFor();
    const bad = (resource: unknown) => () =>
      mcpTokenVerifier(auth, { resource } as { resource: string });
    for (const resource of [
      undefined,
      '',
      '/mcp',
      'mcp.example.test/mcp',
      'http://mcp.example.test/mcp',
      'https://mcp.example.test/mcp#frag',
      'ftp://mcp.example.test/mcp',
      'https://mcp.example.test/a b',
      42,
    ]) {
      expect(bad(resource), String(resource)).toThrow(
        /mcpTokenVerifier\(\): `resource` must be an absolute https: URL/,
      );
    }
    for (const ok of [
      RESOURCE,
      'http://127.0.0.1:3000/mcp',
      'http://localhost:8080/mcp',
      'http://[::1]:1/mcp',
    ]) {
      expect(() => mcpTokenVerifier(auth, { resource: ok })).not.toThrow();
    }
    expect(() => mcpTokenVerifier(auth, { resource: RESOURCE, audience: 'x' } as never)).toThrow(
      /unknown option `audience`/,
    );
    expect(() => mcpTokenVerifier(auth, null as never)).toThrow(/needs an options object/);
    expect(() => mcpTokenVerifier({} as never, { resource: RESOURCE })).toThrow(
      /`authenticator` must come from createAuthenticator\(\)/,
    );
    expect(() => mcpTokenVerifier(null as never, { resource: RESOURCE })).toThrow(TypeError);
  });
});

describe('toAuthInfo()', () => {
  it('makes the AuthInfo mcpTokenVerifier() would, from a principal', async () => {
    const token = await issuer.sign({ scope: 'files:read', client_id: 'agent-7' });
    const verified = await mcpTokenVerifier(authenticatorFor(), {
      resource: RESOURCE,
    }).verifyAccessToken(token);
    const principal = await authenticatorFor().authenticate({
      header: (name) => (name === 'authorization' ? `Bearer ${token}` : undefined),
    });
    expect(toAuthInfo(principal!, { token, resource: RESOURCE })).toEqual(verified);
    const keyed = toAuthInfo(
      { method: 'api_key', subject: 'bot', scopes: ['a'], keyId: 'key_1', tenant: 't1' },
      { token: 'mk_x', resource: RESOURCE },
    );
    expect(keyed).toEqual({
      token: 'mk_x',
      clientId: 'key_1',
      scopes: ['a'],
      resource: new URL(RESOURCE),
      extra: { subject: 'bot', method: 'api_key', tenant: 't1' },
    });
  });

  it('checks its options', () => {
    const principal = { method: 'jwt' as const, subject: 's', scopes: [] };
    expect(() => toAuthInfo(principal, { token: 't', resource: '/mcp' })).toThrow(
      /toAuthInfo\(\): `resource` must be an absolute https: URL/,
    );
    expect(() => toAuthInfo(principal, { resource: RESOURCE } as never)).toThrow(
      /toAuthInfo\(\): `token` must be the bearer token/,
    );
    expect(() => toAuthInfo(principal, { token: 't', resource: RESOURCE, x: 1 } as never)).toThrow(
      /unknown option `x`/,
    );
  });
});
