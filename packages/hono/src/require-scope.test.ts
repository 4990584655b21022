import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { authenticate, requireAnyScope, requireScope } from './index.js';
import { echo, fakeAuthenticator, headers } from './test-helpers/apps.js';

const auth = fakeAuthenticator();
const app = new Hono();
app.get('/write', authenticate(auth), requireScope('billing:write'), echo);
app.get('/both', authenticate(auth), requireScope('billing:read', 'billing:write'), echo);
app.get('/any', authenticate(auth), requireAnyScope('billing:read', 'billing:write'), echo);
app.get('/open', authenticate(auth, { optional: true }), requireScope('billing:read'), echo);
app.get('/respond', authenticate(auth, { errors: 'respond' }), requireScope('x:y'), echo);
app.get('/unguarded', requireScope('billing:read'), echo);
app.get(
  '/forged',
  async (c, next) => {
    c.set('auth', { method: 'api_key', subject: 'x', scopes: ['billing:read'] });
    await next();
  },
  requireScope('billing:read'),
  echo,
);
app.onError((err, c) =>
  err instanceof HTTPException && new URL(c.req.url).pathname === '/respond'
    ? c.text('onError ran', 418)
    : err instanceof HTTPException
      ? err.getResponse()
      : c.text('unexpected', 599 as never),
);

const get = (path: string, key?: string) =>
  app.request(path, { headers: key === undefined ? headers() : headers(['x-api-key', key]) });

describe('requireScope() and requireAnyScope() on Hono', () => {
  it('lets a principal with every scope through', async () => {
    const res = await get('/both', 'fk_admin');
    expect(res.status).toBe(200);
    expect((await res.json()).auth.subject).toBe('admin');
  });

  it('answers a missing scope with 403 insufficient_scope naming the required scopes', async () => {
    const res = await get('/write', 'fk_reader');
    expect(res.status).toBe(403);
    const challenge = res.headers.get('www-authenticate');
    expect(challenge).toMatch(/^Bearer realm="test", error="insufficient_scope"/);
    expect(challenge).toContain('scope="billing:write"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect((await res.json()).error).toBe('insufficient_scope');
  });

  it('requireScope needs all of them', async () => {
    const res = await get('/both', 'fk_reader');
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('scope="billing:read billing:write"');
  });

  it('requireAnyScope needs one of them', async () => {
    expect((await get('/any', 'fk_reader')).status).toBe(200);
    const no = await get('/any', 'fk_none');
    expect(no.status).toBe(403);
    expect(no.headers.get('www-authenticate')).toContain('scope="billing:read billing:write"');
  });

  it('answers 401 on an optional route when no credential came', async () => {
    const res = await get('/open');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="test"');
  });

  it('answers 500, never 200, when authenticate() did not run', async () => {
    const res = await get('/unguarded', 'fk_admin');
    expect(res.status).toBe(500);
    expect((await res.json()).error).toBe('server_error');
  });

  it('is not fooled by a principal some other code set in c.var', async () => {
    expect((await get('/forged')).status).toBe(500);
  });

  it("follows authenticate()'s errors: 'respond'", async () => {
    const res = await get('/respond', 'fk_admin');
    expect(res.status).toBe(403);
  });

  it('refuses no scope or a malformed scope at construction', () => {
    expect(() => requireScope()).toThrow(TypeError);
    expect(() => requireAnyScope('has space')).toThrow(TypeError);
  });
});
