import { fakeKeysAuthenticator, type Route } from '@portcullis/test-kit';
import { FASTIFIES, fastifyApp, fastifyOnce } from '@portcullis/test-kit/fastify';
import { describe, expect, it } from 'vitest';
import * as adapter from './index.js';
import { requireAnyScope, requireScope } from './index.js';

// Which scopes pass, the 403 and its challenge, optional routes, a guard with no authenticate()
// and a forged request.auth are the conformance table's (test/conformance). Here: Fastify's
// error flow.
describe.each(FASTIFIES)('requireScope() on %s', (_name, make) => {
  const get = (route: Route, key: string) =>
    fastifyOnce(
      fastifyApp(adapter, fakeKeysAuthenticator(), { routes: [route], catchErrors: true }, make),
      'GET',
      route.path,
      { 'x-api-key': key },
    );

  it("follows authenticate()'s errors: 'respond' (the default): done() or its own 403", async () => {
    const route = { path: '/read', requireScope: ['billing:read'] };
    expect((await get(route, 'fk_reader')).status).toBe(200);
    const refused = await get(route, 'fk_none');
    expect(refused.status).toBe(403);
    expect(refused.headers['x-escaped']).toBeUndefined();
    expect(refused.headers['www-authenticate']).toContain('scope="billing:read"');
  });

  it('answers its own 500 when authenticate() never ran, not through the error handler', async () => {
    const res = await get(
      { path: '/read', auth: false, requireScope: ['billing:read'] },
      'fk_admin',
    );
    expect(res.status).toBe(500);
    expect(res.headers['x-escaped']).toBeUndefined();
    expect(res.json).toMatchObject({ error: 'server_error' });
  });

  it('never trusts a request.auth that other code set', async () => {
    const forge = { method: 'api_key' as const, subject: 'forged', scopes: ['billing:read'] };
    const res = await get(
      { path: '/read', auth: false, forge, requireAnyScope: ['billing:read'] },
      'fk_admin',
    );
    expect(res.status).toBe(500);
  });

  it("follows authenticate()'s errors: 'throw'", async () => {
    const res = await get(
      { path: '/thrown', auth: { errors: 'throw' }, requireScope: ['x:y'] },
      'fk_admin',
    );
    expect(res.json).toEqual({ escaped: true, code: 'ERR_INSUFFICIENT_SCOPE', status: 403 });
  });
});

describe('requireScope() and requireAnyScope()', () => {
  it('refuse no scope or a malformed scope at construction', () => {
    expect(() => requireScope()).toThrow(TypeError);
    expect(() => requireAnyScope('has space')).toThrow(TypeError);
    expect(() => requireScope('a"b')).toThrow(TypeError);
  });
});
