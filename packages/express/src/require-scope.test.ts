import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { authenticate, requireAnyScope, requireScope } from './index.js';
import { EXPRESSES, echo, fakeAuthenticator, showError } from './test-helpers/apps.js';

describe.each(EXPRESSES)('requireScope() and requireAnyScope() on %s', (_name, makeApp) => {
  const build = () => {
    const app = makeApp();
    const auth = fakeAuthenticator();
    app.get('/write', authenticate(auth), requireScope('billing:write'), echo);
    app.get('/both', authenticate(auth), requireScope('billing:read', 'billing:write'), echo);
    app.get('/any', authenticate(auth), requireAnyScope('billing:read', 'billing:write'), echo);
    app.get('/open', authenticate(auth, { optional: true }), requireScope('billing:read'), echo);
    app.get('/thrown', authenticate(auth, { errors: 'throw' }), requireScope('x:y'), echo);
    app.get('/unguarded', requireScope('billing:read'), echo);
    app.use(showError);
    return app;
  };
  const app = build();

  it('lets a principal with every scope through', async () => {
    const res = await request(app).get('/both').set('x-api-key', 'fk_admin');
    expect(res.status).toBe(200);
    expect(res.body.auth.subject).toBe('admin');
  });

  it('answers a missing scope with 403 insufficient_scope naming the required scopes', async () => {
    const res = await request(app).get('/write').set('x-api-key', 'fk_reader');
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toMatch(
      /^Bearer realm="test", error="insufficient_scope"/,
    );
    expect(res.headers['www-authenticate']).toContain('scope="billing:write"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.error).toBe('insufficient_scope');
  });

  it('requireScope needs all of them', async () => {
    const res = await request(app).get('/both').set('x-api-key', 'fk_reader');
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toContain('scope="billing:read billing:write"');
  });

  it('requireAnyScope needs one of them', async () => {
    const ok = await request(app).get('/any').set('x-api-key', 'fk_reader');
    expect(ok.status).toBe(200);
    const no = await request(app).get('/any').set('x-api-key', 'fk_none');
    expect(no.status).toBe(403);
    expect(no.headers['www-authenticate']).toContain('scope="billing:read billing:write"');
  });

  it('answers 401 on an optional route when no credential came', async () => {
    const res = await request(app).get('/open');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="test"');
  });

  it('answers 500, never 200, when authenticate() did not run', async () => {
    const res = await request(app).get('/unguarded').set('x-api-key', 'fk_admin');
    expect(res.status).toBe(500);
    expect(res.body.error).toBe('server_error');
    expect(res.text).not.toContain('fk_admin');
  });

  it("follows authenticate()'s errors: 'throw'", async () => {
    const res = await request(app).get('/thrown').set('x-api-key', 'fk_admin');
    expect(res.status).toBe(418);
    expect(res.body).toEqual({ caught: 'ERR_INSUFFICIENT_SCOPE', status: 403 });
  });

  it('refuses no scope or a malformed scope at construction', () => {
    expect(() => requireScope()).toThrow(TypeError);
    expect(() => requireAnyScope('has space')).toThrow(TypeError);
    expect(() => requireScope('a"b')).toThrow(TypeError);
  });
});
