import {
  AuthErrorCodes,
  type Authenticator,
  apiKey,
  createAuthenticator,
  generateApiKey,
  type Principal,
} from '@portcullis/core';
import {
  type AppSpec,
  ESCAPED_STATUS,
  FAKE_SECRET,
  fakeKeysAuthenticator,
  type Route,
} from '@portcullis/test-kit';
import { FASTIFIES, fastifyApp, fastifyOnce } from '@portcullis/test-kit/fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import * as adapter from './index.js';
import { authenticate } from './index.js';

// Statuses, challenges, bodies, credentials and optional routes are the conformance table's
// (test/conformance), run on Fastify 5 and 4 alike. Here: what only Fastify has, request.auth,
// the onRequest hook's callback and Fastify's error handler.
describe.each(FASTIFIES)('authenticate() on %s', (_name, make) => {
  const app = (route: Route, spec: Partial<AppSpec> = {}, auth?: Authenticator) =>
    fastifyApp(adapter, auth ?? fakeKeysAuthenticator(), { routes: [route], ...spec }, make);
  const get = (route: Route, headers = {}, spec: Partial<AppSpec> = {}, auth?: Authenticator) =>
    fastifyOnce(app(route, spec, auth), 'GET', route.path, headers);

  it('attaches the whole principal as request.auth, and null on an optional route without one', async () => {
    const none = await get({ path: '/me', auth: { optional: true } });
    expect(none.json).toEqual({ auth: null });
    const res = await get({ path: '/me' }, { 'x-api-key': 'fk_admin' });
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

  it("errors: 'respond' (the default) answers a failure itself, never through the error handler", async () => {
    const res = await get({ path: '/me' }, { 'x-api-key': 'fk_x' }, { catchErrors: true });
    expect(res.status).toBe(401);
    expect(res.headers['x-escaped']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json).toEqual({ error: 'invalid_token', error_description: expect.any(String) });
  });

  it("errors: 'throw' hands the AuthError to setErrorHandler", async () => {
    const seen: unknown[] = [];
    const thrown = app({ path: '/me', auth: { errors: 'throw' } });
    thrown.setErrorHandler((err, _request, reply) => {
      seen.push(err);
      reply.code(ESCAPED_STATUS).send({ code: (err as { code?: string }).code });
    });
    const res = await fastifyOnce(thrown, 'GET', '/me', { 'x-api-key': 'fk_x' });
    expect(res.status).toBe(ESCAPED_STATUS);
    expect(res.json).toEqual({ code: AuthErrorCodes.API_KEY_INVALID });
    expect(seen).toEqual([expect.objectContaining({ name: 'AuthError', statusCode: 401 })]);
  });

  it("errors: 'throw' is answered by Fastify's own handler with the status and challenge", async () => {
    const res = await get({ path: '/me', auth: { errors: 'throw' } }, { 'x-api-key': 'fk_x' });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="test", error="invalid_token", error_description="The API key is invalid"',
    );
    // Fastify's own error body, with the error's code and safe message.
    expect(res.json).toMatchObject({
      statusCode: 401,
      code: AuthErrorCodes.API_KEY_INVALID,
      message: 'The API key is invalid',
    });
    const none = await get({ path: '/me', auth: { errors: 'throw' } });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="test"');
    const down = await get({ path: '/me', auth: { errors: 'throw' } }, { 'x-api-key': 'fk_down' });
    expect(down.status).toBe(503);
    expect(down.headers['retry-after']).toBe('5');
    const boom = await get({ path: '/me', auth: { errors: 'throw' } }, { 'x-api-key': 'fk_boom' });
    expect(boom.status).toBe(500);
    expect(boom.body).not.toContain(FAKE_SECRET);
  });

  it('hands a rejection that is not an AuthError to the error handler, never an unhandled rejection', async () => {
    const broken = { realm: 'test', authenticate: () => Promise.reject(new Error('bug')) };
    const res = await get(
      { path: '/me' },
      { 'x-api-key': 'fk_admin' },
      { catchErrors: true },
      broken,
    );
    expect(res.status).toBe(ESCAPED_STATUS);
    const thrown = {
      realm: 'test',
      authenticate: () => {
        throw new Error('bug');
      },
    };
    const sync = await get({ path: '/me' }, {}, { catchErrors: true }, thrown);
    expect(sync.status).toBe(ESCAPED_STATUS);
  });

  it('routes a handler that throws after authenticate() to the error handler', async () => {
    const bug = Object.assign(new Error('handler bug'), { code: 'E_HANDLER', status: 500 });
    const route: Route = {
      path: '/me',
      touch: () => {
        throw bug;
      },
    };
    const res = await get(route, { 'x-api-key': 'fk_admin' }, { catchErrors: true });
    expect(res.json).toEqual({ escaped: true, code: 'E_HANDLER', status: 500 });
  });

  it('reads the target as received under a prefix, and sees a second Authorization header', async () => {
    const seen: Array<string | undefined> = [];
    const auth = fakeKeysAuthenticator();
    const spy: Authenticator = {
      ...auth,
      authenticate: (view, options) => {
        seen.push(view.url);
        return auth.authenticate(view, options);
      },
    };
    const server = make();
    server.register(
      async (api) => {
        api.get('/me', { onRequest: authenticate(spy) }, async (request) => request.auth);
      },
      { prefix: '/api/v1' },
    );
    const res = await fastifyOnce(server, 'GET', '/api/v1/me?x=1', { 'x-api-key': 'fk_admin' });
    expect(res.status).toBe(200);
    expect(seen).toEqual(['/api/v1/me?x=1']);
    const two = await fastifyOnce(app({ path: '/me' }), 'GET', '/me', [
      ['authorization', 'Bearer fk_admin'],
      ['authorization', 'Bearer fk_reader'],
    ]);
    expect(two.status).toBe(400);
  });
});

describe('authenticate() on the fast path', () => {
  it('calls done() before it returns when core answers at once, and after a wait otherwise', async () => {
    const issued = generateApiKey({ prefix: 'pcs' });
    const record = { id: 'key_1', subject: 'svc', scopes: ['orders:read'] };
    const authenticator = createAuthenticator({
      methods: [
        apiKey({ prefix: 'pcs', lookup: async (h) => (h === issued.hash ? record : null) }),
      ],
    });
    const hook = authenticate(authenticator);
    const request = () =>
      ({
        raw: { rawHeaders: ['x-api-key', issued.key], method: 'GET', url: '/orders' },
      }) as unknown as FastifyRequest & { auth?: Principal | null };
    const reply = {} as FastifyReply;
    // The first request looks the key up: done() comes later.
    const first = request();
    const waited = new Promise<unknown>((resolve) => hook(first, reply, resolve as never));
    expect(first.auth).toBeUndefined();
    expect(await waited).toBeUndefined();
    expect(first.auth).toMatchObject({ subject: 'svc' });
    // The record is cached: done() is called before the hook returns.
    const done = vi.fn();
    const second = request();
    hook(second, reply, done);
    expect(done).toHaveBeenCalledExactlyOnceWith();
    expect(second.auth).toMatchObject({ subject: 'svc' });
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
