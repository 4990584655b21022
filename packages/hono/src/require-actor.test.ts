import { createAuthenticator, type Method, type Principal } from '@portcullis/core';
import { inMemory, type Route } from '@portcullis/test-kit';
import { honoApp } from '@portcullis/test-kit/hono';
import { HTTPException } from 'hono/http-exception';
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
const bearer = (value: string) => ({ authorization: `Bearer ${value}` });
const app = (route: Route) =>
  honoApp(adapter, createAuthenticator({ methods: [delegated], realm: 'test' }), {
    routes: [route],
  });

describe('requireActor() on Hono', () => {
  it('passes a listed current actor, and answers 403 ERR_ACTOR_NOT_ALLOWED otherwise', async () => {
    const guarded = app({ path: '/refund', requireActor: ['agent-1', 'agent-2'] });
    const ok = await inMemory(guarded).get('/refund', bearer('dt_agent-2'));
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ auth: { actor: { subject: 'agent-2' } } });
    for (const value of ['dt_agent-3', 'dt_']) {
      const refused = await inMemory(guarded).get('/refund', bearer(value));
      expect(refused.status).toBe(403);
      expect(refused.headers['www-authenticate']).toBe(
        'Bearer realm="test", error="insufficient_scope", error_description="The token is not delegated to an actor allowed here"',
      );
      expect(refused.json).toEqual({
        error: 'insufficient_scope',
        error_description: 'The token is not delegated to an actor allowed here',
      });
    }
  });

  it("follows authenticate()'s errors: 'respond', answering without app.onError", async () => {
    const guarded = app({
      path: '/respond',
      auth: { errors: 'respond' },
      requireActor: ['agent-1'],
    });
    guarded.onError((_err, c) => c.text('onError ran', 418));
    const res = await inMemory(guarded).get('/respond', bearer('dt_agent-9'));
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: 'insufficient_scope' });
  });

  it('throws its 403 as an HTTPException by default, and its 500 when authenticate() never ran', async () => {
    for (const [route, status] of [
      [{ path: '/refund', requireActor: ['agent-1'] }, 403],
      [{ path: '/refund', auth: false, requireActor: ['agent-1'] }, 500],
    ] as const) {
      const guarded = app(route);
      const reached: unknown[] = [];
      guarded.onError((err, c) => {
        reached.push(err);
        return err instanceof HTTPException ? err.getResponse() : c.text('unexpected', 418);
      });
      const res = await inMemory(guarded).get('/refund', bearer('dt_agent-9'));
      expect(res.status).toBe(status);
      expect(reached[0]).toBeInstanceOf(HTTPException);
    }
  });

  it('refuses no subject or an empty one at construction, and takes a function', () => {
    expect(() => requireActor()).toThrow(TypeError);
    expect(() => requireActor('')).toThrow(TypeError);
    expect(typeof requireActor(() => true)).toBe('function');
  });
});
