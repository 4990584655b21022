import { AuthErrorCodes, isAuthError } from '@portcullis/core';
import { fakeKeysAuthenticator, inMemory, type Route } from '@portcullis/test-kit';
import { honoApp } from '@portcullis/test-kit/hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import * as adapter from './index.js';
import { authenticate } from './index.js';

// Statuses, challenges, bodies, credentials and optional routes are the conformance table's
// (test/conformance), run on Hono in memory and on @hono/node-server. Here: what only Hono has,
// c.var.auth, the HTTPException it throws by default and `errors: 'respond'`.
const app = (route: Route = { path: '/me' }) =>
  honoApp(adapter, fakeKeysAuthenticator(), { routes: [route] });

describe('authenticate() on Hono', () => {
  it('attaches the whole principal as c.var.auth, and none on an optional route without one', async () => {
    const none = await inMemory(app({ path: '/me', auth: { optional: true } })).get('/me');
    expect(none.json).toEqual({ auth: null });
    const res = await inMemory(app()).get('/me', { 'x-api-key': 'fk_admin' });
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

  it('throws an HTTPException that app.onError can customize, with the AuthError as cause', async () => {
    const customized = app();
    customized.onError((err, c) => {
      const cause = err instanceof HTTPException ? err.cause : undefined;
      return c.json({ caught: isAuthError(cause) ? cause.code : null }, 418);
    });
    const res = await inMemory(customized).get('/me', { 'x-api-key': 'fk_x' });
    expect(res.status).toBe(418);
    expect(res.json).toEqual({ caught: AuthErrorCodes.API_KEY_INVALID });
  });

  it("errors: 'respond' answers without app.onError", async () => {
    const responding = app({ path: '/me', auth: { errors: 'respond' } });
    responding.onError((_err, c) => c.text('should not run', 418));
    const res = await inMemory(responding).get('/me', { 'x-api-key': 'fk_x' });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ error: 'invalid_token' });
  });

  it('rethrows a rejection that is not an AuthError, which Hono answers 500', async () => {
    const bug = new Error('bug');
    const broken = { realm: 'test', authenticate: () => Promise.reject(bug) };
    const failing = honoApp(adapter, broken, { routes: [{ path: '/me' }] });
    // Hono's default handler logs what reaches it; this one records it, so the expected error
    // neither prints a stack trace nor passes unchecked.
    const reached: unknown[] = [];
    failing.onError((err, c) => {
      reached.push(err);
      return c.text('Internal Server Error', 500);
    });
    const res = await inMemory(failing).get('/me', { 'x-api-key': 'k' });
    expect(res.status).toBe(500);
    expect(res.body).not.toContain('bug');
    expect(reached).toEqual([bug]);
  });

  it('refuses bad options at construction with a TypeError', () => {
    expect(() => authenticate({} as never)).toThrow(TypeError);
    expect(() => authenticate(fakeKeysAuthenticator(), { errors: 'log' as never })).toThrow(
      /'respond' or 'throw'/,
    );
  });
});
