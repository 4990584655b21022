// The Fastify example (fastify.js) in memory through `app.inject()`, under node:test: what the
// demo's tour does not show, its body limit and its answers for routes it has not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFastifyApp } from '../fastify.js';
import { createAuthServer } from '../shared/auth-server.js';

async function setup() {
  const server = createAuthServer();
  const key = server.addApiKey({ subject: 'support-bot', scopes: ['conversations:read'] });
  const app = await createFastifyApp(server);
  return { app, key };
}

describe('the Fastify example', () => {
  it('answers 401 with a challenge without a credential, 200 with an API key', async () => {
    const { app, key } = await setup();
    const none = await app.inject('/conversations');
    assert.equal(none.statusCode, 401);
    assert.match(none.headers['www-authenticate'], /^Bearer realm=/);
    const ok = await app.inject({ url: '/conversations', headers: { 'x-api-key': key } });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.json().caller.subject, 'support-bot');
    assert.match(ok.headers['ratelimit-policy'], /^"default";q=\d+;w=60$/);
  });

  it('answers 403 for a missing scope, 405 and 404 for routes it has not', async () => {
    const { app, key } = await setup();
    const refused = await app.inject({ url: '/billing/invoices', headers: { 'x-api-key': key } });
    assert.equal(refused.statusCode, 403);
    assert.match(refused.headers['www-authenticate'], /scope="billing:read"/);
    const wrongMethod = await app.inject({ method: 'DELETE', url: '/conversations' });
    assert.equal(wrongMethod.statusCode, 405);
    assert.equal(wrongMethod.headers.allow, 'GET');
    assert.equal((await app.inject('/nowhere?x=1')).statusCode, 404);
  });

  it('refuses a body over the limit with 413, in the shared answer', async () => {
    const { app } = await setup();
    const res = await app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'x'.repeat(64 * 1024),
    });
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().error, 'invalid_request');
  });
});
