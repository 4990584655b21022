// The agent client, against a fake fetch and a fake clock, under node:test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAgent } from '../agent.js';

function fakeApi({ expiresIn = 300, refuse = () => false, tokenStatus = 200 } = {}) {
  const state = { issued: 0, calls: [] };
  const fetch = async (url, init) => {
    const { pathname } = new URL(url);
    if (pathname === '/oauth/token') {
      state.issued += 1;
      await new Promise((r) => setImmediate(r)); // let concurrent callers pile up
      if (tokenStatus !== 200)
        return Response.json({ error: 'invalid_client' }, { status: tokenStatus });
      return Response.json({
        access_token: `t${state.issued}`,
        token_type: 'Bearer',
        expires_in: expiresIn,
      });
    }
    const token = init.headers.authorization.slice('Bearer '.length);
    state.calls.push(token);
    if (!refuse(token)) return new Response('{}');
    const challenge = 'Bearer realm="agent-api", error="invalid_token"';
    return new Response('{}', { status: 401, headers: { 'www-authenticate': challenge } });
  };
  return { fetch, state };
}

const options = (fetch, now) => ({
  baseUrl: 'http://127.0.0.1:1',
  clientId: 'c',
  clientSecret: 's',
  fetch,
  now,
});

describe('createAgent', () => {
  it('makes one token request however many calls wait for it', async () => {
    const { fetch, state } = fakeApi();
    const agent = createAgent(options(fetch));
    const answers = await Promise.all(Array.from({ length: 20 }, () => agent.fetch('/x')));
    assert.deepEqual(
      answers.map((r) => r.status),
      Array(20).fill(200),
    );
    assert.equal(state.issued, 1);
    assert.deepEqual(new Set(state.calls), new Set(['t1']));
  });

  it('reuses the token, then refreshes it shortly before it expires', async () => {
    let now = 0;
    const { fetch, state } = fakeApi({ expiresIn: 300 });
    const agent = createAgent(options(fetch, () => now));
    await agent.fetch('/x');
    now = 269_000; // 300 s lifetime, refreshed 30 s early
    await agent.fetch('/x');
    assert.equal(state.issued, 1);
    now = 270_000;
    await agent.fetch('/x');
    assert.equal(state.issued, 2);
    assert.deepEqual(state.calls, ['t1', 't1', 't2']);
  });

  it('on 401 gets a new token and retries once, never more', async () => {
    const { fetch, state } = fakeApi({ refuse: (t) => t === 't1' });
    const agent = createAgent(options(fetch));
    assert.equal((await agent.fetch('/x')).status, 200);
    assert.deepEqual(state.calls, ['t1', 't2']);
    const always = fakeApi({ refuse: () => true });
    const stubborn = createAgent(options(always.fetch));
    assert.equal((await stubborn.fetch('/x')).status, 401);
    assert.equal(always.state.calls.length, 2);
  });

  it('a failed token request rejects every waiter without the secret, and the next call tries again', async () => {
    const { fetch, state } = fakeApi({ tokenStatus: 401 });
    const agent = createAgent(options(fetch));
    const results = await Promise.allSettled([agent.fetch('/x'), agent.fetch('/x')]);
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.equal(r.reason.message, 'token request failed: 401 invalid_client');
    }
    assert.equal(state.issued, 1);
    await assert.rejects(agent.fetch('/x'));
    assert.equal(state.issued, 2);
  });
});
