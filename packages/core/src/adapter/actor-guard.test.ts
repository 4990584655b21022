import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../authenticator.js';
import { rateLimiter } from '../limits/policy.js';
import { fakeMethod } from '../test-helpers/fake-method.js';
import type { Actor, AuthEvent, Principal } from '../types.js';
import { actorGuard } from './actor-guard.js';

const ISS = 'https://id.example.com/';
const delegated = (actor: Actor, act: Record<string, unknown> = {}): Principal => ({
  method: 'jwt',
  subject: 'user-1',
  scopes: ['a:read'],
  actor,
  claims: { iss: ISS, sub: 'user-1', jti: 'id-1', act: { ...act, sub: actor.subject } },
});
const direct: Principal = { method: 'jwt', subject: 'user-1', scopes: [], claims: { iss: ISS } };
const key: Principal = { method: 'api_key', subject: 'svc', scopes: [], keyId: 'key_1' };
const state = (principal: Principal | null) => ({ principal, realm: 'r' });

describe('actorGuard', () => {
  it('passes a principal whose current actor is listed', () => {
    const check = actorGuard(['agent-1', 'agent-2']);
    expect(check(state(delegated({ subject: 'agent-2' })))).toBeUndefined();
    expect(check(state(delegated({ subject: 'agent-1', issuer: ISS })))).toBeUndefined();
  });

  it('answers 403 ERR_ACTOR_NOT_ALLOWED, insufficient_scope without a scope', () => {
    const err = actorGuard(['agent-1'])(state(delegated({ subject: 'agent-3' })));
    expect(err).toMatchObject({ status: 403, code: 'ERR_ACTOR_NOT_ALLOWED' });
    expect(err?.error).toBe('insufficient_scope');
    expect(err?.headers['www-authenticate']).toBe(
      'Bearer realm="r", error="insufficient_scope", error_description="The token is not delegated to an actor allowed here"',
    );
    expect(err?.body).toEqual({
      error: 'insufficient_scope',
      error_description: 'The token is not delegated to an actor allowed here',
    });
  });

  it('refuses a principal with no actor: a direct token, an API key', () => {
    const check = actorGuard(['agent-1']);
    expect(check(state(direct))?.code).toBe('ERR_ACTOR_NOT_ALLOWED');
    expect(check(state(key))?.code).toBe('ERR_ACTOR_NOT_ALLOWED');
    expect(actorGuard(() => true)(state(key))?.status).toBe(403);
  });

  it('reads the current actor only, and a listed subject of another issuer is another actor', () => {
    const check = actorGuard(['agent-1']);
    // agent-1 acted before agent-3: the current actor decides.
    expect(
      check(state(delegated({ subject: 'agent-3' }, { act: { sub: 'agent-1' } })))?.status,
    ).toBe(403);
    expect(check(state(delegated({ subject: 'agent-1', issuer: 'https://other/' })))?.status).toBe(
      403,
    );
  });

  it('takes a function, alone or alone in a list; () => true means any actor', () => {
    const any = actorGuard(() => true);
    expect(any(state(delegated({ subject: 'whoever' })))).toBeUndefined();
    expect(any(state(direct))?.status).toBe(403);
    const fromOther = actorGuard([(a: Actor) => a.issuer === 'https://other/'] as const);
    expect(fromOther(state(delegated({ subject: 'x', issuer: 'https://other/' })))).toBeUndefined();
    expect(fromOther(state(delegated({ subject: 'x' })))?.status).toBe(403);
  });

  it('answers 500, never a pass, for a function that throws or answers no boolean', () => {
    const p = state(delegated({ subject: 'agent-1' }));
    const asyncFn = actorGuard((async () => true) as unknown as () => boolean);
    expect(asyncFn(p)).toMatchObject({ status: 500, code: 'ERR_INTERNAL' });
    expect(String((asyncFn(p)?.cause as Error | undefined)?.message)).toMatch(/promise/);
    const throwing = actorGuard(() => {
      throw new Error('boom');
    });
    expect(throwing(p)).toMatchObject({ status: 500, code: 'ERR_INTERNAL' });
  });

  it('answers 401 when an optional route saw no credential, 500 when authenticate() never ran', () => {
    const check = actorGuard(['agent-1']);
    const anonymous = check(state(null));
    expect(anonymous?.status).toBe(401);
    expect(anonymous?.headers['www-authenticate']).toBe('Bearer realm="r"');
    const err = check(undefined);
    expect(err).toMatchObject({ status: 500, code: 'ERR_NOT_AUTHENTICATED' });
    expect(String((err?.cause as Error | undefined)?.message)).toContain('requireActor()');
  });

  it('refuses no actor, or a malformed one, at construction', () => {
    expect(() => actorGuard([])).toThrow(TypeError);
    expect(() => actorGuard([])).toThrow(/requireActor\(\) needs at least one actor subject/);
    expect(() => actorGuard(['a', ''])).toThrow(TypeError);
    expect(() => actorGuard([42 as unknown as string])).toThrow(TypeError);
    expect(() => actorGuard(['a', (() => true) as unknown as string])).toThrow(TypeError);
  });
});

describe('actorGuard audit events', () => {
  function setup(resourceMetadata?: string) {
    const events: AuthEvent[] = [];
    const authenticator = createAuthenticator({
      methods: [fakeMethod()],
      realm: 'r',
      now: () => 7,
      onEvent: (e) => events.push(e),
      ...(resourceMetadata === undefined ? {} : { resourceMetadata }),
    });
    return { events, authenticator };
  }

  it('reports a 403 as one denied event naming the current actor, never a prior one', () => {
    const { events, authenticator } = setup();
    const principal = delegated({ subject: 'agent-3' }, { act: { sub: 'prior-agent' } });
    expect(actorGuard(['agent-1'])({ principal, realm: 'r', authenticator })?.status).toBe(403);
    actorGuard(['agent-1'])({ principal: key, realm: 'r', authenticator });
    expect(events).toEqual([
      {
        outcome: 'denied',
        method: 'jwt',
        subject: 'user-1',
        jti: 'id-1',
        actor: 'agent-3',
        code: 'ERR_ACTOR_NOT_ALLOWED',
        reason: 'actor_not_allowed',
        status: 403,
        time: 7,
      },
      {
        outcome: 'denied',
        method: 'api_key',
        subject: 'svc',
        keyId: 'key_1',
        code: 'ERR_ACTOR_NOT_ALLOWED',
        reason: 'not_delegated',
        status: 403,
        time: 7,
      },
    ]);
    expect(JSON.stringify(events)).not.toContain('prior-agent');
  });

  it('reports nothing for a pass, a 401 or a 500', () => {
    const { events, authenticator } = setup();
    const check = actorGuard(['agent-1']);
    const principal = delegated({ subject: 'agent-1' });
    expect(check({ principal, realm: 'r', authenticator })).toBeUndefined();
    expect(check({ principal: null, realm: 'r', authenticator })?.status).toBe(401);
    expect(check(undefined)?.status).toBe(500);
    expect(events).toEqual([]);
  });

  it("names the authenticator's resource metadata in its challenges", () => {
    const metadata = 'https://api.example.com/.well-known/oauth-protected-resource';
    const { authenticator } = setup(metadata);
    const check = actorGuard(['agent-1']);
    const denied = check({ principal: direct, realm: 'r', authenticator });
    expect(denied?.headers['www-authenticate']).toContain(`resource_metadata="${metadata}"`);
    expect(denied?.headers['www-authenticate']).not.toContain('scope=');
    expect(denied?.headers['access-control-expose-headers']).toBe('WWW-Authenticate');
    const anonymous = check({ principal: null, realm: 'r', authenticator });
    expect(anonymous?.headers['www-authenticate']).toBe(
      `Bearer realm="r", resource_metadata="${metadata}"`,
    );
  });
});

describe('the current actor in limited events', () => {
  it("names the actor's subject in a 429's limited event", async () => {
    const events: AuthEvent[] = [];
    const authenticator = createAuthenticator({
      methods: [fakeMethod()],
      onEvent: (e) => events.push(e),
    });
    const limit = rateLimiter('rateLimit()', { limit: 1, window: 60 });
    const principal = delegated({ subject: 'agent-1' });
    await limit({ principal, realm: 'r', authenticator });
    await limit({ principal, realm: 'r', authenticator });
    expect(events).toMatchObject([
      { outcome: 'limited', subject: 'user-1', actor: 'agent-1', code: 'ERR_RATE_LIMITED' },
    ]);
  });
});
