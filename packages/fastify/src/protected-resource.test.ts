import { type AuthEvent, createAuthenticator } from '@portcullis/core';
import {
  type Answer,
  ESCAPED_STATUS,
  FAKE_REALM,
  fakeKeysAuthenticator,
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
import {
  FASTIFIES,
  fastifyApp,
  fastifyOnce,
  fastifyTarget,
  listenFastify,
} from '@portcullis/test-kit/fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as adapter from './index.js';
import { authenticate, protectedResource, requireToolScopes } from './index.js';

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

describe.each(FASTIFIES)('protectedResource() and requireToolScopes() on %s', (_name, make) => {
  const events: AuthEvent[] = [];
  let target: Target;
  beforeAll(async () => {
    target = await fastifyTarget(adapter, make)(
      mcpAuthenticator((e) => events.push(e)),
      MCP_APP,
    );
  });
  afterAll(() => target.close());
  const post = (path: string, ...args: Parameters<typeof mcpHeaders>) =>
    target.request('POST', path, mcpHeaders(...args));

  it.each(MCP_METADATA_PATHS)(
    'answers GET %s with the document, cacheable, open to CORS, with no route',
    async (path) => {
      events.length = 0;
      const res = await target.get(path);
      expect(res.status).toBe(200);
      expect(res.json).toEqual(MCP_DOCUMENT);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.headers['cache-control']).toBe('public, max-age=3600');
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.body)));
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect((await target.get(`${path}?x=1`)).json).toEqual(MCP_DOCUMENT);
      // Public: no authenticator ran.
      expect(events).toEqual([]);
    },
  );

  it('answers HEAD with the headers and no body, and an OPTIONS preflight with CORS', async () => {
    const head = await target.request('HEAD', MCP_METADATA_PATHS[0]);
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-type']).toBe('application/json');
    const get = await target.get(MCP_METADATA_PATHS[0]);
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
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
    });
    const bare = await target.request('OPTIONS', MCP_METADATA_PATHS[0]);
    expect(bare.headers['access-control-allow-headers']).toBe('*');
  });

  it('lets other paths and methods through', async () => {
    // A POST on the metadata path, and paths that only look like it: no route, 404.
    expect((await target.request('POST', MCP_METADATA_PATHS[0])).status).toBe(404);
    expect((await target.get(`${MCP_METADATA_PATHS[0]}/`)).status).toBe(404);
    expect((await target.get(`${MCP_METADATA_PATHS[1]}/other`)).status).toBe(404);
    expect((await target.get('/billing', key('fk_admin'))).status).toBe(200);
  });

  it("names the metadata in authenticate()'s 401s and requireScope()'s 403", async () => {
    const none = await target.get('/billing');
    expectNamed(none, 401, 'unauthorized');
    expect(none.headers['www-authenticate']).toBe(`${CHALLENGE}, ${NAMED}`);
    expectNamed(await target.get('/billing', key('fk_nobody')), 401, 'invalid_token');
    const refused = await target.get('/billing', key('fk_reader'));
    expectNamed(refused, 403, 'insufficient_scope');
    expect(refused.headers['www-authenticate']).toContain('scope="billing:write"');
  });

  it("lets a broader scope through requireScope() with scopeHierarchy ':'", async () => {
    expect((await target.get('/billing', key('fk_billing'))).status).toBe(200);
    // Without the hierarchy, only the exact scope.
    const plain = fastifyApp(
      adapter,
      fakeKeysAuthenticator(),
      { routes: [{ path: '/billing', requireScope: ['billing:write'] }] },
      make,
    );
    expect((await fastifyOnce(plain, 'GET', '/billing', key('fk_billing'))).status).toBe(403);
  });

  it('refuses a POST without Mcp-Method, from an older MCP, or a tools/call without Mcp-Name: 400', async () => {
    expectNamed(await post('/mcp', { key: 'fk_admin' }), 400, 'invalid_request');
    const old = await post('/mcp', {
      key: 'fk_admin',
      method: 'tools/list',
      version: '2025-06-18',
    });
    expectNamed(old, 400, 'invalid_request');
    expectNamed(
      await post('/mcp', { key: 'fk_admin', method: 'tools/call' }),
      400,
      'invalid_request',
    );
    expect((await post('/mcp', { key: 'fk_admin', method: 'tools/list' })).status).toBe(200);
  });

  it("requires the tool's scopes: 403 naming them, 401 on an optional route, a pass with them", async () => {
    events.length = 0;
    const refused = await post('/mcp', { key: 'fk_reader', method: 'tools/call', name: 'pay' });
    expectNamed(refused, 403, 'insufficient_scope');
    expect(refused.headers['www-authenticate']).toContain('scope="billing:write"');
    expect(events.map((e) => e.outcome)).toEqual(['success', 'denied']);
    const anonymous = await post('/mcp/open', { method: 'tools/call', name: 'pay' });
    expectNamed(anonymous, 401, 'unauthorized');
    expect(anonymous.headers['www-authenticate']).toBe(
      `${CHALLENGE}, scope="billing:write", ${NAMED}`,
    );
    expect((await post('/mcp/open', { method: 'tools/list' })).json).toEqual({ auth: null });
    for (const k of ['fk_admin', 'fk_billing']) {
      expect((await post('/mcp', { key: k, method: 'tools/call', name: 'pay' })).status).toBe(200);
    }
    const read = await post('/mcp', { key: 'fk_none', method: 'resources/read' });
    expectNamed(read, 403, 'insufficient_scope');
  });

  it('lets a GET through without the headers, and refuses an unknown tool by default', async () => {
    const res = await target.get('/mcp', key('fk_none'));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ auth: { subject: 'none' } });
    const unknown = { method: 'tools/call', name: 'launch' } as const;
    expectNamed(await post('/mcp', { key: 'fk_admin', ...unknown }), 403, 'insufficient_scope');
    expect((await post('/mcp/any-tool', { key: 'fk_none', ...unknown })).status).toBe(200);
  });

  it('answers 500 when authenticate() never ran, never 200', async () => {
    const res = await post('/mcp/unguarded', { key: 'fk_admin', method: 'tools/list' });
    expect(res.status).toBe(500);
  });

  it('serves the metadata before a global authenticate() hook: the document is public', async () => {
    const authenticator = mcpAuthenticator();
    const app = make();
    app.addHook('onRequest', protectedResource({ ...MCP_RESOURCE_OPTIONS, authenticator }));
    app.addHook('onRequest', authenticate(authenticator));
    app.post('/mcp', { preHandler: requireToolScopes(MCP_TOOLS) }, async () => ({ ok: true }));
    const served = await listenFastify(app);
    try {
      expect((await served.get(MCP_METADATA_PATHS[0])).json).toEqual(MCP_DOCUMENT);
      const anyKey = await served.get(MCP_METADATA_PATHS[1], key('fk_nobody'));
      expect(anyKey.json).toEqual(MCP_DOCUMENT);
      expectNamed(await served.request('POST', '/mcp'), 401, 'unauthorized');
      const headers = mcpHeaders({ key: 'fk_admin', method: 'tools/call', name: 'pay' });
      expect((await served.request('POST', '/mcp', headers)).json).toEqual({ ok: true });
    } finally {
      await served.close();
    }
  });

  it("follows authenticate()'s errors: 'throw': the error handler gets the 400", async () => {
    const app = fastifyApp(
      adapter,
      mcpAuthenticator(),
      {
        routes: [
          {
            path: '/mcp',
            methods: ['POST'],
            auth: { errors: 'throw' },
            requireToolScopes: MCP_TOOLS,
          },
        ],
        catchErrors: true,
      },
      make,
    );
    const res = await fastifyOnce(app, 'POST', '/mcp', mcpHeaders({ key: 'fk_admin' }));
    expect(res.status).toBe(ESCAPED_STATUS);
    expect(res.json).toEqual({ escaped: true, code: 'ERR_MALFORMED_REQUEST', status: 400 });
  });
});

describe('protectedResource() and requireToolScopes() options', () => {
  it('refuse bad options at construction', () => {
    const good = MCP_RESOURCE_OPTIONS;
    expect(() => protectedResource(undefined as never)).toThrow(TypeError);
    expect(() => protectedResource({ ...good, resource: 'http://mcp.example.com/mcp' })).toThrow(
      TypeError,
    );
    expect(() => protectedResource({ ...good, resource: `${MCP_RESOURCE}#x` })).toThrow(TypeError);
    expect(() => protectedResource({ ...good, authorizationServers: [] })).toThrow(TypeError);
    const other = createAuthenticator({
      methods: [fakeMethod()],
      resourceMetadata: 'https://mcp.example.com/.well-known/oauth-protected-resource',
    });
    expect(() => protectedResource({ ...good, authenticator: other })).toThrow(/resourceMetadata/);
    expect(() => requireToolScopes(undefined as never)).toThrow(TypeError);
    expect(() => requireToolScopes({ tools: { pay: ['has space'] } })).toThrow(TypeError);
    expect(() => requireToolScopes({ ...MCP_TOOLS, otherTools: 'admin' as never })).toThrow(
      TypeError,
    );
  });
});
