import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuthenticator } from '../authenticator.js';
import { jwt } from '../jwt/jwt.js';
import { fakeMethod } from '../test-helpers/fake-method.js';
import { decodePath, protectedResourceMetadata } from './metadata.js';

const RESOURCE = 'https://mcp.example.com/mcp';
const AS = ['https://auth.example.com'];
const secret = new Uint8Array(32).fill(7);
const tokens = (audience: string | string[]) =>
  jwt({ algorithms: ['HS256'], secret, issuer: AS[0]!, audience });
const build = (extra: Record<string, unknown> = {}) =>
  protectedResourceMetadata('protectedResource()', {
    resource: RESOURCE,
    authorizationServers: AS,
    ...extra,
  });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('protectedResourceMetadata', () => {
  it('serves the RFC 9728 document on the path-inserted and the root well-known paths', () => {
    const served = build({ scopesSupported: ['files:read'], resourceName: 'Files' });
    expect(served.paths).toEqual([
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource',
    ]);
    expect(served.url).toBe('https://mcp.example.com/.well-known/oauth-protected-resource/mcp');
    expect(JSON.parse(served.body)).toEqual({
      resource: RESOURCE,
      authorization_servers: AS,
      bearer_methods_supported: ['header'],
      scopes_supported: ['files:read'],
      resource_name: 'Files',
    });
    expect(served.headers).toEqual({
      'content-type': 'application/json',
      'cache-control': 'public, max-age=3600',
      'access-control-allow-origin': '*',
    });
  });

  it('serves one path for a resource at the root, and keeps its form exactly', () => {
    for (const resource of ['https://mcp.example.com', 'https://mcp.example.com/']) {
      const served = protectedResourceMetadata('p()', { resource, authorizationServers: AS });
      expect(served.paths).toEqual(['/.well-known/oauth-protected-resource']);
      expect(JSON.parse(served.body).resource).toBe(resource);
    }
  });

  it('refuses a resource that is not canonical, not https, or has a fragment', () => {
    const bad: [string, RegExp][] = [
      ['HTTPS://MCP.example.com/mcp', /canonical form: https:\/\/mcp.example.com\/mcp/],
      ['https://mcp.example.com:443/mcp', /canonical form/],
      ['http://mcp.example.com/mcp', /https: URL/],
      ['https://mcp.example.com/mcp#x', /fragment/],
      ['mcp', /absolute https: URL/],
    ];
    for (const [resource, message] of bad) {
      expect(() => build({ resource })).toThrow(message);
    }
    expect(() => build({ resource: 'http://localhost:3000/mcp' })).not.toThrow();
  });

  it('refuses bad authorization servers, scopes and other options', () => {
    expect(() => build({ authorizationServers: [] })).toThrow(/non-empty array/);
    expect(() => build({ authorizationServers: ['ftp://x'] })).toThrow(/authorizationServers/);
    expect(() => build({ scopesSupported: ['a b'] })).toThrow(/scopesSupported/);
    expect(() => build({ maxAge: -1 })).toThrow(/maxAge/);
    expect(() => build({ resourceName: '' })).toThrow(/resourceName/);
    expect(() => build({ resorce: 'x' })).toThrow(/resorce/);
  });

  it('refuses an authenticator whose jwt() audience does not include the resource', () => {
    const authenticator = createAuthenticator({ methods: [tokens('https://other.example.com')] });
    expect(() => build({ authenticator })).toThrow(
      /audience.*https:\/\/other.example.com.*does not include.*allowAudienceMismatch/,
    );
    const fine = createAuthenticator({
      methods: [tokens(['https://other.example.com', RESOURCE])],
    });
    expect(() => build({ authenticator: fine })).not.toThrow();
    expect(() =>
      build({ authenticator: createAuthenticator({ methods: [fakeMethod()] }) }),
    ).not.toThrow();
  });

  it('only warns about an audience mismatch that is deliberate', () => {
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const authenticator = createAuthenticator({ methods: [tokens('gateway')] });
    expect(() => build({ authenticator, allowAudienceMismatch: true })).not.toThrow();
    expect(warning).toHaveBeenCalledWith(expect.stringMatching(/gateway/), {
      type: 'PortcullisWarning',
      code: 'PORTCULLIS_AUDIENCE_MISMATCH',
    });
  });

  it("refuses an authenticator whose resourceMetadata is not this document's URL", () => {
    const authenticator = createAuthenticator({
      methods: [tokens(RESOURCE)],
      resourceMetadata: 'https://mcp.example.com/.well-known/oauth-protected-resource',
    });
    expect(() => build({ authenticator })).toThrow(/served at .*oauth-protected-resource\/mcp/);
  });
});

describe('the preflight answer and decoded paths', () => {
  it('lets any origin read the document with the headers it asked for, or any', () => {
    const served = build();
    const common = {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, HEAD, OPTIONS',
      vary: 'Access-Control-Request-Headers',
    };
    expect(served.preflight('authorization, mcp-protocol-version')).toEqual({
      ...common,
      'access-control-allow-headers': 'authorization, mcp-protocol-version',
    });
    for (const none of [undefined, null, '']) {
      expect(served.preflight(none)).toEqual({ ...common, 'access-control-allow-headers': '*' });
    }
    // Each answer is a fresh object: an adapter that adds to one changes no other.
    expect(served.preflight(null)).not.toBe(served.preflight(null));
  });

  it('decodes a path as a router does, and keeps one that does not decode as it is', () => {
    expect(decodePath('/.well-known/oauth-protected-resource/t%C3%A9l%C3%A9')).toBe(
      '/.well-known/oauth-protected-resource/télé',
    );
    expect(decodePath('/a%2Fb')).toBe('/a%2Fb');
    expect(decodePath('/bad%E0%A4%A')).toBe('/bad%E0%A4%A');
  });
});
