// The fetch example (fetch.js) in memory, each request a `new Request(...)` handed to the handler,
// as Bun, Deno and Workers would call it, under node:test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFetchHandler } from '../fetch.js';
import { createAuthServer } from '../shared/auth-server.js';

function setup() {
  const server = createAuthServer();
  const key = server.addApiKey({ subject: 'support-bot', scopes: ['conversations:read'] });
  const fetch = createFetchHandler(server);
  const call = (path, init = {}) => fetch(new Request(`http://localhost${path}`, init));
  return { call, key };
}

describe('the fetch example', () => {
  it('answers 401 with a challenge without a credential, 200 with an API key', async () => {
    const { call, key } = setup();
    const none = await call('/conversations');
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate'), /^Bearer realm=/);
    const ok = await call('/conversations', { headers: { 'x-api-key': key } });
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).caller.subject, 'support-bot');
    assert.match(ok.headers.get('ratelimit-policy'), /^"default";q=\d+;w=60$/);
  });

  it('answers 403 for a missing scope, 405 and 404 for routes it has not', async () => {
    const { call, key } = setup();
    const refused = await call('/billing/invoices', { headers: { 'x-api-key': key } });
    assert.equal(refused.status, 403);
    assert.match(refused.headers.get('www-authenticate'), /scope="billing:read"/);
    const wrongMethod = await call('/conversations', { method: 'DELETE' });
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get('allow'), 'GET');
    assert.equal((await call('/nowhere')).status, 404);
  });

  it('refuses a body over the limit with 413', async () => {
    const { call } = setup();
    const res = await call('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'x'.repeat(64 * 1024),
    });
    assert.equal(res.status, 413);
  });
});
