// The helpers under Node's own test runner (`node --test`), from the built package, as a user
// who does not use Vitest would import them.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { apiKey, createAuthenticator, jwt } from '@portcullis/core';
import { authenticate, protectedResource, requireScope } from '@portcullis/express';
import {
  assertResourceServer,
  checkResourceServer,
  createKeyStore,
  createTestIssuer,
  fakeAuthenticator,
  tamper,
  testPrincipal,
} from '@portcullis/testing';
import express from 'express';

async function serve(authenticator) {
  const app = express();
  app.get('/invoices', authenticate(authenticator), requireScope('billing:read'), (req, res) => {
    res.json({ subject: req.auth.subject });
  });
  const server = createServer(app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${server.address().port}/invoices` };
}

describe('@portcullis/testing under node:test', () => {
  let issuer;
  let store;
  let http;

  before(async () => {
    issuer = await createTestIssuer();
    store = createKeyStore();
    const authenticator = createAuthenticator({
      methods: [jwt(issuer.jwtOptions), apiKey(store.apiKeyOptions)],
    });
    http = await serve(authenticator);
  });
  after(() => http.server.close());

  const get = (headers) => fetch(http.url, { headers });

  it('accepts a token from the test issuer and refuses a tampered one', async () => {
    const token = await issuer.sign({ scope: 'billing:read' }, { subject: 'agent-1' });
    const ok = await get({ authorization: `Bearer ${token}` });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { subject: 'agent-1' });
    const bad = await get({ authorization: `Bearer ${tamper(token)}` });
    assert.equal(bad.status, 401);
    assert.match(bad.headers.get('www-authenticate'), /error="invalid_token"/);
  });

  it('refuses an expired token', async () => {
    const token = await issuer.sign({ scope: 'billing:read' }, { broken: 'expired' });
    assert.equal((await get({ authorization: `Bearer ${token}` })).status, 401);
  });

  it('accepts a fake API key until it is revoked', async () => {
    const { key, id } = store.add({ subject: 'svc', scopes: ['billing:read'] });
    assert.equal((await get({ 'x-api-key': key })).status, 200);
    store.revoke(id);
    assert.equal((await get({ 'x-api-key': key })).status, 401);
  });

  it('runs a handler with a fake principal and the real scope guard', async () => {
    const fake = await serve(fakeAuthenticator(testPrincipal({ scopes: ['conversations:read'] })));
    try {
      const res = await fetch(fake.url);
      assert.equal(res.status, 403);
      assert.match(res.headers.get('www-authenticate'), /scope="billing:read"/);
    } finally {
      fake.server.close();
    }
  });

  it('checks an MCP resource server, and names what is wrong with a broken one', async () => {
    const resource = 'https://mcp.example.com/mcp';
    const resourceMetadata = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
    const authenticator = createAuthenticator({
      methods: [jwt({ ...issuer.jwtOptions, audience: resource })],
      resourceMetadata,
    });
    const app = express();
    app.use(protectedResource({ resource, authorizationServers: [issuer.issuer], authenticator }));
    app.post('/mcp', authenticate(authenticator), (_req, res) => res.json({ ok: true }));
    const server = createServer(app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${server.address().port}/mcp`;
    try {
      const report = await assertResourceServer({ url, resource, issuer, body: { id: 1 } });
      assert.equal(report.checks.length, 8);
      const wrong = await checkResourceServer({ url, resource: `${resource}/`, issuer, body: {} });
      assert.deepEqual(
        wrong.checks.filter((check) => !check.ok).map((check) => check.name),
        ['metadata', 'metadata-path', 'good-token'],
      );
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
