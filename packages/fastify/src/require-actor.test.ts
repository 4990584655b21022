import { createAuthenticator, type Method, type Principal } from '@portcullis/core';
import type { Route } from '@portcullis/test-kit';
import { FASTIFIES, fastifyApp, fastifyOnce } from '@portcullis/test-kit/fastify';
import { describe, expect, it } from 'vitest';
import * as adapter from './index.js';
import { requireActor } from './index.js';

// `dt_<actor>` is a token delegated to <actor> (acting for `user-1`); `dt_` is a direct token.
const delegated: Method = {
  type: 'jwt',
  headers: [],
  cookies: [],
  recognizes: (value) => value.startsWith('dt_'),
  async verify(value): Promise<Principal> {
    const actor = value.slice(3);
    const claims = { iss: 'https://id.example.com/', sub: 'user-1' };
    return actor === ''
      ? { method: 'jwt', subject: 'user-1', scopes: [], claims }
      : { method: 'jwt', subject: 'user-1', scopes: [], actor: { subject: actor }, claims };
  },
};

describe.each(FASTIFIES)('requireActor() on %s', (_name, make) => {
  const get = (route: Route, value: string) =>
    fastifyOnce(
      fastifyApp(
        adapter,
        createAuthenticator({ methods: [delegated], realm: 'test' }),
        { routes: [route], catchErrors: true },
        make,
      ),
      'GET',
      route.path,
      { authorization: `Bearer ${value}` },
    );

  it('passes a listed current actor, and answers 403 ERR_ACTOR_NOT_ALLOWED otherwise', async () => {
    const route = { path: '/refund', requireActor: ['agent-1', 'agent-2'] };
    const ok = await get(route, 'dt_agent-2');
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ auth: { actor: { subject: 'agent-2' } } });
    for (const value of ['dt_agent-3', 'dt_']) {
      const refused = await get(route, value);
      expect(refused.status).toBe(403);
      expect(refused.headers['x-escaped']).toBeUndefined();
      expect(refused.headers['www-authenticate']).toBe(
        'Bearer realm="test", error="insufficient_scope", error_description="The token is not delegated to an actor allowed here"',
      );
      expect(refused.json).toEqual({
        error: 'insufficient_scope',
        error_description: 'The token is not delegated to an actor allowed here',
      });
    }
  });

  it('answers its own 500 when authenticate() never ran, not through the error handler', async () => {
    const res = await get(
      { path: '/refund', auth: false, requireActor: ['agent-1'] },
      'dt_agent-1',
    );
    expect(res.status).toBe(500);
    expect(res.headers['x-escaped']).toBeUndefined();
  });

  it("follows authenticate()'s errors: 'throw'", async () => {
    const route = {
      path: '/thrown',
      auth: { errors: 'throw' as const },
      requireActor: ['agent-1'],
    };
    const res = await get(route, 'dt_agent-9');
    expect(res.json).toEqual({ escaped: true, code: 'ERR_ACTOR_NOT_ALLOWED', status: 403 });
  });
});

describe('requireActor()', () => {
  it('refuses no subject or an empty one at construction, and takes a function', () => {
    expect(() => requireActor()).toThrow(TypeError);
    expect(() => requireActor('')).toThrow(TypeError);
    expect(typeof requireActor(() => true)).toBe('function');
  });
});
