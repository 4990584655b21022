import { AuthErrorCodes } from '@portcullis/core';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { FAKE_BOOM, FAKE_DOWN, FAKE_SECRET } from '../../core/src/test-helpers/adapter-method.js';
import { authenticate } from './index.js';
import { EXPRESSES, echo, fakeAuthenticator, showError } from './test-helpers/apps.js';

describe.each(EXPRESSES)('authenticate() on %s', (_name, makeApp) => {
  const build = (options?: Parameters<typeof authenticate>[1]) => {
    const app = makeApp();
    app.get('/me', authenticate(fakeAuthenticator(), options), echo);
    app.use(showError);
    return app;
  };

  it('sets req.auth from x-api-key', async () => {
    const res = await request(build()).get('/me').set('x-api-key', 'fk_admin');
    expect(res.status).toBe(200);
    expect(res.body.auth).toMatchObject({
      method: 'api_key',
      subject: 'admin',
      scopes: ['billing:read', 'billing:write'],
      keyId: 'id_fk_admin',
    });
  });

  it('sets req.auth from Authorization: Bearer', async () => {
    const res = await request(build()).get('/me').set('authorization', 'Bearer fk_reader');
    expect(res.status).toBe(200);
    expect(res.body.auth).toMatchObject({ subject: 'reader', scopes: ['billing:read'] });
  });

  it('answers no credential with 401, a bare challenge and a JSON body', async () => {
    const res = await request(build()).get('/me');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="test"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      error: 'unauthorized',
      error_description: 'Authentication required',
    });
  });

  it('answers a bad credential with 401 invalid_token', async () => {
    const res = await request(build()).get('/me').set('x-api-key', 'fk_nobody');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="test", error="invalid_token"/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.error).toBe('invalid_token');
  });

  it('answers a malformed Authorization header with 400 invalid_request', async () => {
    const res = await request(build()).get('/me').set('authorization', 'Bearer a b');
    expect(res.status).toBe(400);
    expect(res.headers['www-authenticate']).toContain('error="invalid_request"');
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses two credentials (Bearer and x-api-key) with 400', async () => {
    const res = await request(build())
      .get('/me')
      .set('authorization', 'Bearer fk_admin')
      .set('x-api-key', 'fk_admin');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses two Authorization headers with 400, though Node keeps only the first in req.headers', async () => {
    const res = await request(build())
      .get('/me')
      // superagent hands the array to setHeader, which sends one header line per value.
      .set('authorization', ['Bearer fk_admin', 'Bearer fk_reader'] as unknown as string);
    expect(res.status).toBe(400);
    expect(res.headers['www-authenticate']).toContain('error="invalid_request"');
  });

  it('answers an unavailable dependency with 503 and Retry-After, never 401', async () => {
    const res = await request(build()).get('/me').set('x-api-key', FAKE_DOWN);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(res.body.error).toBe('temporarily_unavailable');
  });

  it('answers a verifier that throws a plain Error with 500 and no detail', async () => {
    const res = await request(build()).get('/me').set('x-api-key', FAKE_BOOM);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: 'server_error',
      error_description: 'Authentication failed on the server',
    });
    expect(res.text).not.toContain(FAKE_SECRET);
    expect(JSON.stringify(res.headers)).not.toContain(FAKE_SECRET);
  });

  it('optional: lets a request with no credential through without req.auth', async () => {
    const res = await request(build({ optional: true })).get('/me');
    expect(res.status).toBe(200);
    expect(res.body.auth).toBeNull();
  });

  it('optional: still sets req.auth from a good credential and refuses a bad one', async () => {
    const app = build({ optional: true });
    const ok = await request(app).get('/me').set('x-api-key', 'fk_reader');
    expect(ok.body.auth.subject).toBe('reader');
    const bad = await request(app).get('/me').set('x-api-key', 'fk_nobody');
    expect(bad.status).toBe(401);
  });

  it("errors: 'throw' passes the AuthError to the error handler", async () => {
    const res = await request(build({ errors: 'throw' }))
      .get('/me')
      .set('x-api-key', 'fk_x');
    expect(res.status).toBe(418);
    expect(res.body).toEqual({ caught: AuthErrorCodes.API_KEY_INVALID, status: 401 });
  });

  it("errors: 'throw' is answered by Express's own handler with the status and challenge", async () => {
    const app = makeApp();
    app.get('/me', authenticate(fakeAuthenticator(), { errors: 'throw' }), echo);
    const res = await request(app).get('/me').set('x-api-key', 'fk_x');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('passes a rejection that is not an AuthError to next(err), never an unhandled rejection', async () => {
    const broken = { realm: 'test', authenticate: () => Promise.reject(new Error('bug')) };
    const app = makeApp();
    app.get('/me', authenticate(broken), echo);
    app.use(showError);
    const res = await request(app).get('/me').set('x-api-key', 'fk_admin');
    expect(res.status).toBe(418);
  });

  it('routes a handler that throws after authenticate() to the error handler', async () => {
    const app = makeApp();
    app.get('/me', authenticate(fakeAuthenticator()), () => {
      throw Object.assign(new Error('handler bug'), { code: 'E_HANDLER', status: 500 });
    });
    app.use(showError);
    const res = await request(app).get('/me').set('x-api-key', 'fk_admin');
    expect(res.body).toEqual({ caught: 'E_HANDLER', status: 500 });
  });

  it('refuses bad options at construction with a TypeError', () => {
    expect(() => authenticate({} as never)).toThrow(TypeError);
    expect(() => authenticate(fakeAuthenticator(), { errors: 'log' as never })).toThrow(
      /'respond' or 'throw'/,
    );
  });
});
