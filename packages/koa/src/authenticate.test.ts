import { AuthErrorCodes } from '@portcullis/core';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { FAKE_BOOM, FAKE_DOWN, FAKE_SECRET } from '../../core/src/test-helpers/adapter-method.js';
import { type AuthenticateOptions, authenticate } from './index.js';
import { appOf, fakeAuthenticator, KOAS, showError } from './test-helpers/apps.js';

describe.each(KOAS)('authenticate() on %s', (_name, make) => {
  const build = (options?: AuthenticateOptions) =>
    appOf(make, authenticate(fakeAuthenticator(), options));

  it('sets ctx.state.auth from x-api-key', async () => {
    const res = await request(build()).get('/').set('x-api-key', 'fk_admin');
    expect(res.status).toBe(200);
    expect(res.body.auth).toMatchObject({
      method: 'api_key',
      subject: 'admin',
      scopes: ['billing:read', 'billing:write'],
      keyId: 'id_fk_admin',
    });
  });

  it('sets ctx.state.auth from Authorization: Bearer', async () => {
    const res = await request(build()).get('/').set('authorization', 'Bearer fk_reader');
    expect(res.status).toBe(200);
    expect(res.body.auth).toMatchObject({ subject: 'reader', scopes: ['billing:read'] });
  });

  it('answers no credential with 401, a bare challenge and a JSON body', async () => {
    const res = await request(build()).get('/');
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
    const res = await request(build()).get('/').set('x-api-key', 'fk_nobody');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="test", error="invalid_token"/);
    expect(res.body.error).toBe('invalid_token');
  });

  it('answers a malformed Authorization header with 400 invalid_request', async () => {
    const res = await request(build()).get('/').set('authorization', 'Bearer a b');
    expect(res.status).toBe(400);
    expect(res.headers['www-authenticate']).toContain('error="invalid_request"');
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses two credentials (Bearer and x-api-key) with 400', async () => {
    const res = await request(build())
      .get('/')
      .set('authorization', 'Bearer fk_admin')
      .set('x-api-key', 'fk_admin');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses two Authorization headers with 400', async () => {
    const res = await request(build())
      .get('/')
      // superagent hands the array to setHeader, which sends one header line per value.
      .set('authorization', ['Bearer fk_admin', 'Bearer fk_reader'] as unknown as string);
    expect(res.status).toBe(400);
    expect(res.headers['www-authenticate']).toContain('error="invalid_request"');
  });

  it('answers an unavailable dependency with 503 and Retry-After, never 401', async () => {
    const res = await request(build()).get('/').set('x-api-key', FAKE_DOWN);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(res.body.error).toBe('temporarily_unavailable');
  });

  it('answers a verifier that throws a plain Error with 500 and no detail', async () => {
    const res = await request(build()).get('/').set('x-api-key', FAKE_BOOM);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: 'server_error',
      error_description: 'Authentication failed on the server',
    });
    expect(res.text).not.toContain(FAKE_SECRET);
  });

  it('optional: lets a request with no credential through without ctx.state.auth', async () => {
    const res = await request(build({ optional: true })).get('/');
    expect(res.status).toBe(200);
    expect(res.body.auth).toBeNull();
  });

  it('optional: still refuses a bad credential', async () => {
    const res = await request(build({ optional: true }))
      .get('/')
      .set('x-api-key', 'fk_nobody');
    expect(res.status).toBe(401);
  });

  it("errors: 'throw' throws the AuthError into Koa's error flow", async () => {
    const app = appOf(make, showError, authenticate(fakeAuthenticator(), { errors: 'throw' }));
    const res = await request(app).get('/').set('x-api-key', 'fk_x');
    expect(res.status).toBe(418);
    expect(res.body).toEqual({ caught: AuthErrorCodes.API_KEY_INVALID, status: 401 });
  });

  it("errors: 'throw' is answered by Koa's own handler with the status and challenge", async () => {
    const res = await request(build({ errors: 'throw' }))
      .get('/')
      .set('x-api-key', 'fk_x');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it("errors: 'throw' on a 500 hides the detail behind Koa's status text", async () => {
    const res = await request(build({ errors: 'throw' }))
      .get('/')
      .set('x-api-key', FAKE_BOOM);
    expect(res.status).toBe(500);
    expect(res.text).toBe('Internal Server Error');
  });

  it('throws a rejection that is not an AuthError into Koa, which answers 500', async () => {
    const broken = { realm: 'test', authenticate: () => Promise.reject(new Error('bug')) };
    const res = await request(appOf(make, authenticate(broken)))
      .get('/')
      .set('x-api-key', 'k');
    expect(res.status).toBe(500);
    expect(res.text).not.toContain('bug');
  });

  it('refuses bad options at construction with a TypeError', () => {
    expect(() => authenticate({} as never)).toThrow(TypeError);
    expect(() => authenticate(fakeAuthenticator(), { errors: 'log' as never })).toThrow(
      /'respond' or 'throw'/,
    );
  });
});
