import { ESCAPED_STATUS, fakeKeysAuthenticator } from '@portcullis/test-kit';
import { FASTIFIES, fastifyOnce, listenFastify } from '@portcullis/test-kit/fastify';
import { describe, expect, it } from 'vitest';
import portcullisDefault, { portcullis, requireScope } from './index.js';

describe.each(FASTIFIES)('the portcullis plugin on %s', (_name, make) => {
  it('declares request.auth and request.budget up front, null until a hook sets them', async () => {
    const app = make();
    await app.register(portcullis);
    app.get('/shape', async (request) => ({
      auth: 'auth' in request ? request.auth : 'absent',
      budget: 'budget' in request ? request.budget : 'absent',
    }));
    expect(app.hasRequestDecorator('auth')).toBe(true);
    expect(app.hasRequestDecorator('budget')).toBe(true);
    const res = await fastifyOnce(app, 'GET', '/shape');
    expect(res.json).toEqual({ auth: null, budget: null });
  });

  it('decorates the instance it is registered on, not a new child, and once however often', async () => {
    const app = make();
    let inside = false;
    app.register(async (api) => {
      await api.register(portcullis);
      await api.register(portcullis);
      inside = api.hasRequestDecorator('auth');
    });
    await app.ready();
    expect(inside).toBe(true);
    // Fastify's encapsulation: a plugin's context, and not its parent, has what it declared.
    expect(app.hasRequestDecorator('auth')).toBe(false);
  });

  it('with { authenticator }, makes app.authenticate for routes to use', async () => {
    const app = make();
    await app.register(portcullis, { authenticator: fakeKeysAuthenticator() });
    app.get(
      '/billing',
      { onRequest: app.authenticate, preHandler: requireScope('billing:read') },
      async (request) => ({ subject: request.auth?.subject }),
    );
    const target = await listenFastify(app);
    try {
      expect((await target.get('/billing')).status).toBe(401);
      const ok = await target.get('/billing', { 'x-api-key': 'fk_reader' });
      expect(ok.json).toEqual({ subject: 'reader' });
    } finally {
      await target.close();
    }
  });

  it("passes errors: 'throw' on to app.authenticate and the guards after it", async () => {
    const app = make();
    await app.register(portcullis, { authenticator: fakeKeysAuthenticator(), errors: 'throw' });
    app.setErrorHandler((err, _request, reply) => {
      reply.code(ESCAPED_STATUS).send({ code: (err as { code?: string }).code });
    });
    app.get(
      '/billing',
      { onRequest: app.authenticate, preHandler: requireScope('billing:write') },
      async () => ({ ok: true }),
    );
    const target = await listenFastify(app);
    try {
      expect((await target.get('/billing')).json).toEqual({ code: 'ERR_NO_CREDENTIALS' });
      const reader = await target.get('/billing', { 'x-api-key': 'fk_reader' });
      expect(reader.json).toEqual({ code: 'ERR_INSUFFICIENT_SCOPE' });
    } finally {
      await target.close();
    }
  });

  it('refuses bad options with a TypeError when registered', async () => {
    const typo = make();
    typo.register(portcullis, { authenticater: fakeKeysAuthenticator() } as never);
    await expect(typo.ready()).rejects.toThrow(/did you mean `authenticator`/);
    const alone = make();
    alone.register(portcullis, { errors: 'throw' });
    await expect(alone.ready()).rejects.toThrow(TypeError);
    const fake = make();
    fake.register(portcullis, { authenticator: {} as never });
    await expect(fake.ready()).rejects.toThrow(/createAuthenticator/);
  });
});

describe('the portcullis plugin', () => {
  it('is the default export too, made with fastify-plugin for Fastify 4 and 5', () => {
    expect(portcullisDefault).toBe(portcullis);
    const meta = (portcullis as unknown as Record<symbol, { fastify?: string; name?: string }>)[
      Symbol.for('plugin-meta')
    ];
    expect(meta).toMatchObject({ fastify: '4.x || 5.x', name: '@portcullis/fastify' });
    expect((portcullis as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')]).toBe(
      true,
    );
  });
});
