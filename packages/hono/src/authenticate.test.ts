import { AuthErrorCodes, isAuthError } from '@portcullis/core';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { FAKE_BOOM, FAKE_DOWN, FAKE_SECRET } from '../../core/src/test-helpers/adapter-method.js';
import { type AuthenticateOptions, authenticate } from './index.js';
import { echo, fakeAuthenticator, headers } from './test-helpers/apps.js';

function build(options?: AuthenticateOptions) {
  const app = new Hono();
  app.get('/me', authenticate(fakeAuthenticator(), options), echo);
  return app;
}
const get = (app: Hono, ...pairs: [string, string][]) =>
  app.request('/me', { headers: headers(...pairs) });

describe.each([
  ['thrown HTTPException (default)', undefined],
  ["errors: 'respond'", 'respond'],
] as const)('authenticate() answering by %s', (_name, errors) => {
  const app = build(errors === undefined ? {} : { errors });

  it('sets c.var.auth from x-api-key', async () => {
    const res = await get(app, ['x-api-key', 'fk_admin']);
    expect(res.status).toBe(200);
    expect((await res.json()).auth).toMatchObject({
      method: 'api_key',
      subject: 'admin',
      scopes: ['billing:read', 'billing:write'],
      keyId: 'id_fk_admin',
    });
  });

  it('sets c.var.auth from Authorization: Bearer', async () => {
    const res = await get(app, ['authorization', 'Bearer fk_reader']);
    expect(res.status).toBe(200);
    expect((await res.json()).auth).toMatchObject({ subject: 'reader' });
  });

  it('answers no credential with 401, a bare challenge and a JSON body', async () => {
    const res = await get(app);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="test"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      error: 'unauthorized',
      error_description: 'Authentication required',
    });
  });

  it('answers a bad credential with 401 invalid_token', async () => {
    const res = await get(app, ['x-api-key', 'fk_nobody']);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="test", error="invalid_token"/,
    );
    expect((await res.json()).error).toBe('invalid_token');
  });

  it('answers a malformed Authorization header with 400 invalid_request', async () => {
    const res = await get(app, ['authorization', 'Bearer a b']);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_request');
  });

  it('refuses two credentials (Bearer and x-api-key) with 400', async () => {
    const res = await get(app, ['authorization', 'Bearer fk_admin'], ['x-api-key', 'fk_admin']);
    expect(res.status).toBe(400);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_request"');
  });

  it('refuses two Authorization headers (joined by Fetch with ", ") with 400', async () => {
    const res = await get(
      app,
      ['authorization', 'Bearer fk_admin'],
      ['authorization', 'Bearer fk_reader'],
    );
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_request');
  });

  it('answers an unavailable dependency with 503 and Retry-After, never 401', async () => {
    const res = await get(app, ['x-api-key', FAKE_DOWN]);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect((await res.json()).error).toBe('temporarily_unavailable');
  });

  it('answers a verifier that throws a plain Error with 500 and no detail', async () => {
    const res = await get(app, ['x-api-key', FAKE_BOOM]);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      error: 'server_error',
      error_description: 'Authentication failed on the server',
    });
    expect(text).not.toContain(FAKE_SECRET);
  });
});

describe('authenticate() options', () => {
  it('optional: lets a request with no credential through without c.var.auth', async () => {
    const res = await get(build({ optional: true }));
    expect(res.status).toBe(200);
    expect((await res.json()).auth).toBeNull();
  });

  it('optional: still refuses a bad credential', async () => {
    const res = await get(build({ optional: true }), ['x-api-key', 'fk_nobody']);
    expect(res.status).toBe(401);
  });

  it('throws an HTTPException that app.onError can customize, with the AuthError as cause', async () => {
    const app = build();
    app.onError((err, c) => {
      const cause = err instanceof HTTPException ? err.cause : undefined;
      return c.json({ caught: isAuthError(cause) ? cause.code : null }, 418);
    });
    const res = await get(app, ['x-api-key', 'fk_x']);
    expect(res.status).toBe(418);
    expect(await res.json()).toEqual({ caught: AuthErrorCodes.API_KEY_INVALID });
  });

  it("errors: 'respond' answers without app.onError", async () => {
    const app = build({ errors: 'respond' });
    app.onError((_err, c) => c.text('should not run', 418));
    const res = await get(app, ['x-api-key', 'fk_x']);
    expect(res.status).toBe(401);
  });

  it('rethrows a rejection that is not an AuthError, which Hono answers 500', async () => {
    const bug = new Error('bug');
    const broken = { realm: 'test', authenticate: () => Promise.reject(bug) };
    const app = new Hono();
    app.get('/me', authenticate(broken), echo);
    // Hono's default handler logs what reaches it; this one records it, so the expected error
    // neither prints a stack trace nor passes unchecked.
    const reached: unknown[] = [];
    app.onError((err, c) => {
      reached.push(err);
      return c.text('Internal Server Error', 500);
    });
    const res = await get(app, ['x-api-key', 'k']);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('bug');
    expect(reached).toEqual([bug]);
  });

  it('refuses bad options at construction with a TypeError', () => {
    expect(() => authenticate({} as never)).toThrow(TypeError);
    expect(() => authenticate(fakeAuthenticator(), { errors: 'log' as never })).toThrow(
      /'respond' or 'throw'/,
    );
  });
});
