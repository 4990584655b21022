import { describe, expect, it } from 'vitest';
import type { AuthState } from '../adapter/types.js';
import { createAuthenticator } from '../authenticator.js';
import { fakeMethod } from '../test-helpers/fake-method.js';
import type { Principal } from '../types.js';
import { toolScopeGuard } from './tool-scopes.js';

const METADATA = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
const agent = (scopes: string[]): Principal => ({ method: 'jwt', subject: 'agent', scopes });
const state = (principal: Principal | null): AuthState => ({
  principal,
  realm: 'api',
  authenticator: createAuthenticator({ methods: [fakeMethod()], resourceMetadata: METADATA }),
});
const view = (headers: Record<string, string | string[]>) => ({
  header: (name: string) => headers[name],
});
const call = (name: string, version = '2026-07-28') =>
  view({ 'mcp-protocol-version': version, 'mcp-method': 'tools/call', 'mcp-name': name });

const check = toolScopeGuard('requireToolScopes()', {
  tools: { read_file: ['files:read'], write_file: ['files:read', 'files:write'], ping: [] },
  methods: { 'resources/read': ['files:read'] },
});

describe('toolScopeGuard', () => {
  it('requires the scopes of the called tool: 403 naming them all, with the metadata', () => {
    expect(check(state(agent(['files:read'])), 'POST', call('read_file'))).toBeUndefined();
    const err = check(state(agent(['files:read'])), 'POST', call('write_file'));
    expect(err).toMatchObject({ status: 403, code: 'ERR_INSUFFICIENT_SCOPE' });
    expect(err?.headers['www-authenticate']).toMatch(
      /scope="files:read files:write", resource_metadata="https:\/\/mcp/,
    );
  });

  it('answers 401 naming the scopes when there is no credential', () => {
    const err = check(state(null), 'POST', call('read_file'));
    expect(err?.status).toBe(401);
    expect(err?.headers['www-authenticate']).toBe(
      `Bearer realm="api", scope="files:read", resource_metadata="${METADATA}"`,
    );
  });

  it('lets through tools with no scopes, unknown tools, other methods and non-POST requests', () => {
    const none = state(agent([]));
    expect(check(none, 'POST', call('ping'))).toBeUndefined();
    expect(check(none, 'POST', view({ 'mcp-method': 'tools/list' }))).toBeUndefined();
    expect(check(none, 'GET', view({}))).toBeUndefined();
    expect(check(none, 'delete', view({}))).toBeUndefined();
    expect(check(none, 'POST', view({ 'mcp-method': 'resources/read' }))?.status).toBe(403);
  });

  it('refuses a tool missing from the map by default: 401 anonymous, 403 otherwise', () => {
    expect(check(state(null), 'POST', call('unknown_tool'))?.status).toBe(401);
    const err = check(state(agent(['files:read', 'files:write'])), 'POST', call('unknown_tool'));
    expect(err).toMatchObject({ status: 403, message: 'No scope grants this tool' });
    expect(err?.headers['www-authenticate']).toMatch(/resource_metadata=/);
    const open = toolScopeGuard('g()', { tools: {}, otherTools: [] });
    expect(open(state(null), 'POST', call('anything'))).toBeUndefined();
  });

  it('requires otherTools for a tool missing from the map, when set', () => {
    const strict = toolScopeGuard('g()', { tools: {}, otherTools: ['tools:any'] });
    expect(strict(state(agent([])), 'POST', call('x'))?.status).toBe(403);
    expect(strict(state(agent(['tools:any'])), 'POST', call('x'))).toBeUndefined();
  });

  it('answers 400 invalid_request when the headers are missing, doubled or from an older protocol', () => {
    const s = state(agent(['files:read']));
    const cases = [
      view({}),
      view({ 'mcp-method': '' }),
      view({ 'mcp-method': ['tools/call', 'tools/list'] }),
      view({ 'mcp-method': 'tools/call' }),
      call('read_file', '2025-11-25'),
      view({ 'mcp-protocol-version': ['2026-07-28', '2026-07-28'], 'mcp-method': 'tools/list' }),
      // What a fetch runtime makes of two headers, and near misses of a method or tool name.
      view({ 'mcp-method': 'tools/call, tools/call', 'mcp-name': 'read_file' }),
      view({ 'mcp-method': 'Tools/call', 'mcp-name': 'read_file' }),
      view({ 'mcp-method': 'tools/call', 'mcp-name': 'read_file, write_file' }),
      view({ 'mcp-method': 'tools/call', 'mcp-name': ['read_file', 'read_file'] }),
      view({ 'mcp-protocol-version': 'zzz', 'mcp-method': 'tools/list' }),
      view({ 'mcp-protocol-version': '2026-07-28, 2026-07-28', 'mcp-method': 'tools/list' }),
    ];
    for (const request of cases) {
      const err = check(s, 'POST', request);
      expect(err).toMatchObject({ status: 400, error: 'invalid_request' });
      expect(err?.headers['www-authenticate']).toMatch(/resource_metadata=/);
    }
  });

  it('accepts an older protocol when told to', () => {
    const lenient = toolScopeGuard('g()', {
      tools: { read_file: ['files:read'] },
      minimumProtocolVersion: '2025-06-18',
    });
    expect(
      lenient(state(agent(['files:read'])), 'POST', call('read_file', '2025-11-25')),
    ).toBeUndefined();
  });

  it('answers 500 without authenticate(), and refuses bad options', () => {
    expect(check(undefined, 'POST', call('read_file'))?.status).toBe(500);
    expect(() => toolScopeGuard('g()', {} as never)).toThrow(/tools/);
    expect(() => toolScopeGuard('g()', { tools: { a: 'x' as never } })).toThrow(/tools.a/);
    expect(() => toolScopeGuard('g()', { tools: { a: ['bad scope'] } })).toThrow(/scope/);
    expect(() => toolScopeGuard('g()', { tools: {}, minimumProtocolVersion: 'v2' })).toThrow(
      /minimumProtocolVersion/,
    );
    expect(() => toolScopeGuard('g()', { tools: {}, method: {} } as never)).toThrow(/method/);
    expect(() => toolScopeGuard('g()', { tools: {}, otherTools: 'allow' as never })).toThrow(
      /otherTools/,
    );
  });
});
