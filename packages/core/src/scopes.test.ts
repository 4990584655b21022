import { describe, expect, it } from 'vitest';
import { hasScopes } from './scopes.js';
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
