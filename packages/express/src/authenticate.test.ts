import { AuthErrorCodes, type Authenticator } from '@portcullis/core';
import {
  type AppSpec,
  ESCAPED_STATUS,
  fakeKeysAuthenticator,
  getOnce,
  type Route,
} from '@portcullis/test-kit';
import { EXPRESSES, expressApp } from '@portcullis/test-kit/express';
import { describe, expect, it } from 'vitest';
import * as adapter from './index.js';
import { authenticate } from './index.js';

// Statuses, challenges, bodies, credentials and optional routes are the conformance table's
// (test/conformance), run on Express 5 and 4 alike. Here: what only Express has, req.auth and
// Express's own error flow.
describe.each(EXPRESSES)('authenticate() on %s', (_name, make) => {
  const app = (route: Route, spec: Partial<AppSpec> = {}, auth?: Authenticator) =>
    expressApp(adapter, auth ?? fakeKeysAuthenticator(), { routes: [route], ...spec }, make);

  it('attaches the whole principal as req.auth, and none on an optional route without one', async () => {
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

  it("errors: 'respond' (the default) answers a failure itself, never through next(err)", async () => {
    const res = await getOnce(app({ path: '/me' }, { catchErrors: true }), '/me', {
      'x-api-key': 'fk_x',
    });
    expect(res.status).toBe(401);
    expect(res.headers['x-escaped']).toBeUndefined();
    expect(res.json).toMatchObject({ error: 'invalid_token' });
  });

  it("errors: 'throw' passes the AuthError to the error handler", async () => {
    const thrown = app({ path: '/me', auth: { errors: 'throw' } }, { catchErrors: true });
    const res = await getOnce(thrown, '/me', { 'x-api-key': 'fk_x' });
    expect(res.status).toBe(ESCAPED_STATUS);
    expect(res.json).toEqual({ escaped: true, code: AuthErrorCodes.API_KEY_INVALID, status: 401 });
  });

  it("errors: 'throw' is answered by Express's own handler with the status and challenge", async () => {
    const res = await getOnce(app({ path: '/me', auth: { errors: 'throw' } }), '/me', {
      'x-api-key': 'fk_x',
    });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('passes a rejection that is not an AuthError to next(err), never an unhandled rejection', async () => {
    const broken = { realm: 'test', authenticate: () => Promise.reject(new Error('bug')) };
    const res = await getOnce(app({ path: '/me' }, { catchErrors: true }, broken), '/me', {
      'x-api-key': 'fk_admin',
    });
    expect(res.status).toBe(ESCAPED_STATUS);
  });

  it('routes a handler that throws after authenticate() to the error handler', async () => {
    const bug = Object.assign(new Error('handler bug'), { code: 'E_HANDLER', status: 500 });
    const throwing = app(
      {
        path: '/me',
        touch: () => {
          throw bug;
        },
      },
      { catchErrors: true },
    );
    const res = await getOnce(throwing, '/me', { 'x-api-key': 'fk_admin' });
    expect(res.json).toEqual({ escaped: true, code: 'E_HANDLER', status: 500 });
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
