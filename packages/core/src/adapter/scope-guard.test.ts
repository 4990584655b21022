import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../authenticator.js';
import { fakeMethod } from '../test-helpers/fake-method.js';
import type { AuthEvent, Principal } from '../types.js';
import { scopeGuard } from './scope-guard.js';

const principal: Principal = { method: 'jwt', subject: 's', scopes: ['a:read', 'b:read'] };

describe('scopeGuard', () => {
  it('passes a principal with the scopes', () => {
    expect(scopeGuard('all', ['a:read'])({ principal, realm: 'api' })).toBeUndefined();
  });

  it('answers 403 naming every required scope', () => {
    const err = scopeGuard('all', ['a:read', 'c:write'])({ principal, realm: 'r' });
    expect(err?.status).toBe(403);
    expect(err?.code).toBe('ERR_INSUFFICIENT_SCOPE');
    expect(err?.headers['www-authenticate']).toBe(
      'Bearer realm="r", error="insufficient_scope", error_description="The credential lacks a required scope", scope="a:read c:write"',
    );
  });

  it('answers 401 when an optional route saw no credential', () => {
    const err = scopeGuard('any', ['a:read'])({ principal: null, realm: 'api' });
    expect(err?.status).toBe(401);
    expect(err?.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('answers 500, never a pass, when authenticate() never ran', () => {
    const err = scopeGuard('all', ['a:read'])(undefined);
    expect(err?.status).toBe(500);
    expect(err?.code).toBe('ERR_NOT_AUTHENTICATED');
    expect(String((err?.cause as Error | undefined)?.message)).toContain('authenticate()');
  });

  it('refuses bad scope names at construction', () => {
    expect(() => scopeGuard('all', [])).toThrow(TypeError);
    expect(() => scopeGuard('all', ['a b'])).toThrow(TypeError);
    expect(() => scopeGuard('all', ['a"b'])).toThrow(TypeError);
    expect(() => scopeGuard('any', [''])).toThrow(/requireAnyScope/);
    expect(() => scopeGuard('all', [42 as unknown as string])).toThrow(TypeError);
  });
});

describe('scopeGuard audit events', () => {
  function setup() {
    const events: AuthEvent[] = [];
    const authenticator = createAuthenticator({
      methods: [fakeMethod()],
      realm: 'r',
      now: () => 7,
      onEvent: (e) => events.push(e),
    });
    return { events, authenticator };
  }
  const jwtPrincipal: Principal = {
    method: 'jwt',
    subject: 'user-1',
    scopes: ['a:read'],
    tenant: 't1',
    claims: { sub: 'user-1', jti: 'id-1', secret_claim: 'do-not-log' },
  };

  it('reports a 403 as one denied event naming the required scopes', () => {
    const { events, authenticator } = setup();
    const state = { principal: jwtPrincipal, realm: 'r', authenticator };
    expect(scopeGuard('all', ['a:read', 'c:write'])(state)?.status).toBe(403);
    expect(events).toEqual([
      {
        outcome: 'denied',
        method: 'jwt',
        subject: 'user-1',
        jti: 'id-1',
        tenant: 't1',
        scopes: ['a:read', 'c:write'],
        code: 'ERR_INSUFFICIENT_SCOPE',
        status: 403,
        time: 7,
      },
    ]);
    expect(JSON.stringify(events)).not.toContain('do-not-log');
    const key: Principal = { method: 'api_key', subject: 'svc', scopes: [], keyId: 'key_1' };
    scopeGuard('any', ['x', 'y'])({ principal: key, realm: 'r', authenticator });
    expect(events[1]).toMatchObject({ outcome: 'denied', keyId: 'key_1', scopes: ['x', 'y'] });
  });

  it('reports nothing for a pass, a 401 on an optional route, or a 500', () => {
    const { events, authenticator } = setup();
    expect(scopeGuard('all', ['a:read'])({ principal, realm: 'r', authenticator })).toBeUndefined();
    expect(
      scopeGuard('all', ['a:read'])({ principal: null, realm: 'r', authenticator })?.status,
    ).toBe(401);
    expect(scopeGuard('all', ['a:read'])(undefined)?.status).toBe(500);
    expect(events).toEqual([]);
  });

  it('still answers 403 when the state names no authenticator', () => {
    expect(scopeGuard('all', ['c:write'])({ principal, realm: 'r' })?.status).toBe(403);
  });
});
