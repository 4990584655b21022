import type { AuthEvent } from '@portcullis/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, type Target } from './apps.js';
import { BARE, NONE, SCENARIOS, type Scenario } from './scenarios.js';
import { type Credentials, mintCredentials } from './tokens.js';
import { makeWorld, REALM, SETUPS, type Setup } from './world.js';

let creds: Credentials;
const world = makeWorld();
beforeAll(async () => {
  creds = await mintCredentials(await world);
});

function checkAnswer(
  s: Scenario,
  status: number,
  header: (n: string) => string | undefined,
  text: string,
) {
  expect(status).toBe(s.status);
  const challenge = header('www-authenticate');
  const body = JSON.parse(text);
  if (s.status === 200) {
    expect(challenge).toBeUndefined();
    expect(body).toEqual({ seen: s.seen });
    return;
  }
  expect(body).toEqual({ error: s.error, error_description: expect.any(String) });
  expect(header('cache-control')).toBe('no-store');
  expect(header('content-type')).toMatch(/^application\/json/);
  if (s.status === 503) expect(header('retry-after')).toMatch(/^\d+$/);
  if (s.challenge === NONE) expect(challenge).toBeUndefined();
  else if (s.challenge === BARE) expect(challenge).toBe(`Bearer realm="${REALM}"`);
  else {
    expect(challenge).toMatch(new RegExp(`^Bearer realm="${REALM}", error="${s.challenge}"`));
    if (s.scope !== undefined) expect(challenge).toContain(`scope="${s.scope}"`);
  }
}

function outcomesOf(s: Scenario): AuthEvent['outcome'][] {
  if (s.status === 200) return [s.seen === null ? 'anonymous' : 'success'];
  // A scope guard's 403 follows a successful authentication, and is reported on its own.
  return s.status === 403 ? ['success', 'denied'] : ['failure'];
}

describe.each(ADAPTERS)('conformance: %s', (_name, factory) => {
  const targets = new Map<Setup, Target>();
  const events: AuthEvent[] = [];
  beforeAll(async () => {
    const w = await world;
    for (const setup of SETUPS) {
      targets.set(setup, await factory(w.authenticator(setup, (e) => events.push(e))));
    }
  });
  afterAll(async () => {
    for (const t of targets.values()) await t.close();
  });

  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_n, s) => {
    const headers = s.send(creds);
    events.length = 0;
    const res = await targets.get(s.setup)!.send(s.path, headers);
    checkAnswer(s, res.status, res.header, res.text);
    // The adapter authenticated once: one audit event, with the outcome the answer implies, and
    // one more for a scope guard's 403.
    expect(events.map((e) => e.outcome)).toEqual(outcomesOf(s));
    if (s.status === 403) {
      expect(events[1]).toMatchObject({ status: 403, code: 'ERR_INSUFFICIENT_SCOPE' });
      expect(events[1]!.scopes?.join(' ')).toBe(s.scope);
    }
    // Nothing the client sent as a credential comes back to it.
    for (const [, value] of headers) {
      const secret = value.replace(/^Bearer /, '');
      if (secret.length < 16) continue;
      expect(res.text).not.toContain(secret);
      expect(res.header('www-authenticate') ?? '').not.toContain(secret);
      expect(JSON.stringify(events)).not.toContain(secret);
    }
  });
});
