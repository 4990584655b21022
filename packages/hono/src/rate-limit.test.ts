import { type AuthEvent, type Budget, isAuthError, type Principal } from '@portcullis/core';
import {
  type AppSpec,
  FAKE_SECRET,
  failingLimitStore,
  inMemory,
  type Route,
  type Target,
  tieredAuthenticator,
} from '@portcullis/test-kit';
import { honoApp, honoTarget, honoWithAuthApp } from '@portcullis/test-kit/hono';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { afterEach, describe, expect, it } from 'vitest';
import * as adapter from './index.js';
import { authenticate, budget, rateLimit, withAuth } from './index.js';

const POLICY = '"default";q=3;w=60';
const tier = (p: Principal | null) => p?.metadata?.['tier'];

// The harness mounts a route's limits as middleware, or passes them to withAuth().
const APPS = [
  ['Hono', honoTarget(adapter, honoApp)],
  ['Hono withAuth()', honoTarget(adapter, honoWithAuthApp)],
  ['Hono withAuth() on @hono/node-server', honoTarget(adapter, honoWithAuthApp, 'node-server')],
] as const;

describe.each(APPS)('rateLimit() and budget() on %s', (_name, factory) => {
  const open: Target[] = [];
  const events: AuthEvent[] = [];
  afterEach(async () => {
    for (const target of open.splice(0)) await target.close();
    events.length = 0;
  });

  /** A live app with these routes over the tiered keys; `get(path, key)` sends `x-api-key`. */
  async function serve(routes: Route[], spec: Omit<AppSpec, 'routes'> = {}) {
    const { authenticator, keys } = tieredAuthenticator((e) => events.push(e));
    const target = await factory(authenticator, { routes, ...spec });
    open.push(target);
    const get = (path: string, key?: string) =>
      target.get(path, key === undefined ? {} : { 'x-api-key': key });
    return { get, keys };
  }

  it('sends RateLimit-Policy and RateLimit, then 429 rate_limited with Retry-After', async () => {
    const { get, keys } = await serve([{ path: '/r', rateLimit: { limit: 3, window: 60 } }]);
    const first = await get('/r', keys.free);
    expect(first.status).toBe(200);
    expect(first.headers['ratelimit-policy']).toBe(POLICY);
    expect(first.headers['ratelimit']).toBe('"default";r=2;t=20');
    expect((await get('/r', keys.free)).headers['ratelimit']).toMatch(/^"default";r=1;t=\d+$/);
    expect((await get('/r', keys.free)).headers['ratelimit']).toMatch(/^"default";r=0;t=\d+$/);
    events.length = 0;
    const refused = await get('/r', keys.free);
    expect(refused.status).toBe(429);
    expect(refused.json).toEqual({ error: 'rate_limited', error_description: expect.any(String) });
    expect(refused.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(refused.headers['cache-control']).toBe('no-store');
    expect(refused.headers['www-authenticate']).toBeUndefined();
    expect(refused.headers['ratelimit-policy']).toBe(POLICY);
    expect(refused.headers['ratelimit']).toMatch(/^"default";r=0;t=\d+$/);
    expect(events.map((e) => e.outcome)).toEqual(['success', 'limited']);
    expect(events[1]).toMatchObject({
      status: 429,
      code: 'ERR_RATE_LIMITED',
      keyId: 'key_free',
      subject: 'svc-free',
    });
    expect(JSON.stringify(events)).not.toContain(keys.free);
  });

  it('counts each principal apart', async () => {
    const { get, keys } = await serve([{ path: '/r', rateLimit: { limit: 1, window: 60 } }]);
    expect((await get('/r', keys.free)).status).toBe(200);
    expect((await get('/r', keys.free)).status).toBe(429);
    expect((await get('/r', keys.free2)).status).toBe(200);
  });

  it('takes the limit from principal.metadata, and exempts on null', async () => {
    const limit = (p: Principal | null) =>
      tier(p) === 'internal' ? null : tier(p) === 'pro' ? 3 : 1;
    const { get, keys } = await serve([{ path: '/r', rateLimit: { limit, window: 60 } }]);
    expect((await get('/r', keys.free)).headers['ratelimit-policy']).toBe('"default";q=1;w=60');
    expect((await get('/r', keys.free)).status).toBe(429);
    for (let i = 0; i < 3; i++) expect((await get('/r', keys.pro)).status).toBe(200);
    expect((await get('/r', keys.pro)).status).toBe(429);
    for (let i = 0; i < 5; i++) {
      const exempt = await get('/r', keys.internal);
      expect(exempt.status).toBe(200);
      expect(exempt.headers['ratelimit']).toBeUndefined();
    }
  });

  it('takes `cost` units per request', async () => {
    const { get, keys } = await serve([
      { path: '/r', rateLimit: { limit: 5, window: 60, cost: 2 } },
    ]);
    expect((await get('/r', keys.free)).headers['ratelimit']).toMatch(/^"default";r=3;/);
    expect((await get('/r', keys.free)).headers['ratelimit']).toMatch(/^"default";r=1;/);
    expect((await get('/r', keys.free)).status).toBe(429);
  });

  it('lets the handler charge the budget; refuses once spent; never below zero', async () => {
    const { get, keys } = await serve(
      [{ path: '/b', budget: { quota: 10, period: 'day' }, charge: 7 }],
      { answer: (_p, b) => ({ remaining: b?.remaining ?? null }) },
    );
    const first = await get('/b', keys.free);
    expect(first.json).toEqual({ remaining: 3 });
    expect(first.headers['ratelimit-policy']).toBe('"budget";q=10;w=86400');
    expect(first.headers['ratelimit']).toMatch(/^"budget";r=10;t=\d+$/);
    const second = await get('/b', keys.free);
    expect(second.headers['ratelimit']).toMatch(/^"budget";r=3;/);
    expect(second.json).toEqual({ remaining: 0 });
    events.length = 0;
    const refused = await get('/b', keys.free);
    expect(refused.status).toBe(429);
    expect(refused.json).toMatchObject({ error: 'rate_limited' });
    expect(refused.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(refused.headers['ratelimit']).toMatch(/^"budget";r=0;t=\d+$/);
    expect(events[1]).toMatchObject({ outcome: 'limited', code: 'ERR_BUDGET_EXHAUSTED' });
    expect((await get('/b', keys.free2)).status).toBe(200);
  });

  it('sends both policies as lists, on a pass and on the 429 of the second', async () => {
    const { get, keys } = await serve([
      {
        path: '/both',
        rateLimit: { limit: 3, window: 60 },
        budget: { quota: 5, period: 'day' },
        charge: 5,
      },
    ]);
    const passed = await get('/both', keys.free);
    expect(passed.headers['ratelimit-policy']).toBe(`${POLICY}, "budget";q=5;w=86400`);
    expect(passed.headers['ratelimit']).toMatch(/^"default";r=2;t=20, "budget";r=5;t=\d+$/);
    const refused = await get('/both', keys.free);
    expect(refused.status).toBe(429);
    expect(refused.headers['ratelimit-policy']).toBe(`${POLICY}, "budget";q=5;w=86400`);
    expect(refused.headers['ratelimit']).toMatch(/^"default";r=1;t=\d+, "budget";r=0;t=\d+$/);
  });

  it.each([
    ['throws', 'throw'],
    ['rejects', 'reject'],
  ] as const)(
    'answers 503 when the store %s, or passes with onStoreError: allow',
    async (_how, how) => {
      const store = failingLimitStore(how);
      const { get, keys } = await serve([
        { path: '/deny', rateLimit: { limit: 3, window: 60, store } },
        { path: '/allow', budget: { quota: 3, period: 60, store, onStoreError: 'allow' } },
      ]);
      const denied = await get('/deny', keys.free);
      expect(denied.status).toBe(503);
      expect(denied.json).toMatchObject({ error: 'temporarily_unavailable' });
      expect(denied.headers['retry-after']).toMatch(/^\d+$/);
      expect(denied.headers['ratelimit']).toBeUndefined();
      expect(events[1]).toMatchObject({ outcome: 'failure', code: 'ERR_LIMIT_STORE_FAILED' });
      events.length = 0;
      const allowed = await get('/allow', keys.free);
      expect(allowed.status).toBe(200);
      expect(events.map((e) => e.outcome)).toEqual(['success', 'unlimited']);
      expect(denied.body + JSON.stringify(events)).not.toContain(FAKE_SECRET);
    },
  );

  it('answers its own 500 without authenticate() before it, never 200', async () => {
    const { get, keys } = await serve(
      [
        { path: '/r', auth: false, rateLimit: { limit: 3, window: 60 } },
        { path: '/b', auth: false, budget: { quota: 3, period: 'day' } },
      ],
      { catchErrors: true },
    );
    for (const path of ['/r', '/b']) {
      const res = await get(path, keys.free);
      expect(res.status).toBe(500);
      expect(res.headers['x-escaped']).toBeUndefined();
    }
  });

  it('throws the 429 as an HTTPException whose response carries the RateLimit headers', async () => {
    const caught = await serve([{ path: '/r', rateLimit: { limit: 1, window: 60 } }], {
      catchErrors: true,
    });
    await caught.get('/r', caught.keys.free);
    // The harness's app.onError sends err.getResponse() as it is.
    const res = await caught.get('/r', caught.keys.free);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(res.headers['ratelimit-policy']).toBe('"default";q=1;w=60');
    expect(res.headers['ratelimit']).toMatch(/^"default";r=0;/);
  });

  it("with errors: 'respond', answers without app.onError, headers kept", async () => {
    const { get, keys } = await serve([
      { path: '/r', auth: { errors: 'respond' }, rateLimit: { limit: 1, window: 60 } },
    ]);
    await get('/r', keys.free);
    const res = await get('/r', keys.free);
    expect(res.status).toBe(429);
    expect(res.headers['ratelimit']).toMatch(/^"default";r=0;/);
  });
});

describe('rateLimit() and budget() in Hono', () => {
  const serve = (app: Hono) => inMemory(app);

  it('hands app.onError an HTTPException with the AuthError as cause', async () => {
    const { authenticator, keys } = tieredAuthenticator();
    const app = new Hono();
    app.get('/r', authenticate(authenticator), rateLimit({ limit: 1, window: 60 }), (c) =>
      c.text('ok'),
    );
    const seen: unknown[] = [];
    app.onError((err, c) => {
      seen.push(err instanceof HTTPException && isAuthError(err.cause) ? err.cause.code : err);
      return c.text('handled', 418);
    });
    expect((await serve(app).get('/r', { 'x-api-key': keys.free })).status).toBe(200);
    const res = await serve(app).get('/r', { 'x-api-key': keys.free });
    expect(res.status).toBe(418);
    // Headers set with c.header() before the error stay on what onError answers through c.
    expect(res.headers['ratelimit']).toMatch(/^"default";r=0;/);
    expect(seen).toEqual(['ERR_RATE_LIMITED']);
  });

  it("keeps Hono's default error handler's answer whole", async () => {
    const { authenticator, keys } = tieredAuthenticator();
    const app = new Hono();
    app.get(
      '/r',
      authenticate(authenticator),
      rateLimit({ limit: 3, window: 60 }),
      budget({ quota: 1, period: 'day' }),
      async (c) => {
        await c.var.budget?.charge(1);
        return c.text('ok');
      },
    );
    await serve(app).get('/r', { 'x-api-key': keys.free });
    const res = await serve(app).get('/r', { 'x-api-key': keys.free });
    expect(res.status).toBe(429);
    expect(res.json).toMatchObject({ error: 'rate_limited' });
    expect(res.headers['ratelimit-policy']).toBe('"default";q=3;w=60, "budget";q=1;w=86400');
    expect(res.headers['ratelimit']).toMatch(/^"default";r=1;t=\d+, "budget";r=0;t=\d+$/);
  });

  it('sets c.var.budget for the handler, and none for an exempt principal', async () => {
    const seen: Array<Budget | undefined> = [];
    const { authenticator, keys } = tieredAuthenticator();
    const app = new Hono();
    app.get(
      '/b',
      authenticate(authenticator),
      budget({ quota: (p) => (tier(p) === 'internal' ? null : 50), period: 'hour' }),
      (c) => {
        seen.push(c.var.budget);
        return c.json({ quota: c.var.budget?.quota ?? null });
      },
    );
    expect((await serve(app).get('/b', { 'x-api-key': keys.pro })).json).toEqual({ quota: 50 });
    expect((await serve(app).get('/b', { 'x-api-key': keys.internal })).json).toEqual({
      quota: null,
    });
    expect(seen[0]).toMatchObject({ quota: 50, remaining: 50 });
    expect(seen[1]).toBeUndefined();
  });
});

describe('withAuth() with rateLimit and budget', () => {
  it('answers at once, with no promise, when the store answers at once', async () => {
    const { authenticator, keys } = tieredAuthenticator();
    const app = new Hono();
    app.get(
      '/r',
      withAuth(authenticator, (c) => c.json({ budget: c.var.budget?.remaining ?? null }), {
        rateLimit: { limit: 1, window: 60 },
        budget: { quota: 5, period: 'day' },
      }),
    );
    const request = () =>
      new Request('http://localhost/r', { headers: { 'x-api-key': keys.free } });
    // The first request looks the key up (a promise); the record is cached after it.
    const first = (await app.fetch(request())) as Response;
    expect(await first.json()).toEqual({ budget: 5 });
    expect(first.headers.get('ratelimit-policy')).toBe('"default";q=1;w=60, "budget";q=5;w=86400');
    const refused = app.fetch(request());
    expect(refused).toBeInstanceOf(Response);
    expect((refused as Response).status).toBe(429);
  });

  it('refuses bad limit options when the route is built', () => {
    const { authenticator } = tieredAuthenticator();
    const handler = (c: import('hono').Context) => c.text('');
    expect(() => withAuth(authenticator, handler, { rateLimit: 5 as never })).toThrow(
      /`rateLimit` must be an options object/,
    );
    expect(() => withAuth(authenticator, handler, { budget: [] as never })).toThrow(
      /`budget` must be an options object/,
    );
    expect(() => withAuth(authenticator, handler, { rateLimit: { limit: 1, window: 0 } })).toThrow(
      /withAuth\(\{ rateLimit \}\): `window`/,
    );
    expect(() =>
      withAuth(authenticator, handler, { budget: { quota: 1, period: 'day', cost: 1 } as never }),
    ).toThrow(/unknown option `cost`/);
  });
});

describe('rateLimit() and budget()', () => {
  it('refuse bad options at construction with a TypeError', () => {
    expect(() => rateLimit(undefined as never)).toThrow(TypeError);
    expect(() => rateLimit({ limit: 0, window: 60 })).toThrow(/`limit`/);
    expect(() => rateLimit({ limit: 5, window: 60, onStoreError: 'log' as never })).toThrow(
      /onStoreError/,
    );
    expect(() => budget({ quota: 5, period: 'week' as never })).toThrow(/`period`/);
    expect(() => budget({ quota: 5, period: 'day', limit: 3 } as never)).toThrow(/unknown option/);
  });
});
