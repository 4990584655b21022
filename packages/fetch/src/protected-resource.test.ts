import { type AuthEvent, createAuthenticator } from '@portcullis/core';
import {
  type Answer,
  FAKE_REALM,
  fakeMethod,
  MCP_APP,
  MCP_DOCUMENT,
  MCP_METADATA_PATHS,
  MCP_METADATA_URL,
  MCP_RESOURCE,
  MCP_RESOURCE_OPTIONS,
  MCP_TOOLS,
  mcpAuthenticator,
  mcpHeaders,
  type Target,
} from '@portcullis/test-kit';
import { fetchTarget } from '@portcullis/test-kit/fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as adapter from './index.js';
import { protectedResource, withAuth } from './index.js';

const CHALLENGE = `Bearer realm="${FAKE_REALM}"`;
const NAMED = `resource_metadata="${MCP_METADATA_URL}"`;
const key = (value: string) => ({ 'x-api-key': value });

/** A refusal naming the metadata, exposed to browsers (CORS). */
function expectNamed(res: Answer, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(res.json).toEqual({ error, error_description: expect.any(String) });
  expect(res.headers['www-authenticate']).toMatch(new RegExp(`^${CHALLENGE}, .*${NAMED}$`));
  expect(res.headers['access-control-expose-headers']).toBe('WWW-Authenticate');
}

// The test kit's MCP server as fetch handlers, in memory and on @hono/node-server:
// protectedResource() first, then one withAuth() handler per route (`tools` for the MCP routes).
describe.each([
  ['in memory', fetchTarget(adapter)],
  ['on @hono/node-server', fetchTarget(adapter, 'node-server')],
] as const)('protectedResource() and withAuth({ tools }) %s', (_name, factory) => {
  const events: AuthEvent[] = [];
  let target: Target;
  beforeAll(async () => {
    target = await factory(
      mcpAuthenticator((e) => events.push(e)),
      MCP_APP,
    );
  });
  afterAll(() => target.close());
  const post = (path: string, ...args: Parameters<typeof mcpHeaders>) =>
    target.request('POST', path, mcpHeaders(...args));

  it.each(MCP_METADATA_PATHS)(
    'answers GET %s with the document, cacheable, open to CORS',
    async (path) => {
      events.length = 0;
      const res = await target.get(path);
      expect(res.status).toBe(200);
      expect(res.json).toEqual(MCP_DOCUMENT);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.headers['cache-control']).toBe('public, max-age=3600');
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect((await target.get(`${path}?x=1`)).json).toEqual(MCP_DOCUMENT);
      expect((await target.get(path, key('fk_nobody'))).json).toEqual(MCP_DOCUMENT);
      // Public: no authenticator ran.
      expect(events).toEqual([]);
    },
  );

  it('answers HEAD with the headers and no body, and an OPTIONS preflight with CORS', async () => {
    const head = await target.request('HEAD', MCP_METADATA_PATHS[0]);
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-type']).toBe('application/json');
    const preflight = await target.request('OPTIONS', MCP_METADATA_PATHS[1], {
      origin: 'https://app.example.com',
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'mcp-protocol-version',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.body).toBe('');
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, HEAD, OPTIONS',
      'access-control-allow-headers': 'mcp-protocol-version',
      vary: 'Access-Control-Request-Headers',
    });
    const bare = await target.request('OPTIONS', MCP_METADATA_PATHS[0]);
    expect(bare.headers['access-control-allow-headers']).toBe('*');
  });

  it('lets other paths and methods through to the routes', async () => {
    // A POST on the metadata path, and paths that only look like it: no route, 404.
    expect((await target.request('POST', MCP_METADATA_PATHS[0])).status).toBe(404);
    expect((await target.get(`${MCP_METADATA_PATHS[0]}/`)).status).toBe(404);
    expect((await target.get(`${MCP_METADATA_PATHS[1]}/other`)).status).toBe(404);
    expect((await target.get('/billing', key('fk_admin'))).status).toBe(200);
  });

  it("names the metadata in withAuth()'s 401s and 403s", async () => {
    const none = await target.get('/billing');
    expectNamed(none, 401, 'unauthorized');
    expect(none.headers['www-authenticate']).toBe(`${CHALLENGE}, ${NAMED}`);
    expectNamed(await target.get('/billing', key('fk_nobody')), 401, 'invalid_token');
    const refused = await target.get('/billing', key('fk_reader'));
    expectNamed(refused, 403, 'insufficient_scope');
    expect(refused.headers['www-authenticate']).toContain('scope="billing:write"');
    // scopeHierarchy ':': billing satisfies billing:write.
    expect((await target.get('/billing', key('fk_billing'))).status).toBe(200);
  });

  it("requires each tool's scopes: 400 without the MCP headers, 403 naming them, 401 anonymous", async () => {
    expectNamed(await post('/mcp', { key: 'fk_admin' }), 400, 'invalid_request');
    expectNamed(
      await post('/mcp', { key: 'fk_admin', method: 'tools/list', version: '2025-06-18' }),
      400,
      'invalid_request',
    );
    events.length = 0;
    const refused = await post('/mcp', { key: 'fk_reader', method: 'tools/call', name: 'pay' });
    expectNamed(refused, 403, 'insufficient_scope');
    expect(refused.headers['www-authenticate']).toContain('scope="billing:write"');
    expect(events.map((e) => e.outcome)).toEqual(['success', 'denied']);
    const anonymous = await post('/mcp/open', { method: 'tools/call', name: 'pay' });
    expect(anonymous.headers['www-authenticate']).toBe(
      `${CHALLENGE}, scope="billing:write", ${NAMED}`,
    );
    expect((await post('/mcp/open', { method: 'tools/list' })).json).toEqual({ auth: null });
    expect(
      (await post('/mcp', { key: 'fk_admin', method: 'tools/call', name: 'pay' })).status,
    ).toBe(200);
    const other = await post('/mcp/other', { key: 'fk_reader', method: 'tools/call', name: 'x' });
    expect(other.headers['www-authenticate']).toContain('scope="billing:write"');
    expect(
      (await post('/mcp/any-tool', { key: 'fk_none', method: 'tools/call', name: 'x' })).status,
    ).toBe(200);
    expect((await target.get('/mcp', key('fk_none'))).status).toBe(200);
  });

  it('leaves out the route it cannot build, and says why', async () => {
    expect((await post('/mcp/unguarded', { key: 'fk_admin', method: 'tools/list' })).status).toBe(
      404,
    );
    const unguarded = MCP_APP.routes.find((r) => r.path === '/mcp/unguarded')!;
    expect(factory.cannotBuild?.(unguarded)).toMatch(/always authenticates/);
  });
});

describe('protectedResource() on its own', () => {
  const metadata = protectedResource({
    ...MCP_RESOURCE_OPTIONS,
    authenticator: mcpAuthenticator(),
  });
  const at = (path: string, init?: RequestInit) =>
    metadata(new Request(`https://mcp.example.com${path}`, init));

  it('returns undefined for every other request, so the app goes on', () => {
    expect(at('/mcp')).toBeUndefined();
    expect(at('/')).toBeUndefined();
    expect(at('/.well-known/oauth-protected-resource/other')).toBeUndefined();
    expect(at(MCP_METADATA_PATHS[0], { method: 'POST' })).toBeUndefined();
    expect(at(MCP_METADATA_PATHS[1], { method: 'DELETE' })).toBeUndefined();
  });

  it('composes with withAuth() in one fetch handler', async () => {
    const authenticator = mcpAuthenticator();
    const mcp = withAuth(() => Response.json({ ok: true }), { authenticator, tools: MCP_TOOLS });
    const app = (request: Request) => metadata(request) ?? mcp(request);
    const doc = await app(new Request(`https://mcp.example.com${MCP_METADATA_PATHS[0]}`));
    expect(await doc.json()).toEqual(MCP_DOCUMENT);
    const call = new Request(`https://mcp.example.com/mcp`, {
      method: 'POST',
      headers: mcpHeaders({ key: 'fk_admin', method: 'tools/call', name: 'pay' }) as [
        string,
        string,
      ][],
    });
    expect(await (await app(call)).json()).toEqual({ ok: true });
  });

  it('serves a resource path with escapes, sent escaped or not', async () => {
    for (const path of ['/a%20b', '/bad%ZZ']) {
      const served = protectedResource({
        ...MCP_RESOURCE_OPTIONS,
        resource: `https://mcp.example.com${path}`,
      });
      const res = served(
        new Request(`https://mcp.example.com/.well-known/oauth-protected-resource${path}`),
      );
      expect(res?.status).toBe(200);
      expect(await res?.json()).toMatchObject({ resource: `https://mcp.example.com${path}` });
    }
    const spaced = protectedResource({
      ...MCP_RESOURCE_OPTIONS,
      resource: 'https://mcp.example.com/a%20b',
    });
    // Escaped differently (`b` as %62, which URL parsing leaves as sent): matched decoded.
    const res = spaced(
      new Request('https://mcp.example.com/.well-known/oauth-protected-resource/a%20%62'),
    );
    expect(res?.status).toBe(200);
  });

  it('refuses bad options at construction', () => {
    const good = MCP_RESOURCE_OPTIONS;
    expect(() => protectedResource(undefined as never)).toThrow(TypeError);
    expect(() => protectedResource({ ...good, resource: 'http://mcp.example.com/mcp' })).toThrow(
      TypeError,
    );
    expect(() => protectedResource({ ...good, resource: `${MCP_RESOURCE}#x` })).toThrow(TypeError);
    expect(() => protectedResource({ ...good, authorizationServers: [] })).toThrow(TypeError);
    expect(() => protectedResource({ ...good, maxAge: -1 })).toThrow(TypeError);
    const other = createAuthenticator({
      methods: [fakeMethod()],
      resourceMetadata: 'https://mcp.example.com/.well-known/oauth-protected-resource',
    });
    expect(() => protectedResource({ ...good, authenticator: other })).toThrow(/resourceMetadata/);
  });
});
