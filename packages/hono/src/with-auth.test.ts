import { apiKey, createAuthenticator, generateApiKey } from '@portcullis/core';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { FAKE_BOOM, FAKE_SECRET } from '../../core/src/test-helpers/adapter-method.js';
import { withAuth } from './index.js';
import { echo, fakeAuthenticator, headers } from './test-helpers/apps.js';

const get = (app: Hono, path: string, ...pairs: [string, string][]) =>
  app.request(path, { headers: headers(...pairs) });

describe.each([
  ['thrown HTTPException (default)', undefined],
  ["errors: 'respond'", 'respond'],
] as const)('withAuth() answering by %s', (_name, errors) => {
  const auth = fakeAuthenticator();
  const app = new Hono();
  const options = errors === undefined ? {} : { errors };
  app.get('/me', withAuth(auth, echo, options));
  app.get('/open', withAuth(auth, echo, { ...options, optional: true }));
  app.get('/write', withAuth(auth, echo, { ...options, requireScope: ['billing:write'] }));
  app.get(
    '/any',
    withAuth(auth, echo, { ...options, requireAnyScope: ['billing:write', 'billing:read'] }),
  );
  app.get(
    '/both',
    withAuth(auth, echo, {
      ...options,
      requireScope: ['billing:read'],
      requireAnyScope: ['billing:write'],
    }),
  );

  it('runs the handler with c.var.auth set', async () => {
    const res = await get(app, '/me', ['x-api-key', 'fk_admin']);
    expect(res.status).toBe(200);
    expect((await res.json()).auth).toMatchObject({ subject: 'admin', keyId: 'id_fk_admin' });
  });

  it('answers as authenticate() does: 401 with a challenge, without running the handler', async () => {
    const res = await get(app, '/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="test"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect((await get(app, '/me', ['x-api-key', 'fk_nobody'])).status).toBe(401);
  });

  it('lets an optional route through with no credential, and no c.var.auth', async () => {
    const res = await get(app, '/open');
    expect(res.status).toBe(200);
    expect((await res.json()).auth).toBeNull();
    expect((await get(app, '/open', ['x-api-key', 'fk_nobody'])).status).toBe(401);
  });

  it('checks requireScope (all) and requireAnyScope (one), with 403 insufficient_scope', async () => {
    expect((await get(app, '/write', ['x-api-key', 'fk_admin'])).status).toBe(200);
    const refused = await get(app, '/write', ['x-api-key', 'fk_reader']);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('scope="billing:write"');
    expect((await get(app, '/any', ['x-api-key', 'fk_reader'])).status).toBe(200);
    expect((await get(app, '/any', ['x-api-key', 'fk_none'])).status).toBe(403);
    expect((await get(app, '/both', ['x-api-key', 'fk_reader'])).status).toBe(403);
    expect((await get(app, '/both', ['x-api-key', 'fk_admin'])).status).toBe(200);
  });

  it('answers an internal failure with 500 and never the error text', async () => {
    const res = await get(app, '/me', ['x-api-key', FAKE_BOOM]);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain(FAKE_SECRET);
  });
});

describe('withAuth() errors', () => {
  it('throws an HTTPException carrying the response by default, for app.onError to see', async () => {
    const app = new Hono();
    const seen: unknown[] = [];
    app.onError((err, c) => {
      seen.push(err);
      return c.text('handled', 418);
    });
    app.get('/me', withAuth(fakeAuthenticator(), echo));
    const res = await get(app, '/me');
    expect(res.status).toBe(418);
    expect(seen[0]).toBeInstanceOf(HTTPException);
    expect((seen[0] as HTTPException).getResponse().status).toBe(401);
  });

  it('refuses mistakes with TypeError when the route is built', () => {
    const auth = fakeAuthenticator();
    expect(() => withAuth(auth, undefined as never)).toThrow(/handler/);
    expect(() => withAuth({} as never, echo)).toThrow(/createAuthenticator/);
    expect(() => withAuth(auth, echo, { requireScope: 'billing:read' as never })).toThrow(
      /`requireScope` must be an array/,
    );
    expect(() => withAuth(auth, echo, { requireScope: [] })).toThrow(/at least one scope/);
    expect(() => withAuth(auth, echo, { requireAnyScope: ['a b'] })).toThrow(TypeError);
  });
});

describe('withAuth() on the fast path', () => {
  it('returns the handler response itself, not a promise, when nothing is awaited', async () => {
    const issued = generateApiKey({ prefix: 'pcs' });
    const record = { id: 'key_1', subject: 'svc', scopes: ['orders:read'] };
    const auth = createAuthenticator({
      methods: [
        apiKey({ prefix: 'pcs', lookup: (hash) => (hash === issued.hash ? record : null) }),
      ],
    });
    const app = new Hono();
    app.get('/orders', withAuth(auth, echo, { requireScope: ['orders:read'] }));
    const request = () =>
      new Request('http://localhost/orders', { headers: { 'x-api-key': issued.key } });
    const res = app.fetch(request());
    expect(res).toBeInstanceOf(Response);
    expect(((await res) as Response).status).toBe(200);
    const refused = app.fetch(new Request('http://localhost/orders'));
    expect(refused).toBeInstanceOf(Response);
    expect(((await refused) as Response).status).toBe(401);
  });
});
