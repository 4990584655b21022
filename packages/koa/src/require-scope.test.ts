import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { authenticate, requireAnyScope, requireScope } from './index.js';
import { appOf, fakeAuthenticator, KOAS, showError } from './test-helpers/apps.js';

describe.each(KOAS)('requireScope() and requireAnyScope() on %s', (_name, make) => {
  const auth = fakeAuthenticator();
  const write = appOf(make, authenticate(auth), requireScope('billing:write'));
  const both = appOf(make, authenticate(auth), requireScope('billing:read', 'billing:write'));
  const any = appOf(make, authenticate(auth), requireAnyScope('billing:read', 'billing:write'));

  it('lets a principal with every scope through', async () => {
    const res = await request(both).get('/').set('x-api-key', 'fk_admin');
    expect(res.status).toBe(200);
    expect(res.body.auth.subject).toBe('admin');
  });

  it('answers a missing scope with 403 insufficient_scope naming the required scopes', async () => {
    const res = await request(write).get('/').set('x-api-key', 'fk_reader');
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toMatch(
      /^Bearer realm="test", error="insufficient_scope"/,
    );
    expect(res.headers['www-authenticate']).toContain('scope="billing:write"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.error).toBe('insufficient_scope');
  });

  it('requireScope needs all of them', async () => {
    const res = await request(both).get('/').set('x-api-key', 'fk_reader');
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toContain('scope="billing:read billing:write"');
  });

  it('requireAnyScope needs one of them', async () => {
    expect((await request(any).get('/').set('x-api-key', 'fk_reader')).status).toBe(200);
    const no = await request(any).get('/').set('x-api-key', 'fk_none');
    expect(no.status).toBe(403);
    expect(no.headers['www-authenticate']).toContain('scope="billing:read billing:write"');
  });

  it('answers 401 on an optional route when no credential came', async () => {
    const app = appOf(make, authenticate(auth, { optional: true }), requireScope('billing:read'));
    const res = await request(app).get('/');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="test"');
  });

  it('answers 500, never 200, when authenticate() did not run', async () => {
    const res = await request(appOf(make, requireScope('billing:read')))
      .get('/')
      .set('x-api-key', 'fk_admin');
    expect(res.status).toBe(500);
    expect(res.body.error).toBe('server_error');
  });

  it('is not fooled by a principal some other code put in ctx.state', async () => {
    const forge = appOf(
      make,
      (ctx, next) => {
        ctx.state.auth = { method: 'api_key', subject: 'x', scopes: ['billing:read'] };
        return next();
      },
      requireScope('billing:read'),
    );
    expect((await request(forge).get('/')).status).toBe(500);
  });

  it("follows authenticate()'s errors: 'throw'", async () => {
    const app = appOf(
      make,
      showError,
      authenticate(auth, { errors: 'throw' }),
      requireScope('x:y'),
    );
    const res = await request(app).get('/').set('x-api-key', 'fk_admin');
    expect(res.status).toBe(418);
    expect(res.body).toEqual({ caught: 'ERR_INSUFFICIENT_SCOPE', status: 403 });
  });

  it('refuses no scope or a malformed scope at construction', () => {
    expect(() => requireScope()).toThrow(TypeError);
    expect(() => requireAnyScope('has space')).toThrow(TypeError);
  });
});
