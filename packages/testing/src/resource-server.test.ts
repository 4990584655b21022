import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AuthError, createAuthenticator, isAuthError, jwt } from '@portcullis/core';
import { protectedResourceMetadata } from '@portcullis/core/adapter';
import * as expressAdapter from '@portcullis/express';
import * as honoAdapter from '@portcullis/hono';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { Hono, type MiddlewareHandler } from 'hono';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  assertResourceServer,
  type CheckResourceServerOptions,
  checkResourceServer,
  RESOURCE_SERVER_CHECKS,
  type ResourceServerCheckName,
  type ResourceServerReport,
} from './resource-server.js';
import { createTestIssuer, type TestIssuer } from './test-issuer.js';

const RESOURCE = 'https://mcp.example.com/mcp';
const PATH_INSERTED = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
const ROOT_METADATA = 'https://mcp.example.com/.well-known/oauth-protected-resource';
const MCP_PING = { jsonrpc: '2.0', id: 1, method: 'ping' };

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});

/** What a correct app is made of: the metadata served as core builds it, and an authenticator. */
interface AppParts {
  resource?: string;
  /** Fields to change in the served document. */
  document?: Record<string, unknown>;
  /** Headers of the served document, instead of core's. */
  documentHeaders?: Record<string, string>;
  /** Where the document is served, instead of core's paths. */
  paths?: readonly string[];
  /** `createAuthenticator({ resourceMetadata })`; `null` for none. Default the path-inserted URL. */
  resourceMetadata?: string | null;
  /** jwt()'s audience. Default `resource`. */
  audience?: string;
  /** Scopes the endpoint requires. */
  requireScope?: string[];
}

function partsOf(parts: AppParts) {
  const resource = parts.resource ?? RESOURCE;
  const served = protectedResourceMetadata('test', {
    resource,
    authorizationServers: ['https://auth.example.com'],
    scopesSupported: ['files:read'],
  });
  const body = JSON.stringify({ ...JSON.parse(served.body), ...parts.document });
  const headers = parts.documentHeaders ?? { ...served.headers };
  const resourceMetadata =
    parts.resourceMetadata === undefined ? served.url : (parts.resourceMetadata ?? undefined);
  const authenticator = createAuthenticator({
    methods: [jwt({ ...issuer.jwtOptions, audience: parts.audience ?? resource })],
    ...(resourceMetadata === undefined ? {} : { resourceMetadata }),
  });
  return { served, body, headers, authenticator, paths: parts.paths ?? served.paths };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A real Express app served over HTTP; answers the protected endpoint's URL. */
async function expressApp(
  parts: AppParts & {
    /** Middleware before authenticate(). */
    before?: RequestHandler[];
    /** The app's own error handler, with authenticate(…, { errors: 'throw' }). */
    onError?: ErrorRequestHandler;
    /** No authenticate() at all. */
    unprotected?: boolean;
  } = {},
): Promise<string> {
  const { body, headers, authenticator, paths } = partsOf(parts);
  const app = express();
  for (const path of paths) app.get(path, (_req, res) => res.set(headers).send(body));
  const chain: RequestHandler[] = [express.json(), ...(parts.before ?? [])];
  if (parts.unprotected !== true) {
    chain.push(
      expressAdapter.authenticate(
        authenticator,
        parts.onError === undefined ? {} : { errors: 'throw' },
      ),
    );
  }
  if (parts.requireScope) chain.push(expressAdapter.requireScope(...parts.requireScope));
  app.post('/mcp', ...chain, (req, res) => {
    res.json({ jsonrpc: '2.0', id: req.body?.id ?? null, result: {} });
  });
  if (parts.onError !== undefined) app.use(parts.onError);
  const server = createServer(app).listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

/** A Hono app, called in memory. */
function honoApp(parts: AppParts & { before?: MiddlewareHandler } = {}): Hono {
  const { body, headers, authenticator, paths } = partsOf(parts);
  const app = new Hono();
  for (const path of paths) app.get(path, (c) => c.body(body, 200, headers));
  if (parts.before !== undefined) app.use('/mcp', parts.before);
  app.use('/mcp', honoAdapter.authenticate(authenticator));
  if (parts.requireScope) app.use('/mcp', honoAdapter.requireScope(...parts.requireScope));
  app.post('/mcp', (c) => c.json({ jsonrpc: '2.0', id: 1, result: {} }));
  return app;
}

const honoOptions = (app: Hono, more: Partial<CheckResourceServerOptions> = {}) =>
  ({ fetch: app.fetch, url: '/mcp', resource: RESOURCE, issuer, body: MCP_PING, ...more }) as const;

const failedOf = (report: ResourceServerReport) =>
  report.checks.filter((check) => !check.ok).map((check) => check.name);
const detailOf = (report: ResourceServerReport, name: ResourceServerCheckName) =>
  report.checks.find((check) => check.name === name)?.detail ?? '';

describe('checkResourceServer: a conforming app passes every check', () => {
  it('Express over HTTP', async () => {
    const url = await expressApp();
    const report = await checkResourceServer({ url, resource: RESOURCE, issuer, body: MCP_PING });
    expect(failedOf(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.map((check) => check.name)).toEqual([...RESOURCE_SERVER_CHECKS]);
    expect(detailOf(report, 'challenge')).toBe(
      `401, WWW-Authenticate: Bearer realm="api", resource_metadata="${PATH_INSERTED}"`,
    );
    expect(detailOf(report, 'metadata')).toBe(`GET ${PATH_INSERTED}: 200, resource "${RESOURCE}"`);
    expect(detailOf(report, 'metadata-path')).toContain("(the challenge's URL too)");
    expect(detailOf(report, 'good-token')).toMatch(/answered 200$/);
    await expect(
      assertResourceServer({ url, resource: RESOURCE, issuer, body: MCP_PING }),
    ).resolves.toMatchObject({ ok: true });
  });

  it('Hono in memory, with the scopes the endpoint requires', async () => {
    const app = honoApp({ requireScope: ['files:read'] });
    const report = await checkResourceServer(honoOptions(app, { scopes: ['files:read'] }));
    expect(failedOf(report)).toEqual([]);
    expect(detailOf(report, 'good-token')).toContain('(scope "files:read") answered 200');
  });

  it('a resource at the root: both metadata URLs are the root well-known one', async () => {
    const resource = 'https://api.example.com';
    const app = honoApp({ resource });
    const report = await checkResourceServer(honoOptions(app, { resource }));
    expect(failedOf(report)).toEqual([]);
    expect(detailOf(report, 'metadata-path')).toBe(
      `GET https://api.example.com/.well-known/oauth-protected-resource (the challenge's URL too): 200, resource "${resource}"`,
    );
  });

  it("with the adapters' protectedResource() and requireToolScopes(): Express and Hono", async () => {
    const authenticator = createAuthenticator({
      methods: [jwt({ ...issuer.jwtOptions, audience: RESOURCE })],
      resourceMetadata: PATH_INSERTED,
    });
    const metadata = {
      resource: RESOURCE,
      authorizationServers: [issuer.issuer],
      scopesSupported: ['files:read'],
      authenticator,
    };
    const tools = { tools: { read_file: ['files:read'] } };
    const call = {
      resource: RESOURCE,
      issuer,
      body: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'read_file' } },
      headers: { 'mcp-method': 'tools/call', 'mcp-name': 'read_file' },
      scopes: ['files:read'],
    };

    const app = express();
    app.use(expressAdapter.protectedResource(metadata));
    app.post(
      '/mcp',
      expressAdapter.authenticate(authenticator),
      expressAdapter.requireToolScopes(tools),
      (_req, res) => res.json({ jsonrpc: '2.0', id: 1, result: {} }),
    );
    const server = createServer(app).listen(0, '127.0.0.1');
    servers.push(server);
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
    expect(failedOf(await checkResourceServer({ ...call, url }))).toEqual([]);

    const hono = new Hono();
    hono.use(honoAdapter.protectedResource(metadata));
    hono.use('/mcp', honoAdapter.authenticate(authenticator));
    hono.use('/mcp', honoAdapter.requireToolScopes(tools));
    hono.post('/mcp', (c) => c.json({ jsonrpc: '2.0', id: 1, result: {} }));
    expect(failedOf(await checkResourceServer({ ...call, fetch: hono.fetch }))).toEqual([]);
    // Without the tool's scope: 403 naming it.
    const report = await checkResourceServer({ ...call, fetch: hono.fetch, scopes: [] });
    expect(failedOf(report)).toEqual(['good-token']);
    expect(detailOf(report, 'good-token')).toMatch(/pass `scopes`: \['files:read'\]$/);
  });

  it('the challenge may name the root document, when both are served', async () => {
    const url = await expressApp({ resourceMetadata: ROOT_METADATA });
    const report = await checkResourceServer({ url, resource: RESOURCE, issuer, body: MCP_PING });
    expect(failedOf(report)).toEqual([]);
    expect(detailOf(report, 'metadata')).toContain(`GET ${ROOT_METADATA}: 200`);
    expect(detailOf(report, 'metadata-path')).not.toContain("challenge's URL");
  });

  it('GET by default, and an Origin header when asked', async () => {
    const seen: Array<[string, string | null]> = [];
    const app = honoApp();
    app.get('/mcp', (c) => c.text('ok'));
    const report = await checkResourceServer({
      fetch: (request) => {
        seen.push([request.method, request.headers.get('origin')]);
        return app.fetch(request);
      },
      resource: RESOURCE,
      issuer,
      origin: 'https://client.example',
    });
    expect(failedOf(report)).toEqual([]);
    expect(seen[0]).toEqual(['GET', 'https://client.example']);
  });
});

describe('checkResourceServer: each check can fail', () => {
  it("metadata: a trailing slash on the document's resource", async () => {
    const url = await expressApp({ document: { resource: `${RESOURCE}/` } });
    const report = await checkResourceServer({ url, resource: RESOURCE, issuer, body: MCP_PING });
    expect(failedOf(report)).toEqual(['metadata', 'metadata-path']);
    expect(detailOf(report, 'metadata')).toContain('a trailing slash differs');
    await expect(
      assertResourceServer({ url, resource: RESOURCE, issuer, body: MCP_PING }),
    ).rejects.toThrow(
      /2 of 8 resource server checks failed\n✗ metadata: .*\n {2}GET .*trailing slash/,
    );
  });

  it('metadata: the document names the origin, not the path', async () => {
    const app = honoApp({ document: { resource: 'https://mcp.example.com' } });
    const report = await checkResourceServer(honoOptions(app));
    expect(failedOf(report)).toEqual(['metadata', 'metadata-path']);
    expect(detailOf(report, 'metadata')).toContain('it names the origin, not the path');
  });

  it.each([
    [undefined, 'it has no `resource`; it must be "https://mcp.example.com/mcp"'],
    [42, 'its `resource` is 42, not "https://mcp.example.com/mcp"'],
    ['mcp', ': it is not an absolute URL'],
    ['https://mcp.example.com/other', ': it names another path;'],
    ['HTTPS://MCP.example.com/mcp', ': they differ in case'],
    ['https://elsewhere.example/mcp', ': clients refuse metadata naming another resource'],
  ])('metadata: the document names %j', async (resource, problem) => {
    const app = honoApp({ document: { resource } });
    expect(detailOf(await checkResourceServer(honoOptions(app)), 'metadata')).toContain(problem);
  });

  it('metadata: no authorization servers, not JSON, no CORS', async () => {
    const app = honoApp({
      document: { authorization_servers: [] },
      documentHeaders: { 'content-type': 'text/plain' },
    });
    const detail = detailOf(await checkResourceServer(honoOptions(app)), 'metadata');
    expect(detail).toContain('its content-type is "text/plain"');
    expect(detail).toContain('its `authorization_servers` is []');
    expect(detail).toContain('it has no Access-Control-Allow-Origin');
  });

  it('metadata-path: served only where the challenge points, not at the path-inserted URL', async () => {
    const url = await expressApp({
      resourceMetadata: ROOT_METADATA,
      paths: [new URL(ROOT_METADATA).pathname],
    });
    const report = await checkResourceServer({ url, resource: RESOURCE, issuer, body: MCP_PING });
    expect(failedOf(report)).toEqual(['metadata-path']);
    expect(detailOf(report, 'metadata-path')).toBe(
      `GET ${PATH_INSERTED}: it answered 404, not 200. MCP clients look here when a challenge names no URL: serve the document at /.well-known/oauth-protected-resource/mcp (protectedResource() serves it there and at /.well-known/oauth-protected-resource)`,
    );
  });

  it('challenge: no resource_metadata in the challenge', async () => {
    const app = honoApp({ resourceMetadata: null });
    const report = await checkResourceServer(honoOptions(app));
    // Without resourceMetadata core neither names the document nor exposes the challenge.
    expect(failedOf(report)).toEqual(['challenge', 'metadata', 'cors-expose']);
    expect(detailOf(report, 'challenge')).toBe(
      `the challenge has no resource_metadata (WWW-Authenticate: Bearer realm="api"): set createAuthenticator({ resourceMetadata: '${PATH_INSERTED}' })`,
    );
    expect(detailOf(report, 'metadata')).toBe(
      'not checked: the challenge names no resource_metadata URL',
    );
  });

  it('challenge: an unprotected endpoint', async () => {
    const url = await expressApp({ unprotected: true });
    const report = await checkResourceServer({ url, resource: RESOURCE, issuer, body: MCP_PING });
    expect(failedOf(report)).toEqual([
      'challenge',
      'metadata',
      'audience',
      'query-token',
      'cors-expose',
      'challenge-syntax',
    ]);
    expect(detailOf(report, 'challenge')).toContain(
      'answered 200, not 401: the endpoint is not protected',
    );
    expect(detailOf(report, 'cors-expose')).toBe('not checked: no 401 or 403 answer');
  });

  it('audience: a hand-rolled verifier that does not check aud', async () => {
    const keys = createLocalJWKSet(issuer.jwks as { keys: [] });
    const app = honoApp({
      // Verifies signature, issuer and expiry, as the MCP SDK's bearer middleware leaves it.
      before: async (c, next) => {
        const header = c.req.header('authorization');
        if (header === undefined) return next();
        await jwtVerify(header.slice('Bearer '.length), keys, { issuer: issuer.issuer });
        return c.json({ jsonrpc: '2.0', id: 1, result: {} });
      },
    });
    const report = await checkResourceServer(honoOptions(app));
    expect(failedOf(report)).toEqual(['audience']);
    expect(detailOf(report, 'audience')).toContain(
      'with a token for https://another-resource.test/mcp answered 200',
    );
    expect(detailOf(report, 'audience')).toContain(
      'with a token for https://mcp.example.com/another-resource answered 200',
    );
    expect(detailOf(report, 'audience')).toContain(`jwt({ audience: '${RESOURCE}' })`);
  });

  it('good-token: jwt() expects the origin, not the resource', async () => {
    const app = honoApp({ audience: 'https://mcp.example.com' });
    const report = await checkResourceServer(honoOptions(app));
    expect(failedOf(report)).toEqual(['good-token']);
    expect(detailOf(report, 'good-token')).toMatch(
      /answered 401 \(.*The token audience is not accepted.*\): the app refused it\. Does the app trust `issuer`, and is https:\/\/mcp\.example\.com\/mcp exactly one of jwt\(\)'s `audience`\?$/,
    );
    expect(detailOf(report, 'audience')).toContain('inconclusive');
    expect(detailOf(report, 'query-token')).toContain('inconclusive');
  });

  it('good-token: the scopes the endpoint needs are missing', async () => {
    const url = await expressApp({ requireScope: ['files:read'] });
    const report = await checkResourceServer({ url, resource: RESOURCE, issuer, body: MCP_PING });
    expect(failedOf(report)).toEqual(['good-token']);
    expect(detailOf(report, 'good-token')).toContain(
      '(no scope) answered 403 (WWW-Authenticate: Bearer realm="api", error="insufficient_scope"',
    );
    expect(detailOf(report, 'good-token')).toMatch(/pass `scopes`: \['files:read'\]$/);
  });

  it('query-token: middleware that takes ?access_token=', async () => {
    const fromQuery: RequestHandler = (req, _res, next) => {
      if (typeof req.query.access_token === 'string') {
        // Core reads rawHeaders, so that is where a sloppy middleware must put it.
        req.rawHeaders.push('authorization', `Bearer ${req.query.access_token}`);
      }
      next();
    };
    const url = await expressApp({ before: [fromQuery] });
    const report = await checkResourceServer({ url, resource: RESOURCE, issuer, body: MCP_PING });
    expect(failedOf(report)).toEqual(['query-token']);
    expect(detailOf(report, 'query-token')).toContain(
      'with the token in ?access_token= answered 200, not 401: the app accepted it.',
    );
  });

  it('query-token: a proxy in front of an in-memory app that does the same', async () => {
    const app = honoApp();
    const report = await checkResourceServer({
      ...honoOptions(app),
      fetch: (request) => {
        const token = new URL(request.url).searchParams.get('access_token');
        if (token === null) return app.fetch(request);
        const headers = new Headers(request.headers);
        headers.set('authorization', `Bearer ${token}`);
        return app.fetch(new Request(request, { headers }));
      },
    });
    expect(failedOf(report)).toEqual(['query-token']);
  });

  it('cors-expose: an error handler that copies only WWW-Authenticate', async () => {
    const onError: ErrorRequestHandler = (err, _req, res, next) => {
      if (!isAuthError(err)) return next(err);
      res
        .status(err.status)
        .set('www-authenticate', err.headers['www-authenticate'])
        .json(err.body);
    };
    const url = await expressApp({ onError });
    const report = await checkResourceServer({ url, resource: RESOURCE, issuer, body: MCP_PING });
    expect(failedOf(report)).toEqual(['cors-expose']);
    expect(detailOf(report, 'cors-expose')).toMatch(
      /^401 without a token, 401 with a token for https:\/\/another-resource\.test\/mcp, .*: no Access-Control-Expose-Headers: WWW-Authenticate/,
    );
  });

  it('cors-expose: Access-Control-Expose-Headers: * is enough', async () => {
    const app = honoApp();
    const report = await checkResourceServer({
      ...honoOptions(app),
      fetch: async (request) => {
        const response = await app.fetch(request);
        if (response.status !== 401) return response;
        const headers = new Headers(response.headers);
        headers.set('access-control-expose-headers', 'Mcp-Session-Id, *');
        return new Response(response.body, { status: response.status, headers });
      },
    });
    expect(failedOf(report)).toEqual([]);
  });

  it('challenge-syntax: an error handler that drops the quotes around error', async () => {
    const onError: ErrorRequestHandler = (err: AuthError, _req, res, _next) => {
      const challenge = err.headers['www-authenticate'] ?? '';
      res
        .status(err.status)
        .set({ ...err.headers, 'www-authenticate': challenge.replace(/error="(\w+)"/, 'error=$1') })
        .json(err.body);
    };
    const url = await expressApp({ onError });
    const report = await checkResourceServer({ url, resource: RESOURCE, issuer, body: MCP_PING });
    expect(failedOf(report)).toEqual(['challenge-syntax']);
    expect(detailOf(report, 'challenge-syntax')).toContain(
      '401 with a token for https://another-resource.test/mcp: error is not a quoted-string (error=invalid_token): clients read error="…"',
    );
  });

  it('challenge-syntax: a challenge that does not parse, whose resource_metadata is still found', async () => {
    const app = new Hono();
    const { body, headers, paths } = partsOf({});
    for (const path of paths) app.get(path, (c) => c.body(body, 200, headers));
    app.post('/mcp', (c) =>
      c.json({ error: 'invalid_token' }, 401, {
        'www-authenticate': `Bearer error="invalid_token" resource_metadata="${PATH_INSERTED}"`,
        'access-control-expose-headers': 'WWW-Authenticate',
      }),
    );
    const report = await checkResourceServer(honoOptions(app));
    expect(failedOf(report)).toEqual(['good-token', 'challenge-syntax']);
    expect(detailOf(report, 'challenge-syntax')).toContain(
      '401 without a token: it does not parse: expected "," between parameters',
    );
  });

  it('challenge and challenge-syntax: 401 without WWW-Authenticate, 403 without a token', async () => {
    const bare = new Hono();
    bare.post('/mcp', (c) => c.json({}, 401));
    const report = await checkResourceServer(honoOptions(bare));
    expect(detailOf(report, 'challenge')).toContain('answered 401 with no WWW-Authenticate');
    expect(detailOf(report, 'challenge-syntax')).toContain(
      '401 without a token: no WWW-Authenticate',
    );
    expect(detailOf(report, 'good-token')).toBe(
      `POST ${RESOURCE} with a token for ${RESOURCE} (no scope) answered 401: the app refused it. Does the app trust \`issuer\`, and is ${RESOURCE} exactly one of jwt()'s \`audience\`?`,
    );
    const missing = honoApp();
    const get = await checkResourceServer({ ...honoOptions(missing), method: 'PUT' });
    expect(detailOf(get, 'good-token')).toMatch(/answered 404: not a refusal, but are `url`/);
    const forbidden = new Hono();
    forbidden.post('/mcp', (c) => c.json({}, 403));
    expect(detailOf(await checkResourceServer(honoOptions(forbidden)), 'challenge')).toContain(
      'answered 403, not 401: a request with no credential is 401',
    );
  });

  it('metadata: a redirect, a body that is not JSON, a URL that is not absolute', async () => {
    const redirect = new Hono();
    redirect.post('/mcp', (c) =>
      c.json({}, 401, { 'www-authenticate': `Bearer resource_metadata="${PATH_INSERTED}"` }),
    );
    redirect.get('/.well-known/*', (c) => c.redirect('/somewhere'));
    expect(detailOf(await checkResourceServer(honoOptions(redirect)), 'metadata')).toContain(
      'it answered 302, not 200 (a redirect to /somewhere: serve it here)',
    );
    const notJson = new Hono();
    notJson.post('/mcp', (c) =>
      c.json({}, 401, { 'www-authenticate': `Bearer resource_metadata="${PATH_INSERTED}"` }),
    );
    notJson.get('/.well-known/*', (c) =>
      c.body('<html>', 200, { 'content-type': 'application/json' }),
    );
    expect(detailOf(await checkResourceServer(honoOptions(notJson)), 'metadata')).toBe(
      `GET ${PATH_INSERTED}: its body is not JSON`,
    );
    const array = new Hono();
    array.post('/mcp', (c) =>
      c.json({}, 401, { 'www-authenticate': `Bearer resource_metadata="${PATH_INSERTED}"` }),
    );
    array.get('/.well-known/*', (c) => c.json([]));
    expect(detailOf(await checkResourceServer(honoOptions(array)), 'metadata')).toBe(
      `GET ${PATH_INSERTED}: its body is not a JSON object`,
    );
    const relative = new Hono();
    relative.post('/mcp', (c) =>
      c.json({}, 401, { 'www-authenticate': 'Bearer resource_metadata="/.well-known/x"' }),
    );
    expect(detailOf(await checkResourceServer(honoOptions(relative)), 'metadata')).toBe(
      'resource_metadata "/.well-known/x" is not an absolute URL',
    );
  });
});

describe('checkResourceServer: options', () => {
  it('skip leaves checks out of the report', async () => {
    const app = honoApp({ resourceMetadata: null });
    const report = await checkResourceServer(
      honoOptions(app, { skip: ['challenge', 'metadata', 'cors-expose'] }),
    );
    expect(report.ok).toBe(true);
    expect(report.checks).toHaveLength(5);
  });

  it('an unreachable app is an Error, not a report', async () => {
    const url = await expressApp();
    const port = new URL(url).port;
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await expect(
      checkResourceServer({ url: `http://127.0.0.1:${port}/mcp`, resource: RESOURCE, issuer }),
    ).rejects.toThrow(`checkResourceServer(): could not send GET http://127.0.0.1:${port}/mcp:`);
  });

  it('assertResourceServer hands over the report', async () => {
    const app = honoApp({ resourceMetadata: null });
    const err = await assertResourceServer(honoOptions(app)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as { report: ResourceServerReport }).report.ok).toBe(false);
  });

  it.each([
    [null, 'needs an options object'],
    [{ resource: RESOURCE, issuer: {} }, '`issuer` must be a test issuer'],
    [{ resource: 'mcp.example.com' }, '`resource` must be an http: or https: URL'],
    [{ resource: 'ftp://mcp.example.com' }, '`resource` must be an http: or https: URL'],
    [{ resource: `${RESOURCE}#x` }, '`resource` must not have a fragment'],
    [{ url: 'ftp://x/' }, '`url` must be an http: or https: URL or a path'],
    [{ fetch: 'app' }, '`fetch` must be a function'],
    [{ method: 'HEAD' }, '`method` must be one of GET, POST, PUT, PATCH, DELETE'],
    [{ body: 42 }, '`body` must be a string, or an object or array'],
    [{ method: 'GET', body: '{}' }, 'a GET has no `body`'],
    [{ headers: 'x' }, '`headers` must be an object'],
    [{ headers: { accept: 1 } }, '`headers.accept` must be a string'],
    [{ headers: { Authorization: 'Bearer x' } }, '`headers` must not carry `authorization`'],
    [{ scopes: 'files:read' }, '`scopes` must be an array of scope names'],
    [{ scopes: ['files read'] }, '`scopes` must be an array of scope names'],
    [{ claims: 'x' }, '`claims` must be an object'],
    [{ origin: 'client.example' }, '`origin` must be an http: or https: URL'],
    [{ skip: ['cors'] }, '`skip` must be an array of check names'],
    [{ resourse: RESOURCE }, 'resourse'],
  ])('refuses %j', async (options, message) => {
    const base = options !== null && 'issuer' in options ? {} : { resource: RESOURCE, issuer };
    const given = options === null ? null : { ...base, ...options };
    await expect(
      checkResourceServer(given as unknown as CheckResourceServerOptions),
    ).rejects.toThrow(message);
    await expect(
      checkResourceServer(given as unknown as CheckResourceServerOptions),
    ).rejects.toBeInstanceOf(TypeError);
  });

  it('sends the body as JSON, or as given, with the claims and scopes in every token', async () => {
    const seen: Array<{ type: string | null; body: string; aud: unknown; tenant: unknown }> = [];
    const app = honoApp();
    const options = {
      ...honoOptions(app),
      claims: { tenant: 'acme' },
      scopes: ['a', 'b'],
      fetch: async (request: Request) => {
        const token = request.headers.get('authorization')?.slice(7);
        const claims =
          token === undefined
            ? {}
            : JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
        if (request.method === 'POST') {
          seen.push({
            type: request.headers.get('content-type'),
            body: await request.clone().text(),
            aud: claims.aud,
            tenant: claims.tenant,
          });
          expect(token === undefined || claims.scope === 'a b').toBe(true);
        }
        return app.fetch(request);
      },
    };
    await checkResourceServer(options);
    expect(seen[0]).toEqual({
      type: 'application/json',
      body: JSON.stringify(MCP_PING),
      aud: undefined,
      tenant: undefined,
    });
    expect(seen[1]).toMatchObject({ aud: RESOURCE, tenant: 'acme' });
    seen.length = 0;
    await checkResourceServer({
      ...options,
      body: 'ping',
      headers: { 'content-type': 'text/plain' },
    });
    expect(seen[0]).toMatchObject({ type: 'text/plain', body: 'ping' });
  });
});
