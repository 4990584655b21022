import type { AuthEvent } from '@portcullis/core';
import { type Answer, FAKE_SECRET, type Target } from '@portcullis/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, appFor } from './apps.js';
import { BARE, NONE, SCENARIOS, type Scenario } from './scenarios.js';
import { type Credentials, mintCredentials } from './tokens.js';
import { makeWorld, REALM, RESOURCE_METADATA, SETUPS, type Setup } from './world.js';

let creds: Credentials;
const world = makeWorld();
beforeAll(async () => {
  creds = await mintCredentials(await world);
});

// The `mcp` setup's authenticator names its metadata (RFC 9728) last in every challenge.
const NAMED = `, resource_metadata="${RESOURCE_METADATA}"`;

function checkAnswer(s: Scenario, res: Answer) {
  expect(res.status).toBe(s.status);
  let challenge = res.headers['www-authenticate'];
  if (s.error === undefined) {
    expect(challenge).toBeUndefined();
    expect(res.json).toEqual('body' in s ? s.body : { seen: s.seen });
    return;
  }
  expect(res.json).toEqual({ error: s.error, error_description: expect.any(String) });
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  if (s.status === 503 || s.status === 429) expect(res.headers['retry-after']).toMatch(/^\d+$/);
  if (s.setup === 'mcp') {
    // Exposed to browser clients (CORS), and the challenge names the metadata.
    expect(res.headers['access-control-expose-headers']).toBe('WWW-Authenticate');
    if (s.challenge !== NONE) {
      expect(challenge?.endsWith(NAMED)).toBe(true);
      challenge = challenge?.slice(0, -NAMED.length);
    }
  } else {
    expect(res.headers['access-control-expose-headers']).toBeUndefined();
  }
  if (s.challenge === NONE) expect(challenge).toBeUndefined();
  else if (s.challenge === BARE) {
    // A scope guard's 401 names the route's scopes when the challenge names the metadata.
    const scope = s.scope === undefined ? '' : `, scope="${s.scope}"`;
    expect(challenge).toBe(`Bearer realm="${REALM}"${scope}`);
  } else {
    expect(challenge).toMatch(new RegExp(`^Bearer realm="${REALM}", error="${s.challenge}"`));
    if (s.scope !== undefined) expect(challenge).toContain(`scope="${s.scope}"`);
  }
}

function checkHeaders(s: Scenario, res: Answer) {
  for (const [name, expected] of Object.entries(s.headers ?? {})) {
    if (expected === null) expect(res.headers[name]).toBeUndefined();
    else if (typeof expected === 'string') expect(res.headers[name]).toBe(expected);
    else expect(res.headers[name]).toMatch(expected);
  }
}

function outcomesOf(s: Scenario): readonly AuthEvent['outcome'][] {
  if (s.events !== undefined) return s.events;
  if (s.status === 200) return [s.seen === null ? 'anonymous' : 'success'];
  // A scope guard's 403 and a limit's 429 follow a successful authentication, and are reported
  // on their own.
  if (s.status === 403) return ['success', 'denied'];
  return s.status === 429 ? ['success', 'limited'] : ['failure'];
}

describe.each(ADAPTERS)('conformance: %s', (name, factory) => {
  const targets = new Map<Setup, Target>();
  const events: AuthEvent[] = [];
  beforeAll(async () => {
    const w = await world;
    for (const setup of SETUPS) {
      targets.set(
        setup,
        await factory(
          w.authenticator(setup, (e) => events.push(e)),
          appFor(setup),
        ),
      );
    }
  });
  afterAll(async () => {
    for (const t of targets.values()) await t.close();
  });

  it.for(SCENARIOS.map((s) => [s.name, s] as const))('%s', async ([, s], { skip }) => {
    // A route the harness cannot build (fetch's withAuth() has no form for it): skipped, saying why.
    const route = appFor(s.setup).routes.find((r) => r.path === s.path.split('?')[0]);
    const reason = route === undefined ? undefined : factory.cannotBuild?.(route);
    if (reason !== undefined) skip(`${name} cannot build ${route!.path}: ${reason}`);
    const headers = s.send(creds);
    const target = targets.get(s.setup)!;
    const method = s.method ?? 'GET';
    for (let i = 0; i < (s.before ?? 0); i++) {
      expect((await target.request(method, s.path, headers)).status).toBe(200);
    }
    events.length = 0;
    const res = await target.request(method, s.path, headers);
    checkAnswer(s, res);
    checkHeaders(s, res);
    // The adapter authenticated once: one audit event, with the outcome the answer implies, and
    // one more for a scope guard's 403, a limit's 429 or its store's failure.
    expect(events.map((e) => e.outcome)).toEqual(outcomesOf(s));
    if (s.status === 403) {
      expect(events[1]).toMatchObject({ status: 403, code: s.code ?? 'ERR_INSUFFICIENT_SCOPE' });
      expect(events[1]!.scopes?.join(' ')).toBe(s.scope);
    }
    if (s.code !== undefined)
      expect(events.at(-1)).toMatchObject({ status: s.status, code: s.code });
    // Nothing the client sent as a credential, and no secret a verifier's error held, comes back.
    const secrets = [FAKE_SECRET];
    for (const [, value] of headers) {
      const secret = value.replace(/^Bearer /, '');
      if (secret.length >= 16) secrets.push(secret);
    }
    for (const secret of secrets) {
      expect(res.body).not.toContain(secret);
      expect(JSON.stringify(res.headers)).not.toContain(secret);
      expect(JSON.stringify(events)).not.toContain(secret);
    }
  });
});
