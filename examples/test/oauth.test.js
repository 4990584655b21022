// The shared token and revocation endpoints, framework-free, under node:test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAuthenticator } from '@portcullis/core';
import { AUDIENCE, createAuthServer } from '../shared/auth-server.js';

const FORM = 'application/x-www-form-urlencoded';

function setup() {
  let now = Date.UTC(2030, 0, 1);
  const server = createAuthServer({ now: () => now });
  const client = server.addClient({ name: 'agent', scopes: ['billing:read', 'billing:write'] });
  const other = server.addClient({ name: 'other', scopes: ['billing:read'] });
  const basicOf = (c) =>
    `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`;
  const token = (fields, authorization = basicOf(client), contentType = FORM) =>
    server.token({ authorization, contentType, body: new URLSearchParams(fields).toString() });
  const revoke = (fields, authorization = basicOf(client)) =>
    server.revoke({
      authorization,
      contentType: FORM,
      body: new URLSearchParams(fields).toString(),
    });
  const call = (accessToken) =>
    server.authenticator
      .authenticate({
        header: (n) => (n === 'authorization' ? `Bearer ${accessToken}` : undefined),
      })
      .then(
        (p) => p,
        (e) => e.code,
      );
  return { server, client, other, basicOf, token, revoke, call, tick: (s) => (now += s * 1000) };
}

function assertError(answer, status, error) {
  assert.equal(answer.status, status);
  assert.equal(answer.body.error, error);
  assert.equal(typeof answer.body.error_description, 'string');
  assert.equal(answer.headers['cache-control'], 'no-store');
}

describe('POST /oauth/token (client credentials)', () => {
  it('issues a short-lived Bearer token with a jti, narrowed to the requested scope', async () => {
    const { token, call, client } = setup();
    const answer = token({ grant_type: 'client_credentials', scope: 'billing:read' });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['cache-control'], 'no-store');
    assert.deepEqual(Object.keys(answer.body).sort(), [
      'access_token',
      'expires_in',
      'scope',
      'token_type',
    ]);
    assert.equal(answer.body.token_type, 'Bearer');
    assert.equal(answer.body.expires_in, 300);
    assert.equal(answer.body.scope, 'billing:read');
    const principal = await call(answer.body.access_token);
    assert.deepEqual(principal.scopes, ['billing:read']);
    assert.equal(principal.subject, client.clientId);
    assert.equal(principal.claims.exp - principal.claims.iat, 300);
    assert.match(principal.claims.jti, /^[0-9a-f-]{36}$/);
  });

  it('grants all the client may have when no scope is asked, and accepts form credentials', async () => {
    const { token, client } = setup();
    const answer = token(
      {
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret,
      },
      null,
    );
    assert.equal(answer.status, 200);
    assert.equal(answer.body.scope, 'billing:read billing:write');
  });

  it('the token expires after five minutes', async () => {
    const { token, call, tick } = setup();
    const { access_token } = token({ grant_type: 'client_credentials' }).body;
    tick(301 + 5);
    assert.equal(await call(access_token), 'ERR_JWT_EXPIRED');
  });

  it('refuses bad requests with RFC 6749 §5.2 errors', () => {
    const { token, client, basicOf } = setup();
    const wrong = { ...client, clientSecret: 'wrong' };
    const cc = { grant_type: 'client_credentials' };
    assertError(token(cc, basicOf(wrong)), 401, 'invalid_client');
    assertError(token(cc, null), 401, 'invalid_client');
    assertError(
      token({ ...cc, client_id: client.clientId, client_secret: 'x' }),
      400,
      'invalid_request',
    );
    assertError(token(cc, 'Basic !!!'), 400, 'invalid_request');
    assertError(token(cc, basicOf(client), 'application/json'), 400, 'invalid_request');
    assertError(token({}), 400, 'invalid_request');
    assertError(token({ grant_type: 'password' }), 400, 'unsupported_grant_type');
    assertError(token({ ...cc, scope: 'conversations:read' }), 400, 'invalid_scope');
    assertError(token({ ...cc, scope: 'billing:read  billing:write' }), 400, 'invalid_scope');
    assertError(token({ ...cc, scope: '' }), 400, 'invalid_scope');
    assertError(token({ ...cc, scope: 'BILLING:READ' }), 400, 'invalid_scope');
  });

  it('a Basic challenge accompanies invalid_client, and no answer echoes the secret', () => {
    const { token, client } = setup();
    const answer = token(
      { grant_type: 'client_credentials', client_id: client.clientId, client_secret: 'nope' },
      null,
    );
    assert.match(answer.headers['www-authenticate'], /^Basic realm="oauth"/);
    assert.ok(!JSON.stringify(answer).includes('nope'));
    assert.ok(!JSON.stringify(answer).includes(client.clientSecret));
  });

  it('refuses a parameter sent twice', () => {
    const { server, basicOf, client } = setup();
    const answer = server.token({
      authorization: basicOf(client),
      contentType: FORM,
      body: 'grant_type=client_credentials&scope=billing:read&scope=billing:write',
    });
    assertError(answer, 400, 'invalid_request');
  });
});

describe('POST /oauth/revoke (RFC 7009)', () => {
  it('puts the jti on the deny-list: the token answers 401 at once', async () => {
    const { token, revoke, call } = setup();
    const { access_token } = token({ grant_type: 'client_credentials' }).body;
    assert.equal((await call(access_token)).method, 'jwt');
    const answer = await revoke({ token: access_token });
    assert.equal(answer.status, 200);
    assert.equal(await call(access_token), 'ERR_JWT_REVOKED');
  });

  it('answers 200 for an unknown token, and refuses another client or no client', async () => {
    const { token, revoke, call, other, basicOf } = setup();
    assert.equal((await revoke({ token: 'not-a-token' })).status, 200);
    const { access_token } = token({ grant_type: 'client_credentials' }).body;
    assertError(await revoke({ token: access_token }, basicOf(other)), 400, 'unauthorized_client');
    assertError(await revoke({ token: access_token }, null), 401, 'invalid_client');
    assertError(await revoke({}), 400, 'invalid_request');
    assert.equal((await call(access_token)).method, 'jwt');
  });
});

describe('POST /oauth/token with a resource (RFC 8707)', () => {
  const MCP = 'http://127.0.0.1:4000/mcp';

  function withResource() {
    const server = createAuthServer({ resources: [MCP] });
    const client = server.addClient({ name: 'agent', scopes: ['billing:read'] });
    const basic = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
    const token = (fields) =>
      server.token({
        authorization: basic,
        contentType: FORM,
        body: new URLSearchParams({ grant_type: 'client_credentials', ...fields }).toString(),
      });
    const revoke = (accessToken) =>
      server.revoke({
        authorization: basic,
        contentType: FORM,
        body: new URLSearchParams({ token: accessToken }).toString(),
      });
    const view = (accessToken) => ({
      header: (n) => (n === 'authorization' ? `Bearer ${accessToken}` : undefined),
    });
    const mcp = createAuthenticator({ methods: [server.tokensFor(MCP)] });
    const on = (authenticator, accessToken) =>
      authenticator.authenticate(view(accessToken)).then(
        (p) => p.claims.aud,
        (e) => e.code,
      );
    return { server, token, revoke, mcp, on };
  }

  it('issues a token for that resource, which only that resource accepts', async () => {
    const { server, token, mcp, on } = withResource();
    const answer = token({ resource: MCP, scope: 'billing:read' });
    assert.equal(answer.status, 200);
    assert.equal(await on(mcp, answer.body.access_token), MCP);
    assert.equal(
      await on(server.authenticator, answer.body.access_token),
      'ERR_JWT_AUDIENCE_INVALID',
    );
    // Without `resource` (or naming the API), the token is the API's, refused by the resource.
    for (const fields of [{}, { resource: AUDIENCE }]) {
      const { access_token } = token(fields).body;
      assert.equal(await on(server.authenticator, access_token), AUDIENCE);
      assert.equal(await on(mcp, access_token), 'ERR_JWT_AUDIENCE_INVALID');
    }
  });

  it('refuses an unknown resource with invalid_target, and a second resource', () => {
    const { token, server } = withResource();
    for (const resource of ['http://127.0.0.1:4001/mcp', `${MCP}/`, `${MCP}#x`, 'mcp', '']) {
      assertError(token({ resource }), 400, 'invalid_target');
    }
    const twice = server.token({
      authorization: null,
      contentType: FORM,
      body: `grant_type=client_credentials&resource=${encodeURIComponent(MCP)}&resource=${encodeURIComponent(AUDIENCE)}`,
    });
    assertError(twice, 400, 'invalid_request');
  });

  it('revokes a token issued for the resource', async () => {
    const { token, revoke, mcp, on } = withResource();
    const { access_token } = token({ resource: MCP }).body;
    assert.equal(await on(mcp, access_token), MCP);
    assert.equal((await revoke(access_token)).status, 200);
    assert.equal(await on(mcp, access_token), 'ERR_JWT_REVOKED');
  });
});
