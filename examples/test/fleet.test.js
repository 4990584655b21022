// Two instances of the Express example sharing revocation through Redis (`pnpm demo --instances`),
// under node:test. Needs a Redis: PORTCULLIS_TEST_REDIS_URL, else REDIS_URL, else 127.0.0.1:6379.
// Without one these tests are skipped, except under CI, where they fail.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashApiKey } from '@portcullis/core';
import { createClient } from 'redis';
import { startExpress } from '../express.js';
import { createAuthServer } from '../shared/auth-server.js';
import { DEFAULT_REDIS_URL, redisProblem, startFleet } from '../shared/fleet.js';
import { runFleetTour } from '../shared/fleet-tour.js';

const REDIS_URL =
  process.env.PORTCULLIS_TEST_REDIS_URL ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
const problem = await redisProblem(REDIS_URL);
const skip =
  problem !== undefined && !process.env.CI ? `no Redis at ${REDIS_URL}: ${problem}` : false;

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function status(instance, path, headers) {
  const res = await fetch(new URL(path, instance.url), { headers });
  await res.body?.cancel();
  return res.status;
}

/** The status once it is `expected`, or the last one after `limit` ms. */
async function eventually(expected, ask, limit = 2000) {
  const deadline = performance.now() + limit;
  for (;;) {
    const got = await ask();
    if (got === expected || performance.now() >= deadline) return got;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function keysUnder(prefix) {
  const client = await createClient({ url: REDIS_URL })
    .on('error', () => {})
    .connect();
  try {
    const found = [];
    for await (const keys of client.scanIterator({ MATCH: `{${prefix}*` })) found.push(...keys);
    return found;
  } finally {
    client.destroy();
  }
}

describe('revokeApiKey() on one server', () => {
  it('refuses the key at once, though its record was cached', async () => {
    const server = createAuthServer();
    const key = server.addApiKey({ subject: 'bot', scopes: ['conversations:read'] });
    const view = { header: (name) => (name === 'x-api-key' ? key : undefined) };
    assert.equal((await server.authenticator.authenticate(view)).subject, 'bot');
    assert.equal(await server.revokeApiKey(key), true);
    await assert.rejects(async () => server.authenticator.authenticate(view), { status: 401 });
    assert.equal(await server.revokeApiKey(key), false);
  });
});

describe('two instances sharing revocation through Redis', { skip }, () => {
  let fleet;
  let one;
  let two;
  let client;
  let basic;
  before(async () => {
    assert.equal(problem, undefined, `no Redis at ${REDIS_URL}`);
    fleet = await startFleet({ count: 2, redisUrl: REDIS_URL, start: startExpress });
    [one, two] = fleet.instances;
    client = fleet.addClient({ name: 'agent', scopes: ['billing:read'] });
    basic = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
  });
  after(async () => {
    const { prefix } = fleet ?? {};
    await fleet?.close();
    // close() leaves nothing of this run in Redis.
    if (prefix !== undefined) assert.deepEqual(await keysUnder(prefix), []);
  });

  it('a token revoked at instance 1 is refused by instance 2', async () => {
    const issued = await fetch(new URL('/oauth/token', one.url), {
      method: 'POST',
      headers: { ...FORM, authorization: basic },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    assert.equal(issued.status, 200);
    const { access_token: token } = await issued.json();
    const bearer = { authorization: `Bearer ${token}` };
    assert.equal(await status(one, '/billing/invoices', bearer), 200);
    assert.equal(await status(two, '/billing/invoices', bearer), 200);

    const revoked = await fetch(new URL('/oauth/revoke', one.url), {
      method: 'POST',
      headers: { ...FORM, authorization: basic },
      body: new URLSearchParams({ token }),
    });
    assert.equal(revoked.status, 200);
    assert.equal(await status(one, '/billing/invoices', bearer), 401);
    assert.equal(await eventually(401, () => status(two, '/billing/invoices', bearer)), 401);
    // Instance 2 answers from its own replica, which holds the jti.
    const { jti } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    assert.equal(await two.denyList.isRevoked(jti), true);
  });

  it('an API key revoked at instance 2 is dropped from instance 1’s cache', async () => {
    const key = fleet.addApiKey({ subject: 'bot', scopes: ['conversations:read'] });
    const control = fleet.addApiKey({ subject: 'control', scopes: ['conversations:read'] });
    for (const instance of [one, two]) {
      assert.equal(await status(instance, '/conversations', { 'x-api-key': key }), 200);
      assert.equal(await status(instance, '/conversations', { 'x-api-key': control }), 200);
    }
    // Deleted from the database without an invalidation: instance 1 still has it cached.
    fleet.store.keys.delete(hashApiKey(control));
    assert.equal(await status(one, '/conversations', { 'x-api-key': control }), 200);

    assert.equal(await two.server.revokeApiKey(key), true);
    assert.equal(await status(two, '/conversations', { 'x-api-key': key }), 401);
    assert.equal(
      await eventually(401, () => status(one, '/conversations', { 'x-api-key': key })),
      401,
    );
  });

  it('passes the fleet tour', async () => {
    const apiKey = fleet.addApiKey({ subject: 'tour', scopes: ['conversations:read'] });
    const rows = await runFleetTour({ instances: fleet.instances, apiKey, client });
    assert.deepEqual(
      rows.filter((r) => !r.ok),
      [],
    );
  });
});
