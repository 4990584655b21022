import { apiKey, createAuthenticator, generateApiKey } from '@portcullis/core';
import { answerAuth, fakeKeysAuthenticator, inMemory } from '@portcullis/test-kit';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { withAuth } from './index.js';

// What authenticate() and the scope guards answer, done inside one handler, is the conformance
// table's (test/conformance: the `Hono withAuth()` targets). Here: what only withAuth() has.
const echo = (c: import('hono').Context) => c.json(answerAuth(c.var.auth));

describe('withAuth()', () => {
  it('runs the handler with c.var.auth set, and unset on an optional route without one', async () => {
    const app = new Hono();
    app.get('/me', withAuth(fakeKeysAuthenticator(), echo));
    app.get('/open', withAuth(fakeKeysAuthenticator(), echo, { optional: true }));
    expect((await inMemory(app).get('/open')).json).toEqual({ auth: null });
    const res = await inMemory(app).get('/me', { 'x-api-key': 'fk_admin' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ auth: { subject: 'admin', keyId: 'id_fk_admin' } });
  });

  it('checks requireScope (all) and requireAnyScope (one) together', async () => {
    const app = new Hono();
    app.get(
      '/both',
      withAuth(fakeKeysAuthenticator(), echo, {
        requireScope: ['billing:read'],
        requireAnyScope: ['billing:write'],
      }),
    );
    const get = (key: string) => inMemory(app).get('/both', { 'x-api-key': key });
    expect((await get('fk_admin')).status).toBe(200);
    const refused = await get('fk_reader');
    expect(refused.status).toBe(403);
    expect(refused.headers['www-authenticate']).toContain('scope="billing:write"');
  });

  it('throws an HTTPException carrying the response by default, for app.onError to see', async () => {
    const app = new Hono();
    const seen: unknown[] = [];
    app.onError((err, c) => {
      seen.push(err);
      return c.text('handled', 418);
    });
    app.get('/me', withAuth(fakeKeysAuthenticator(), echo));
    const res = await inMemory(app).get('/me');
    expect(res.status).toBe(418);
    expect(seen[0]).toBeInstanceOf(HTTPException);
    expect((seen[0] as HTTPException).getResponse().status).toBe(401);
  });

  it("errors: 'respond' answers without app.onError, scope failures included", async () => {
    const app = new Hono();
    app.onError((_err, c) => c.text('should not run', 418));
    const auth = fakeKeysAuthenticator();
    app.get('/me', withAuth(auth, echo, { errors: 'respond' }));
    app.get('/write', withAuth(auth, echo, { errors: 'respond', requireScope: ['billing:write'] }));
    expect((await inMemory(app).get('/me')).status).toBe(401);
    expect((await inMemory(app).get('/write', { 'x-api-key': 'fk_reader' })).status).toBe(403);
  });

  it('refuses mistakes with TypeError when the route is built', () => {
    const auth = fakeKeysAuthenticator();
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
