import { fakeKeysAuthenticator, inMemory } from '@portcullis/test-kit';
import { honoApp } from '@portcullis/test-kit/hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import * as adapter from './index.js';
import { requireAnyScope, requireScope } from './index.js';

// Which scopes pass, the 403 and its challenge, optional routes, a guard with no authenticate()
// and a forged c.var.auth are the conformance table's (test/conformance). Here: Hono's error flow.
describe('requireScope() on Hono', () => {
  it("follows authenticate()'s errors: 'respond', answering without app.onError", async () => {
    const app = honoApp(adapter, fakeKeysAuthenticator(), {
      routes: [{ path: '/respond', auth: { errors: 'respond' }, requireScope: ['billing:read'] }],
    });
    app.onError((_err, c) => c.text('onError ran', 418));
    const get = (key: string) => inMemory(app).get('/respond', { 'x-api-key': key });
    expect((await get('fk_reader')).status).toBe(200);
    const res = await get('fk_none');
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: 'insufficient_scope' });
  });

  it('throws its 500 as an HTTPException when authenticate() never ran', async () => {
    const app = honoApp(adapter, fakeKeysAuthenticator(), {
      routes: [{ path: '/read', auth: false, requireScope: ['billing:read'] }],
    });
    const reached: unknown[] = [];
    app.onError((err, c) => {
      reached.push(err);
      return err instanceof HTTPException ? err.getResponse() : c.text('unexpected', 418);
    });
    const res = await inMemory(app).get('/read', { 'x-api-key': 'fk_reader' });
    expect(res.status).toBe(500);
    expect(reached[0]).toBeInstanceOf(HTTPException);
  });

  it('refuses no scope or a malformed scope at construction', () => {
    expect(() => requireScope()).toThrow(TypeError);
    expect(() => requireAnyScope('has space')).toThrow(TypeError);
  });
});
