import { AuthErrorCodes, type Authenticator } from '@portcullis/core';
import {
  type AppSpec,
  ESCAPED_STATUS,
  FAKE_BOOM,
  FAKE_SECRET,
  fakeKeysAuthenticator,
  getOnce,
  type Route,
} from '@portcullis/test-kit';
import { KOAS, koaApp } from '@portcullis/test-kit/koa';
import { describe, expect, it } from 'vitest';
import * as adapter from './index.js';
import { authenticate } from './index.js';

// Statuses, challenges, bodies, credentials and optional routes are the conformance table's
// (test/conformance), run on Koa 3 and 2 alike. Here: what only Koa has, ctx.state.auth and
// Koa's own error flow.
describe.each(KOAS)('authenticate() on %s', (_name, make) => {
  const app = (route: Route, spec: Partial<AppSpec> = {}, auth?: Authenticator) =>
    koaApp(adapter, auth ?? fakeKeysAuthenticator(), { routes: [route], ...spec }, make).callback();

  it('attaches the whole principal as ctx.state.auth, and none on an optional route without one', async () => {
    const none = await getOnce(app({ path: '/me', auth: { optional: true } }), '/me');
    expect(none.json).toEqual({ auth: null });
    const res = await getOnce(app({ path: '/me' }), '/me', { 'x-api-key': 'fk_admin' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      auth: {
        method: 'api_key',
        subject: 'admin',
        scopes: ['billing:read', 'billing:write'],
        keyId: 'id_fk_admin',
      },
    });
  });

  it("errors: 'respond' (the default) answers a failure itself, never by throwing", async () => {
    const res = await getOnce(app({ path: '/me' }, { catchErrors: true }), '/me', {
      'x-api-key': 'fk_x',
    });
    expect(res.status).toBe(401);
    expect(res.headers['x-escaped']).toBeUndefined();
    expect(res.json).toMatchObject({ error: 'invalid_token' });
  });

  it("errors: 'throw' throws the AuthError into Koa's error flow", async () => {
    const thrown = app({ path: '/me', auth: { errors: 'throw' } }, { catchErrors: true });
    const res = await getOnce(thrown, '/me', { 'x-api-key': 'fk_x' });
    expect(res.status).toBe(ESCAPED_STATUS);
    expect(res.json).toEqual({ escaped: true, code: AuthErrorCodes.API_KEY_INVALID, status: 401 });
  });

  it("errors: 'throw' is answered by Koa's own handler with the status and challenge", async () => {
    const res = await getOnce(app({ path: '/me', auth: { errors: 'throw' } }), '/me', {
      'x-api-key': 'fk_x',
    });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it("errors: 'throw' on a 500 hides the detail behind Koa's status text", async () => {
    const res = await getOnce(app({ path: '/me', auth: { errors: 'throw' } }), '/me', {
      'x-api-key': FAKE_BOOM,
    });
    expect(res.status).toBe(500);
    expect(res.body).toBe('Internal Server Error');
    expect(res.body).not.toContain(FAKE_SECRET);
  });

  it('throws a rejection that is not an AuthError into Koa, which answers 500', async () => {
    const broken = { realm: 'test', authenticate: () => Promise.reject(new Error('bug')) };
    const res = await getOnce(app({ path: '/me' }, {}, broken), '/me', { 'x-api-key': 'k' });
    expect(res.status).toBe(500);
    expect(res.body).not.toContain('bug');
  });
});

describe('authenticate()', () => {
  it('refuses bad options at construction with a TypeError', () => {
    expect(() => authenticate({} as never)).toThrow(TypeError);
    expect(() => authenticate(fakeKeysAuthenticator(), { errors: 'log' as never })).toThrow(
      /'respond' or 'throw'/,
    );
  });
});
