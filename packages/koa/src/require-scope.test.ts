import { fakeKeysAuthenticator, getOnce, type Route } from '@portcullis/test-kit';
import { KOAS, koaApp } from '@portcullis/test-kit/koa';
import { describe, expect, it } from 'vitest';
import * as adapter from './index.js';
import { requireAnyScope, requireScope } from './index.js';

// Which scopes pass, the 403 and its challenge, optional routes, a guard with no authenticate()
// and a forged ctx.state.auth are the conformance table's (test/conformance). Here: Koa's error
// flow.
describe.each(KOAS)('requireScope() on %s', (_name, make) => {
  const app = (route: Route) =>
    koaApp(
      adapter,
      fakeKeysAuthenticator(),
      { routes: [route], catchErrors: true },
      make,
    ).callback();

  it("follows authenticate()'s errors: 'respond' (the default): next() or its own 403", async () => {
    const guarded = app({ path: '/read', requireScope: ['billing:read'] });
    expect((await getOnce(guarded, '/read', { 'x-api-key': 'fk_reader' })).status).toBe(200);
    const refused = await getOnce(guarded, '/read', { 'x-api-key': 'fk_none' });
    expect(refused.status).toBe(403);
    expect(refused.headers['x-escaped']).toBeUndefined();
  });

  it('answers its own 500 when authenticate() never ran, not by throwing', async () => {
    const unguarded = app({ path: '/read', auth: false, requireScope: ['billing:read'] });
    const res = await getOnce(unguarded, '/read', { 'x-api-key': 'fk_reader' });
    expect(res.status).toBe(500);
    expect(res.headers['x-escaped']).toBeUndefined();
  });

  it("follows authenticate()'s errors: 'throw'", async () => {
    const thrown = app({ path: '/thrown', auth: { errors: 'throw' }, requireScope: ['x:y'] });
    const res = await getOnce(thrown, '/thrown', { 'x-api-key': 'fk_admin' });
    expect(res.json).toEqual({ escaped: true, code: 'ERR_INSUFFICIENT_SCOPE', status: 403 });
  });
});

describe('requireScope() and requireAnyScope()', () => {
  it('refuse no scope or a malformed scope at construction', () => {
    expect(() => requireScope()).toThrow(TypeError);
    expect(() => requireAnyScope('has space')).toThrow(TypeError);
  });
});
