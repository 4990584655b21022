import { describe, expect, it, vi } from 'vitest';
import type { AuthState } from '../adapter/types.js';
import { createAuthenticator } from '../authenticator.js';
import { fakeMethod } from '../test-helpers/fake-method.js';
import type { AuthEvent, Principal } from '../types.js';
import { memoryLimitStore } from './memory-store.js';
import { budgeter, type LimitAnswer, rateLimiter } from './policy.js';
import type { LimitStore } from './types.js';

const agent: Principal = { method: 'api_key', subject: 'agent-7', scopes: [], keyId: 'key_7' };
const other: Principal = {
  method: 'jwt',
  subject: 'svc',
  scopes: [],
  claims: { iss: 'https://id' },
};

function state(principal: Principal | null = agent) {
  const events: AuthEvent[] = [];
  const authenticator = createAuthenticator({
    methods: [fakeMethod()],
    onEvent: (e) => {
      events.push(e);
    },
  });
  const s: AuthState = { principal, realm: 'api', authenticator };
  return { s, events };
}

async function answer(check: (s: AuthState | undefined) => unknown, s: AuthState | undefined) {
  return (await check(s)) as LimitAnswer;
}

const failing = (how: 'throw' | 'reject'): LimitStore => ({
  take() {
    if (how === 'throw') throw new Error('down');
    return Promise.reject(new Error('down'));
  },
  spend() {
    if (how === 'throw') throw new Error('down');
    return Promise.reject(new Error('down'));
  },
});

describe('rateLimiter', () => {
  it('answers synchronously with a memory store, with the IETF headers', () => {
    const check = rateLimiter('rateLimit()', { limit: 2, window: 60 });
    const { s } = state();
    const first = check(s) as LimitAnswer;
    expect(first.error).toBeUndefined();
    expect(first.headers).toEqual([
      ['ratelimit-policy', '"default";q=2;w=60'],
      ['ratelimit', '"default";r=1;t=30'],
    ]);
  });

  it('answers 429 rate_limited with Retry-After, and reports one limited event', async () => {
    const check = rateLimiter('rateLimit()', { limit: 1, window: 10, name: 'burst' });
    const { s, events } = state();
    await answer(check, s);
    const refused = await answer(check, s);
    expect(refused.error).toMatchObject({
      status: 429,
      code: 'ERR_RATE_LIMITED',
      error: 'rate_limited',
    });
    expect(refused.error?.headers).toEqual({ 'retry-after': '10' });
    expect(refused.headers[1]).toEqual(['ratelimit', '"burst";r=0;t=10']);
    expect(events.map((e) => [e.outcome, e.code, e.status, e.keyId])).toEqual([
      ['limited', 'ERR_RATE_LIMITED', 429, 'key_7'],
    ]);
  });

  it('counts per principal: API key id, else issuer and subject; one bucket for anonymous', async () => {
    const store = memoryLimitStore();
    const take = vi.spyOn(store, 'take');
    const check = rateLimiter('rateLimit()', { limit: 5, window: 60, store });
    await answer(check, state(agent).s);
    await answer(check, state(other).s);
    await answer(check, state(null).s);
    expect(take.mock.calls.map(([key]) => key)).toEqual([
      'default key:key_7',
      'default sub:https://id svc',
      'default anonymous',
    ]);
  });

  it('keeps buckets apart for principals that share a claims object but not a subject', async () => {
    const store = memoryLimitStore();
    const take = vi.spyOn(store, 'take');
    const check = rateLimiter('rateLimit()', { limit: 5, window: 60, store });
    const claims = { iss: 'https://id' };
    await answer(check, state({ ...other, claims }).s);
    await answer(check, state({ ...other, subject: 'svc-2', claims }).s);
    await answer(check, state({ ...other, claims }).s);
    expect(take.mock.calls.map(([key]) => key)).toEqual([
      'default sub:https://id svc',
      'default sub:https://id svc-2',
      'default sub:https://id svc',
    ]);
  });

  it('takes limit and cost from the principal, and null exempts', async () => {
    const pro = { ...agent, metadata: { tier: 'pro' } };
    const check = rateLimiter('rateLimit()', {
      limit: (p) => (p?.metadata?.tier === 'pro' ? 100 : p?.method === 'jwt' ? null : 1),
      cost: (p) => (p?.metadata?.tier === 'pro' ? 10 : 1),
      window: 60,
    });
    expect((await answer(check, state(pro).s)).headers[1]).toEqual([
      'ratelimit',
      '"default";r=90;t=6',
    ]);
    const exempt = await answer(check, state(other).s);
    expect(exempt).toEqual({ headers: [] });
  });

  it('answers 500, never a pass, when an option function misbehaves', async () => {
    for (const options of [
      { limit: () => 0, window: 60 },
      { limit: () => Number.NaN, window: 60 },
      { limit: 1, window: 60, cost: () => 1.5 },
      { limit: 1, window: 60, key: () => 42 as unknown as string },
      {
        limit: () => {
          throw new Error('bug');
        },
        window: 60,
      },
    ]) {
      const check = rateLimiter('rateLimit()', options);
      expect((await answer(check, state().s)).error).toMatchObject({
        status: 500,
        code: 'ERR_INTERNAL',
      });
    }
  });

  it('answers 500 when authenticate() never ran', async () => {
    const check = rateLimiter('rateLimit()', { limit: 1, window: 60 });
    expect((await answer(check, undefined)).error).toMatchObject({
      status: 500,
      code: 'ERR_NOT_AUTHENTICATED',
    });
  });

  it('fails closed when the store throws or rejects: 503 and a failure event', async () => {
    for (const how of ['throw', 'reject'] as const) {
      const check = rateLimiter('rateLimit()', { limit: 1, window: 60, store: failing(how) });
      const { s, events } = state();
      const refused = await answer(check, s);
      expect(refused.error).toMatchObject({ status: 503, code: 'ERR_LIMIT_STORE_FAILED' });
      expect(events).toMatchObject([
        { outcome: 'failure', code: 'ERR_LIMIT_STORE_FAILED', status: 503 },
      ]);
    }
  });

  it('treats a malformed store answer as a store failure: 503, or a pass with allow', async () => {
    const junk = [null, undefined, {}, { allowed: 'yes', remaining: 1, reset: 1, retryAfter: 0 }];
    for (const value of junk) {
      for (const wrap of [(v: unknown) => v, (v: unknown) => Promise.resolve(v)]) {
        const store = {
          take: () => wrap(value),
          spend: () => wrap(value),
        } as unknown as LimitStore;
        const deny = rateLimiter('rateLimit()', { limit: 1, window: 60, store });
        expect((await answer(deny, state().s)).error).toMatchObject({
          status: 503,
          message: 'Rate limiting is temporarily unavailable',
        });
        const allow = budgeter('budget()', { quota: 1, period: 60, store, onStoreError: 'allow' });
        expect((await answer(allow, state().s)).error).toBeUndefined();
      }
    }
  });

  it("with onStoreError: 'allow', passes and reports every such pass", async () => {
    const check = rateLimiter('rateLimit()', {
      limit: 1,
      window: 60,
      store: failing('reject'),
      onStoreError: 'allow',
    });
    const { s, events } = state();
    expect((await answer(check, s)).error).toBeUndefined();
    expect((await answer(check, s)).error).toBeUndefined();
    expect(events.map((e) => [e.outcome, e.status])).toEqual([
      ['unlimited', 200],
      ['unlimited', 200],
    ]);
  });

  it('gives up on a store that never answers: 503 after 5 s', async () => {
    vi.useFakeTimers();
    try {
      const hanging: LimitStore = {
        take: () => new Promise(() => {}),
        spend: () => new Promise(() => {}),
      };
      const check = rateLimiter('rateLimit()', { limit: 1, window: 60, store: hanging });
      const pending = answer(check, state().s);
      await vi.advanceTimersByTimeAsync(5000);
      expect((await pending).error).toMatchObject({ status: 503 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses bad options at construction, naming the fix', () => {
    const bad: [unknown, RegExp][] = [
      [undefined, /needs an options object/],
      [{ window: 60 }, /`limit` must be a whole number/],
      [{ limit: 1.5, window: 60 }, /`limit`/],
      [{ limit: 1, window: 0 }, /`window` must be a whole number of seconds/],
      [{ limit: 1, window: 60, cost: 0 }, /`cost`/],
      [{ limit: 1, window: 60, store: {} }, /`store` must have `take\(\)`/],
      [{ limit: 1, window: 60, onStoreError: 'open' }, /onStoreError/],
      [{ limit: 1, window: 60, name: 'a "b"' }, /`name`/],
      [{ limit: 1, window: 60, key: 'k' }, /`key` must be a function/],
      [{ limit: 1, windw: 60 }, /windw/],
    ];
    for (const [options, message] of bad) {
      expect(() => rateLimiter('rateLimit()', options as never)).toThrow(message);
    }
  });
});

describe('budgeter', () => {
  it('hands a budget to charge, and refuses 429 once it is spent, never going negative', async () => {
    const check = budgeter('budget()', { quota: 100, period: 'day' });
    const { s, events } = state();
    const first = await answer(check, s);
    expect(first.error).toBeUndefined();
    expect(first.headers[0]).toEqual(['ratelimit-policy', '"budget";q=100;w=86400']);
    expect(first.budget).toMatchObject({ quota: 100, remaining: 100 });
    await expect(first.budget!.charge(60.2)).resolves.toMatchObject({ used: 61, remaining: 39 });
    expect(first.budget!.remaining).toBe(39);
    const second = await answer(check, s);
    await second.budget!.charge(500);
    expect(second.budget!.remaining).toBe(0);
    const third = await answer(check, s);
    expect(third.error).toMatchObject({ status: 429, code: 'ERR_BUDGET_EXHAUSTED' });
    expect(Number(third.error?.headers['retry-after'])).toBeGreaterThan(0);
    expect(third.headers[1]![1]).toMatch(/^"budget";r=0;t=\d+$/);
    expect(events.map((e) => e.code)).toEqual(['ERR_BUDGET_EXHAUSTED']);
  });

  it('takes the quota from the principal; null exempts', async () => {
    const check = budgeter('budget()', {
      quota: (p) => (p?.metadata?.tokenBudget as number | undefined) ?? null,
      period: 3600,
    });
    const rich = { ...agent, metadata: { tokenBudget: 5000 } };
    expect((await answer(check, state(rich).s)).budget?.quota).toBe(5000);
    expect(await answer(check, state(agent).s)).toEqual({ headers: [] });
  });

  it('refuses a charge that is not a finite number ≥ 0', async () => {
    const { budget } = await answer(budgeter('budget()', { quota: 10, period: 60 }), state().s);
    await expect(budget!.charge(-1)).rejects.toThrow(TypeError);
    await expect(budget!.charge(Number.POSITIVE_INFINITY)).rejects.toThrow(TypeError);
  });

  it('fails closed when the store fails', async () => {
    const check = budgeter('budget()', { quota: 10, period: 60, store: failing('throw') });
    expect((await answer(check, state().s)).error).toMatchObject({ status: 503 });
  });

  it('refuses bad options at construction', () => {
    expect(() => budgeter('budget()', { quota: 10, period: 'week' as never })).toThrow(/period/);
    expect(() => budgeter('budget()', { quota: 0, period: 60 })).toThrow(/quota/);
    expect(() =>
      budgeter('budget()', { quota: 1, period: 60, store: { take() {} } as never }),
    ).toThrow(/spend/);
  });
});
