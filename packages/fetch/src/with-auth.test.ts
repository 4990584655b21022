import {
  type AuthEvent,
  apiKey,
  createAuthenticator,
  generateApiKey,
  memoryLimitStore,
  type Principal,
} from '@portcullis/core';
import {
  FAKE_REALM,
  failingLimitStore,
  fakeKeysAuthenticator,
  MCP_TOOLS,
  mcpHeaders,
} from '@portcullis/test-kit';
import { describe, expect, it } from 'vitest';
import { withAuth } from './index.js';

// What every adapter answers for every credential is the conformance table's (test/conformance:
// the `fetch withAuth()` targets). Here: what a user of this package depends on.
const authenticator = fakeKeysAuthenticator();
const echo = (_request: Request, { auth }: { auth: Principal | undefined }) =>
  Response.json({ subject: auth?.subject ?? null });

function request(path = '/', headers: Record<string, string> | [string, string][] = {}, init = {}) {
  return new Request(`https://api.example.com${path}`, { headers, ...init });
}
const key = (value: string) => request('/', { 'x-api-key': value });

/** An authenticator over one real API key whose lookup answers at once, and that key. */
function syncKeyAuthenticator(onEvent?: (event: AuthEvent) => void) {
  const issued = generateApiKey({ prefix: 'pcs' });
  const record = { id: 'key_1', subject: 'svc', scopes: ['orders:read'] };
  return {
    key: issued.key,
    authenticator: createAuthenticator({
      methods: [
        apiKey({ prefix: 'pcs', lookup: (hash) => (hash === issued.hash ? record : null) }),
      ],
      ...(onEvent === undefined ? {} : { onEvent }),
    }),
  };
}

describe('withAuth()', () => {
  it('runs the handler with the caller, and answers 401 with a challenge without one', async () => {
    const handler = withAuth(echo, { authenticator });
    const ok = await handler(key('fk_admin'));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ subject: 'admin' });
    const refused = await handler(request());
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe(`Bearer realm="${FAKE_REALM}"`);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await refused.json()).toEqual({
      error: 'unauthorized',
      error_description: expect.any(String),
    });
    const bad = await handler(key('fk_unknown'));
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('lets a request with no credential through an optional route, but not a bad one', async () => {
    const handler = withAuth(echo, { authenticator, optional: true });
    expect(await (await handler(request())).json()).toEqual({ subject: null });
    expect(await (await handler(key('fk_reader'))).json()).toEqual({ subject: 'reader' });
    expect((await handler(key('fk_unknown'))).status).toBe(401);
  });

  it('passes the arguments after the request through, as the runtime gave them', async () => {
    const seen: unknown[][] = [];
    const env = { DB: 'binding' };
    const ctx = { waitUntil() {} };
    const handler = withAuth(
      (req: Request, { auth }, ...rest: unknown[]) => {
        seen.push([req, auth.subject, ...rest]);
        return new Response('ok');
      },
      { authenticator },
    );
    const req = key('fk_admin');
    await handler(req, env, ctx);
    expect(seen).toEqual([[req, 'admin', env, ctx]]);
    expect(seen[0]![0]).toBe(req);
    expect(seen[0]![2]).toBe(env);
  });

  it('checks scopes (all) and anyScopes (one), answering 403 naming them', async () => {
    const handler = withAuth(echo, {
      authenticator,
      scopes: ['billing:read'],
      anyScopes: ['billing:write', 'billing:admin'],
    });
    expect((await handler(key('fk_admin'))).status).toBe(200);
    const refused = await handler(key('fk_reader'));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toMatch(
      new RegExp(
        `^Bearer realm="${FAKE_REALM}", error="insufficient_scope", .*scope="billing:write billing:admin"$`,
      ),
    );
    expect((await handler(key('fk_none'))).headers.get('www-authenticate')).toContain(
      'scope="billing:read"',
    );
  });

  it('answers 401, not a pass, on an optional scoped route with no credential', async () => {
    const handler = withAuth(echo, { authenticator, optional: true, scopes: ['billing:read'] });
    expect((await handler(request())).status).toBe(401);
    expect((await handler(key('fk_reader'))).status).toBe(200);
  });

  it('takes actors: only a token delegated to an allowed actor passes', async () => {
    const events: AuthEvent[] = [];
    const delegated = createAuthenticator({
      methods: [
        {
          type: 'api_key',
          headers: ['x-api-key'],
          cookies: [],
          recognizes: (value) => value.startsWith('fk_'),
          verify: async (value) => ({
            method: 'api_key',
            subject: 'user',
            scopes: [],
            ...(value === 'fk_agent' ? { actor: { subject: 'agent:support' } } : {}),
            ...(value === 'fk_other' ? { actor: { subject: 'agent:other' } } : {}),
          }),
        },
      ],
      onEvent: (e) => events.push(e),
    });
    const handler = withAuth(echo, { authenticator: delegated, actors: ['agent:support'] });
    expect((await handler(key('fk_agent'))).status).toBe(200);
    for (const value of ['fk_other', 'fk_direct']) {
      events.length = 0;
      const refused = await handler(key(value));
      expect(refused.status).toBe(403);
      expect(refused.headers.get('www-authenticate')).not.toContain('scope=');
      expect(events.map((e) => [e.outcome, e.code])).toEqual([
        ['success', 'OK'],
        ['denied', 'ERR_ACTOR_NOT_ALLOWED'],
      ]);
    }
    const anyActor = withAuth(echo, { authenticator: delegated, actors: () => true });
    expect((await anyActor(key('fk_other'))).status).toBe(200);
  });

  it('takes tools: per-tool scopes from Mcp-Method and Mcp-Name on a POST', async () => {
    const handler = withAuth(echo, { authenticator, tools: MCP_TOOLS });
    const post = (...args: Parameters<typeof mcpHeaders>) =>
      handler(request('/mcp', mcpHeaders(...args) as [string, string][], { method: 'POST' }));
    expect((await post({ key: 'fk_admin', method: 'tools/call', name: 'pay' })).status).toBe(200);
    const refused = await post({ key: 'fk_reader', method: 'tools/call', name: 'pay' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('scope="billing:write"');
    expect((await post({ key: 'fk_admin', method: 'tools/call' })).status).toBe(400);
    expect((await post({ key: 'fk_none', method: 'tools/list' })).status).toBe(200);
    // A GET names no tool.
    expect((await handler(key('fk_none'))).status).toBe(200);
  });

  it('checks in order: a 403 from a guard spends nothing of the rate limit', async () => {
    const handler = withAuth(echo, {
      authenticator,
      scopes: ['billing:write'],
      rateLimit: { limit: 1, window: 60 },
    });
    expect((await handler(key('fk_reader'))).status).toBe(403);
    expect((await handler(key('fk_reader'))).headers.get('ratelimit')).toBeNull();
    expect((await handler(key('fk_admin'))).status).toBe(200);
    expect((await handler(key('fk_admin'))).status).toBe(429);
  });
});

describe('withAuth() with limits', () => {
  it('adds RateLimit-Policy and RateLimit to the handler response, and answers 429 over it', async () => {
    const handler = withAuth(echo, { authenticator, rateLimit: { limit: 2, window: 60 } });
    const first = await handler(key('fk_admin'));
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-policy')).toBe('"default";q=2;w=60');
    expect(first.headers.get('ratelimit')).toMatch(/^"default";r=1;t=\d+$/);
    expect(first.headers.get('content-type')).toBe('application/json');
    await handler(key('fk_admin'));
    const limited = await handler(key('fk_admin'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited.headers.get('ratelimit')).toMatch(/^"default";r=0;t=\d+$/);
    expect(limited.headers.get('cache-control')).toBe('no-store');
    expect((await limited.json()).error).toBe('rate_limited');
    // Another caller has a bucket of its own.
    expect((await handler(key('fk_reader'))).status).toBe(200);
  });

  it('gives the handler the budget to charge, and refuses once it is spent', async () => {
    const handler = withAuth(
      async (_request, { budget }) => {
        await budget?.charge(3);
        return Response.json({ left: budget?.remaining });
      },
      { authenticator, budget: { quota: 5, period: 'day' } },
    );
    const first = await handler(key('fk_admin'));
    expect(await first.json()).toEqual({ left: 2 });
    expect(first.headers.get('ratelimit-policy')).toBe('"budget";q=5;w=86400');
    expect((await handler(key('fk_admin'))).status).toBe(200);
    const spent = await handler(key('fk_admin'));
    expect(spent.status).toBe(429);
    expect(spent.headers.get('ratelimit')).toMatch(/^"budget";r=0;t=\d+$/);
  });

  it('hands no budget to an exempt principal, nor on a route without one', async () => {
    const seen: unknown[] = [];
    const record = (_request: Request, { budget }: { budget: unknown }) => {
      seen.push(budget);
      return new Response(null, { status: 204 });
    };
    await withAuth(record, { authenticator, budget: { quota: () => null, period: 'hour' } })(
      key('fk_admin'),
    );
    await withAuth(record, { authenticator })(key('fk_admin'));
    expect(seen).toEqual([undefined, undefined]);
  });

  it('puts both limits in the headers, the rate limit first, also on a 429 from the budget', async () => {
    const handler = withAuth(echo, {
      authenticator,
      rateLimit: { limit: 10, window: 60 },
      budget: { quota: 1, period: 'day', store: memoryLimitStore() },
    });
    const first = await handler(key('fk_admin'));
    expect(first.headers.get('ratelimit-policy')).toBe('"default";q=10;w=60, "budget";q=1;w=86400');
    const budget = await withAuth(
      async (_request, { budget }) => {
        await budget?.charge(1);
        return new Response('spent');
      },
      { authenticator, rateLimit: { limit: 10, window: 60 }, budget: { quota: 1, period: 'day' } },
    );
    await budget(key('fk_admin'));
    const refused = await budget(key('fk_admin'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-policy')).toBe(
      '"default";q=10;w=60, "budget";q=1;w=86400',
    );
    expect(refused.headers.get('ratelimit')).toMatch(/^"default";r=8;t=\d+, "budget";r=0;t=\d+$/);
  });

  it('answers 503, never a pass, when the limit store fails, at once or later', async () => {
    for (const how of ['throw', 'reject'] as const) {
      const handler = withAuth(echo, {
        authenticator,
        rateLimit: { limit: 5, window: 60, store: failingLimitStore(how) },
      });
      const res = await handler(key('fk_admin'));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(res.headers.get('ratelimit')).toBeNull();
    }
  });

  it('waits for a store that answers later, then runs the next limit and the handler', async () => {
    const memory = memoryLimitStore();
    const slow = {
      take: (...args: Parameters<typeof memory.take>) => Promise.resolve(memory.take(...args)),
      spend: (...args: Parameters<typeof memory.spend>) => Promise.resolve(memory.spend(...args)),
    };
    const handler = withAuth(echo, {
      authenticator,
      rateLimit: { limit: 1, window: 60, store: slow },
      budget: { quota: 5, period: 'day', store: slow },
    });
    const ok = await handler(key('fk_admin'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('ratelimit-policy')).toBe('"default";q=1;w=60, "budget";q=5;w=86400');
    expect((await handler(key('fk_admin'))).status).toBe(429);
  });
});

describe("withAuth() and the handler's response", () => {
  const limited = (handler: () => Response | Promise<Response>) =>
    withAuth(handler, { authenticator, rateLimit: { limit: 5, window: 60 } });

  it('copies a response whose headers are immutable to add the limit headers', async () => {
    const redirect = await limited(() => Response.redirect('https://example.com/next', 307))(
      key('fk_admin'),
    );
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get('location')).toBe('https://example.com/next');
    expect(redirect.headers.get('ratelimit')).toMatch(/^"default";r=4;t=\d+$/);
    // A fetch() response: its headers are immutable too.
    const fetched = await limited(() => fetch('data:text/plain;charset=utf-8,hello%20there'))(
      key('fk_admin'),
    );
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('content-type')).toBe('text/plain;charset=utf-8');
    expect(fetched.headers.get('ratelimit-policy')).toBe('"default";q=5;w=60');
    expect(await fetched.text()).toBe('hello there');
  });

  it('keeps the status text and body of a copied response', async () => {
    const upstream = await fetch('data:application/json,{"a":1}');
    const res = await limited(() => upstream)(key('fk_admin'));
    expect(res).not.toBe(upstream);
    expect(await res.json()).toEqual({ a: 1 });
    const made = new Response('teapot', { status: 418, statusText: 'Short and stout' });
    const same = await limited(() => made)(key('fk_admin'));
    // Mutable headers: the very response, with the headers added.
    expect(same).toBe(made);
    expect(same.statusText).toBe('Short and stout');
  });

  it('returns a response that cannot be rebuilt (Response.error()) as it is', async () => {
    const error = Response.error();
    expect(await limited(() => error)(key('fk_admin'))).toBe(error);
  });

  it('rejects with the error a handler throws or rejects with, never a 401', async () => {
    const bug = new Error('handler bug');
    const throwing = () => {
      throw bug;
    };
    for (const handler of [
      withAuth(throwing, { authenticator }),
      withAuth(async () => Promise.reject(bug), { authenticator }),
      limited(throwing),
      limited(async () => Promise.reject(bug)),
    ]) {
      const answered = handler(key('fk_admin'));
      expect(answered).toBeInstanceOf(Promise);
      await expect(answered).rejects.toBe(bug);
    }
    // Also when authentication answered at once.
    const sync = syncKeyAuthenticator();
    await expect(
      withAuth(throwing, { authenticator: sync.authenticator })(key(sync.key)),
    ).rejects.toBe(bug);
  });

  it('rejects, not a 401, when a wrapped authenticator throws something not an AuthError', async () => {
    const bug = new TypeError('not an AuthError');
    const wrapped = {
      ...authenticator,
      authenticate: () => {
        throw bug;
      },
    };
    await expect(withAuth(echo, { authenticator: wrapped })(key('fk_admin'))).rejects.toBe(bug);
  });
});

describe('withAuth() on the fast path', () => {
  it('calls the handler before it returns when nothing is awaited, and still returns a promise', async () => {
    const events: AuthEvent[] = [];
    const { key: issued, authenticator: sync } = syncKeyAuthenticator((e) => events.push(e));
    let called = 0;
    for (const options of [{}, { rateLimit: { limit: 5, window: 60 } }]) {
      const handler = withAuth(
        () => {
          called++;
          return new Response('ok');
        },
        { authenticator: sync, scopes: ['orders:read'], ...options },
      );
      const before = called;
      const answered = handler(key(issued));
      expect(called).toBe(before + 1);
      expect(answered).toBeInstanceOf(Promise);
      expect((await answered).status).toBe(200);
      const refused = handler(request());
      expect(refused).toBeInstanceOf(Promise);
      expect((await refused).status).toBe(401);
    }
    expect(events.map((e) => e.outcome)).toEqual(['success', 'failure', 'success', 'failure']);
  });

  it("returns the handler's own promise when there are no limit headers to add", () => {
    const { key: issued, authenticator: sync } = syncKeyAuthenticator();
    const own = Promise.resolve(new Response('ok'));
    expect(withAuth(() => own, { authenticator: sync })(key(issued))).toBe(own);
  });
});

describe('withAuth() refuses mistakes when the route is built', () => {
  it('throws a TypeError for a missing handler, authenticator or options', () => {
    expect(() => withAuth(undefined as never, { authenticator })).toThrow(/handler function/);
    expect(() => withAuth(echo, undefined as never)).toThrow(TypeError);
    expect(() => withAuth(echo, {} as never)).toThrow(/createAuthenticator/);
    expect(() => withAuth(echo, { authenticator: {} as never })).toThrow(/createAuthenticator/);
  });

  it('throws a TypeError for a misspelt or mistyped option', () => {
    expect(() => withAuth(echo, { authenticator, scope: ['a'] } as never)).toThrow(
      /unknown option `scope`; did you mean `scopes`\?/,
    );
    expect(() => withAuth(echo, { authenticator, errors: 'throw' } as never)).toThrow(
      /unknown option `errors`/,
    );
    expect(() => withAuth(echo, { authenticator, optional: 'yes' as never })).toThrow(
      /`optional` must be a boolean/,
    );
    expect(() => withAuth(echo, { authenticator, scopes: 'a' as never })).toThrow(
      /`scopes` must be an array/,
    );
    expect(() => withAuth(echo, { authenticator, anyScopes: [] })).toThrow(/at least one scope/);
    expect(() => withAuth(echo, { authenticator, scopes: ['a b'] })).toThrow(TypeError);
    expect(() => withAuth(echo, { authenticator, actors: 'agent' as never })).toThrow(
      /`actors` must be an array/,
    );
    expect(() => withAuth(echo, { authenticator, actors: [] })).toThrow(TypeError);
    expect(() => withAuth(echo, { authenticator, tools: {} as never })).toThrow(/`tools`/);
    expect(() => withAuth(echo, { authenticator, rateLimit: 5 as never })).toThrow(
      /`rateLimit` must be an options object/,
    );
    expect(() => withAuth(echo, { authenticator, rateLimit: { limit: 0, window: 60 } })).toThrow(
      /`limit`/,
    );
    expect(() => withAuth(echo, { authenticator, budget: [] as never })).toThrow(
      /`budget` must be an options object/,
    );
    expect(() =>
      withAuth(echo, { authenticator, budget: { quota: 5, period: 'week' as never } }),
    ).toThrow(/`period`/);
  });
});
