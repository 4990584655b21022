import { describe, expect, it } from 'vitest';
import { AuthErrorCodes as C } from '../error-codes.js';
import { detailOf } from '../lib/detail.js';
import {
  AUDIENCE,
  claims,
  ctx,
  HS256_HEADER,
  hs256Token,
  IMPLS,
  ISSUER,
  rawHs256,
} from '../test-helpers/jwt-fixtures.js';
import { readScopes, scopeClaimsOf } from './scope-claims.js';
import type { JwtOptions } from './types.js';
import { createJwtVerifier } from './verifier.js';

const read = (payload: Record<string, unknown>, scopeClaim?: string | string[]) =>
  readScopes(payload, scopeClaimsOf(scopeClaim), 'api', 'jti-1');

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    return { code: (err as { code: string }).code, detail: detailOf(err as never) };
  }
  return undefined;
};

describe('scopeClaimsOf', () => {
  it('defaults to `scope` and takes a name, a dotted path or a list of them', () => {
    expect(scopeClaimsOf(undefined)).toEqual([{ name: 'scope', path: ['scope'] }]);
    expect(scopeClaimsOf('scp')).toEqual([{ name: 'scp', path: ['scp'] }]);
    expect(scopeClaimsOf(['scope', 'realm_access.roles', 'scope'])).toEqual([
      { name: 'scope', path: ['scope'] },
      { name: 'realm_access.roles', path: ['realm_access', 'roles'] },
    ]);
    expect(Object.isFrozen(scopeClaimsOf(['a', 'b.c']))).toBe(true);
  });

  it.each([
    ['an empty list', []],
    ['an empty name', ''],
    ['an empty name in a list', ['scope', '']],
    ['a number', 7],
    ['a non-string in a list', ['scope', 1]],
    ['a leading dot', '.roles'],
    ['a trailing dot', 'realm_access.'],
    ['two dots in a row', 'realm_access..roles'],
    ['a lone dot', '.'],
  ])('throws a TypeError for %s', (_name, value) => {
    expect(() => scopeClaimsOf(value)).toThrow(TypeError);
    expect(() => scopeClaimsOf(value)).toThrow(/scopeClaim/);
  });
});

describe('readScopes', () => {
  it('keeps one claim exactly as before: split on spaces, empty parts dropped', () => {
    expect(read({ scope: '  a  b c ' })).toEqual(['a', 'b', 'c']);
    expect(read({ scope: 'a a' })).toEqual(['a', 'a']);
    expect(read({ scp: ['a', '', 'B'] }, 'scp')).toEqual(['a', 'B']);
    expect(read({ permissions: 'a b' }, 'permissions')).toEqual(['a', 'b']);
    expect(read({})).toEqual([]);
  });

  it('unions several claims in order of first appearance, without repeats', () => {
    const payload = {
      scope: 'orders:read profile',
      permissions: ['orders:write', 'orders:read'],
      realm_access: { roles: ['admin', 'profile'] },
    };
    expect(read(payload, ['scope', 'permissions', 'realm_access.roles'])).toEqual([
      'orders:read',
      'profile',
      'orders:write',
      'admin',
    ]);
    expect(read(payload, ['realm_access.roles', 'scope'])).toEqual([
      'admin',
      'profile',
      'orders:read',
    ]);
    // Exact and case-sensitive: `Admin` and `admin` are two scopes.
    expect(read({ scp: ['Admin'], roles: ['admin'] }, ['scp', 'roles'])).toEqual([
      'Admin',
      'admin',
    ]);
    expect(Object.isFrozen(read(payload, ['scope', 'permissions']))).toBe(true);
  });

  it('adds nothing for a claim or path that is absent', () => {
    expect(read({ scope: 'a' }, ['scope', 'permissions', 'realm_access.roles'])).toEqual(['a']);
    expect(read({ realm_access: {} }, ['realm_access.roles'])).toEqual([]);
    expect(
      read({ resource_access: { api: { roles: ['x'] } } }, 'resource_access.api.roles'),
    ).toEqual(['x']);
    expect(read({ resource_access: {} }, 'resource_access.api.roles')).toEqual([]);
    expect(read({}, ['scp', 'roles'])).toEqual([]);
  });

  it('reads a top-level claim named by the whole dotted string first', () => {
    const namespaced = 'https://api.example.com/roles';
    expect(read({ [namespaced]: ['admin'] }, namespaced)).toEqual(['admin']);
    expect(read({ 'a.b': 'x', a: { b: 'y' } }, 'a.b')).toEqual(['x']);
    expect(read({ a: { b: 'y' } }, 'a.b')).toEqual(['y']);
  });

  it('walks own properties only: __proto__ and constructor are data', () => {
    const parsed = JSON.parse('{"__proto__":{"roles":["admin"]},"scope":"a"}');
    expect(read(parsed, ['scope', '__proto__.roles'])).toEqual(['a', 'admin']);
    expect(read({ scope: 'a' }, ['scope', 'constructor.name', 'toString.length'])).toEqual(['a']);
    expect(read(JSON.parse('{"x":{}}'), 'x.__proto__.polluted')).toEqual([]);
    expect(read({ x: Object.create({ roles: ['inherited'] }) }, 'x.roles')).toEqual([]);
  });

  it.each([
    ['scope as an array', { scope: ['a'] }, ['scope']],
    ['scope as a number', { scope: 7 }, ['scope']],
    ['scope as null', { scope: null }, ['scope']],
    ['an object', { scp: { a: 1 } }, ['scp']],
    ['an array with a non-string', { permissions: ['a', 1] }, ['scope', 'permissions']],
    ['a path through a string', { realm_access: 'admin' }, ['realm_access.roles']],
    ['a path through an array', { realm_access: [{ roles: ['a'] }] }, ['realm_access.roles']],
    ['a path through null', { realm_access: null }, ['scope', 'realm_access.roles']],
    ['a path ending on a number', { realm_access: { roles: 1 } }, ['realm_access.roles']],
    ['a later claim malformed', { scope: 'a', roles: [null] }, ['scope', 'roles']],
  ])('refuses %s with ERR_JWT_CLAIM_INVALID', (_name, payload, scopeClaim) => {
    expect(refusal(() => read(payload, scopeClaim))).toEqual({
      code: C.JWT_CLAIM_INVALID,
      detail: { reason: 'scope', jti: 'jti-1' },
    });
  });
});

describe.each(IMPLS)('scopes and client through jwt() on $runtime crypto', (impl) => {
  const secret = new Uint8Array(32).fill(7);
  const make = (extra: Partial<JwtOptions> = {}) =>
    createJwtVerifier(
      { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret, ...extra },
      impl,
    );

  it('unions Keycloak realm roles with the scope claim, cached or not', async () => {
    const v = make({ scopeClaim: ['scope', 'realm_access.roles'] });
    const token = hs256Token(secret, {
      scope: 'profile',
      realm_access: { roles: ['orders:read', 'profile'] },
    });
    for (let i = 0; i < 3; i++) {
      expect((await v.verify(token, ctx())).scopes).toEqual(['profile', 'orders:read']);
    }
  });

  it('refuses a malformed configured claim with 401 ERR_JWT_CLAIM_INVALID', async () => {
    const v = make({ scopeClaim: ['scope', 'realm_access.roles'] });
    const err = await v
      .verify(hs256Token(secret, { realm_access: { roles: 'a b' }, scope: 7 }), ctx())
      .catch((e) => e);
    expect(err).toMatchObject({ status: 401, code: C.JWT_CLAIM_INVALID });
  });

  it('names the client from client_id, else azp, on every principal', async () => {
    const v = make();
    const client = async (extra: Record<string, unknown>) =>
      (await v.verify(hs256Token(secret, extra), ctx())).client;
    expect(await client({ client_id: 'svc-a', azp: 'app-b' })).toBe('svc-a');
    expect(await client({ azp: 'app-b' })).toBe('app-b');
    expect(await client({ client_id: '', azp: 'app-b' })).toBe('app-b');
    expect(await client({ client_id: 7, azp: 'app-b' })).toBe('app-b');
    expect(await client({ client_id: ['svc-a'] })).toBeUndefined();
    expect(await client({ azp: '' })).toBeUndefined();
    const none = await v.verify(hs256Token(secret), ctx());
    expect('client' in none).toBe(false);
    // An inherited client_id is no claim.
    const raw = JSON.stringify(claims()).replace('{', '{"__proto__":{"client_id":"root"},');
    expect((await v.verify(rawHs256(HS256_HEADER, raw, secret), ctx())).client).toBeUndefined();
    // From the verified-token cache too (a token is cached from its second sighting).
    const token = hs256Token(secret, { client_id: 'svc-c' });
    for (let i = 0; i < 3; i++) expect((await v.verify(token, ctx())).client).toBe('svc-c');
  });
});
