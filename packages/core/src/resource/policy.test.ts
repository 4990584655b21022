import { describe, expect, it } from 'vitest';
import { scopeGuard } from '../adapter/scope-guard.js';
import type { AuthState } from '../adapter/types.js';
import { createAuthenticator } from '../authenticator.js';
import { fakeMethod } from '../test-helpers/fake-method.js';
import type { Principal } from '../types.js';

const METADATA = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
const agent = (scopes: string[]): Principal => ({ method: 'jwt', subject: 'agent', scopes });

function state(principal: Principal | null, options: Record<string, unknown> = {}): AuthState {
  const authenticator = createAuthenticator({ methods: [fakeMethod()], ...options });
  return { principal, realm: 'api', authenticator };
}

describe('resourceMetadata in challenges', () => {
  it('names the metadata in the authenticator own 401s, and exposes WWW-Authenticate', async () => {
    const authenticator = createAuthenticator({
      methods: [fakeMethod()],
      resourceMetadata: METADATA,
    });
    expect(authenticator.resourceMetadata).toBe(METADATA);
    const err = await Promise.resolve(
      authenticator.authenticate({ header: () => undefined }),
    ).catch((e) => e);
    expect(err.headers).toEqual({
      'www-authenticate': `Bearer realm="api", resource_metadata="${METADATA}"`,
      'access-control-expose-headers': 'WWW-Authenticate',
    });
    const bad = await Promise.resolve(
      authenticator.authenticate({
        header: (n) => (n === 'authorization' ? 'Bearer a.b.c' : undefined),
      }),
    ).catch((e) => e);
    expect(bad.headers['www-authenticate']).toMatch(
      /^Bearer realm="api", error="invalid_token", error_description="[^"]+", resource_metadata="https:\/\/mcp/,
    );
  });

  it('names the metadata and the scopes in a guard 401 and 403', () => {
    const check = scopeGuard('all', ['files:write']);
    const anonymous = check(state(null, { resourceMetadata: METADATA }));
    expect(anonymous?.headers['www-authenticate']).toBe(
      `Bearer realm="api", scope="files:write", resource_metadata="${METADATA}"`,
    );
    const denied = check(state(agent(['files:read']), { resourceMetadata: METADATA }));
    expect(denied?.headers['www-authenticate']).toBe(
      `Bearer realm="api", error="insufficient_scope", error_description="The credential lacks a required scope", scope="files:write", resource_metadata="${METADATA}"`,
    );
  });

  it('leaves challenges as they were without resourceMetadata', () => {
    const denied = scopeGuard('all', ['x'])(state(agent([])));
    expect(denied?.headers['www-authenticate']).not.toMatch(/resource_metadata/);
    expect(denied?.headers['access-control-expose-headers']).toBeUndefined();
  });

  it('refuses a resourceMetadata that is not an https URL', () => {
    for (const resourceMetadata of [
      'nope',
      'http://mcp.example.com/x',
      'https://x/a"b',
      'https://x/#f',
    ]) {
      expect(() => createAuthenticator({ methods: [fakeMethod()], resourceMetadata })).toThrow(
        /resourceMetadata/,
      );
    }
  });
});

describe('scopeHierarchy', () => {
  it('is exact by default', () => {
    expect(scopeGuard('all', ['files:read'])(state(agent(['files'])))?.status).toBe(403);
  });

  it("with ':', a broader scope satisfies every narrower one, never the reverse", () => {
    const s = (scopes: string[]) => state(agent(scopes), { scopeHierarchy: ':' });
    expect(scopeGuard('all', ['files:read'])(s(['files']))).toBeUndefined();
    expect(scopeGuard('all', ['files:read:own'])(s(['files']))).toBeUndefined();
    expect(scopeGuard('all', ['files'])(s(['files:read']))?.status).toBe(403);
    expect(scopeGuard('all', ['filesystem:read'])(s(['files']))?.status).toBe(403);
    expect(scopeGuard('any', ['admin', 'files:write'])(s(['files']))).toBeUndefined();
  });

  it('takes a function, and refuses anything else', () => {
    const implies = (granted: string) => granted === 'admin';
    expect(
      scopeGuard('all', ['anything'])(state(agent(['admin']), { scopeHierarchy: implies })),
    ).toBeUndefined();
    expect(() =>
      createAuthenticator({ methods: [fakeMethod()], scopeHierarchy: '-' as never }),
    ).toThrow(/scopeHierarchy/);
  });

  it('survives a copy of the authenticator', () => {
    const s = state(agent(['files']), { scopeHierarchy: ':', resourceMetadata: METADATA });
    const copy: AuthState = { ...s, authenticator: { ...s.authenticator! } };
    expect(scopeGuard('all', ['files:read'])(copy)).toBeUndefined();
  });
});
