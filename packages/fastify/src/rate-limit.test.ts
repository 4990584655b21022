import type { AuthEvent, Budget, LimitStore, Principal } from '@portcullis/core';
import { memoryLimitStore } from '@portcullis/core';
import {
  type AppSpec,
  FAKE_SECRET,
  failingLimitStore,
  type Route,
  type Target,
  tieredAuthenticator,
} from '@portcullis/test-kit';
import { FASTIFIES, fastifyApp, listenFastify } from '@portcullis/test-kit/fastify';
import { afterEach, describe, expect, it } from 'vitest';
import * as adapter from './index.js';
import { authenticate, budget, rateLimit } from './index.js';

const POLICY = '"default";q=3;w=60';
const tier = (p: Principal | null) => p?.metadata?.['tier'];

/** A store that answers every call after a turn of the event loop, as a network store does. */
function slowStore(): LimitStore {
  const inner = memoryLimitStore();
  return new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        new Promise((resolve, reject) => {
          setImmediate(() => {
            try {
              resolve(value.apply(target, args));
            } catch (err) {
              reject(err);
            }
          });
        });
    },
  });
}

// Limits, headers, budgets and store failures are also the conformance table's; here the same
// cases on Fastify's hooks, its header API (a second policy appended, not replacing the first)
// and its error handler.
describe.each(FASTIFIES)('rateLimit() and budget() on %s', (_name, make) => {
  const open: Target[] = [];
  const events: AuthEvent[] = [];
  afterEach(async () => {
    for (const target of open.splice(0)) await target.close();
    events.length = 0;
  });

  /** A live app with these routes over the tiered keys; `get(path, key)` sends `x-api-key`. */
  async function serve(routes: Route[], spec: Omit<AppSpec, 'routes'> = {}) {
    const { authenticator, keys } = tieredAuthenticator((e) => events.push(e));
    const target = await listenFastify(
      fastifyApp(adapter, authenticator, { routes, ...spec }, make),
    );
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
    expect(events[1]).toMatchObject({ status: 429, code: 'ERR_RATE_LIMITED', keyId: 'key_free' });
    expect(JSON.stringify(events)).not.toContain(keys.free);
  });

  it('takes the limit from principal.metadata, and exempts on null', async () => {
    const limit = (p: Principal | null) =>
      tier(p) === 'internal' ? null : tier(p) === 'pro' ? 3 : 1;
    const { get, keys } = await serve([{ path: '/r', rateLimit: { limit, window: 60 } }]);
    expect((await get('/r', keys.free)).headers['ratelimit-policy']).toBe('"default";q=1;w=60');
    expect((await get('/r', keys.free)).status).toBe(429);
    expect((await get('/r', keys.free2)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await get('/r', keys.pro)).status).toBe(200);
    expect((await get('/r', keys.pro)).status).toBe(429);
    const exempt = await get('/r', keys.internal);
    expect(exempt.status).toBe(200);
    expect(exempt.headers['ratelimit']).toBeUndefined();
  });

  it('lets the handler charge the budget; refuses once spent', async () => {
    const { get, keys } = await serve(
      [{ path: '/b', budget: { quota: 10, period: 'day' }, charge: 7 }],
      { answer: (_p, b) => ({ remaining: b?.remaining ?? null }) },
    );
    const first = await get('/b', keys.free);
    expect(first.json).toEqual({ remaining: 3 });
    expect(first.headers['ratelimit-policy']).toBe('"budget";q=10;w=86400');
    expect((await get('/b', keys.free)).json).toEqual({ remaining: 0 });
    const refused = await get('/b', keys.free);
    expect(refused.status).toBe(429);
    expect(refused.headers['ratelimit']).toMatch(/^"budget";r=0;t=\d+$/);
    expect(events.at(-1)).toMatchObject({ outcome: 'limited', code: 'ERR_BUDGET_EXHAUSTED' });
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

  it('waits for a store that answers later, in both limits', async () => {
    const store = slowStore();
    const { get, keys } = await serve([
      {
        path: '/slow',
        rateLimit: { limit: 1, window: 60, store },
        budget: { quota: 5, period: 'day', store },
      },
    ]);
    const passed = await get('/slow', keys.free);
    expect(passed.status).toBe(200);
    expect(passed.headers['ratelimit-policy']).toBe('"default";q=1;w=60, "budget";q=5;w=86400');
    expect((await get('/slow', keys.free)).status).toBe(429);
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

  it("with errors: 'throw', hands the 429 to the error handler, carrying its headers", async () => {
    const route: Route = {
      path: '/r',
      auth: { errors: 'throw' },
      rateLimit: { limit: 1, window: 60 },
    };
    const caught = await serve([route], { catchErrors: true });
    await caught.get('/r', caught.keys.free);
    const escaped = await caught.get('/r', caught.keys.free);
    expect(escaped.json).toEqual({ escaped: true, code: 'ERR_RATE_LIMITED', status: 429 });
    // Fastify's own handler answers from the error's status and headers.
    const plain = await serve([route]);
    await plain.get('/r', plain.keys.free);
    const res = await plain.get('/r', plain.keys.free);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(res.headers['ratelimit-policy']).toBe('"default";q=1;w=60');
    expect(res.headers['ratelimit']).toMatch(/^"default";r=0;/);
  });

  it('sets request.budget for the handler, and none for an exempt principal', async () => {
    const seen: Array<Budget | null | undefined> = [];
    const { authenticator, keys } = tieredAuthenticator();
    const app = make();
    app.register(adapter.portcullis);
    app.get(
      '/b',
      {
        onRequest: authenticate(authenticator),
        preHandler: budget({
          quota: (p) => (tier(p) === 'internal' ? null : 50),
          period: 'hour',
        }),
      },
      async (request) => {
        seen.push(request.budget);
        return { quota: request.budget?.quota ?? null };
      },
    );
    const target = await listenFastify(app);
    open.push(target);
    expect((await target.get('/b', { 'x-api-key': keys.pro })).json).toEqual({ quota: 50 });
    expect((await target.get('/b', { 'x-api-key': keys.internal })).json).toEqual({ quota: null });
    expect(seen[0]).toMatchObject({ quota: 50, remaining: 50 });
    expect(seen[1]).toBeNull();
  });
});

describe('rateLimit() and budget()', () => {
  it('refuse bad options at construction with a TypeError', () => {
    expect(() => rateLimit(undefined as never)).toThrow(TypeError);
    expect(() => rateLimit({ limit: 0, window: 60 })).toThrow(/`limit`/);
    expect(() => budget({ quota: 5, period: 'week' as never })).toThrow(/`period`/);
    expect(() => budget({ quota: 5, period: 'day', limit: 3 } as never)).toThrow(/unknown option/);
  });
});
