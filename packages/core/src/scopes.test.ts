import { describe, expect, it } from 'vitest';
import { hasScopes, scopeGuard } from './scopes.js';
import type { Principal } from './types.js';

const principal: Principal = { method: 'jwt', subject: 's', scopes: ['a:read', 'b:read'] };

describe('hasScopes', () => {
  it('needs all scopes in "all" mode and one in "any" mode', () => {
    expect(hasScopes(principal, ['a:read', 'b:read'])).toBe(true);
    expect(hasScopes(principal, ['a:read', 'c:read'])).toBe(false);
    expect(hasScopes(principal, ['a:read', 'c:read'], 'any')).toBe(true);
    expect(hasScopes(principal, ['c:read'], 'any')).toBe(false);
  });

  it('matches exactly and case-sensitively', () => {
    expect(hasScopes(principal, ['A:read'])).toBe(false);
    expect(hasScopes(principal, ['a:rea'])).toBe(false);
    expect(hasScopes(principal, ['a:read '])).toBe(false);
  });
});

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
