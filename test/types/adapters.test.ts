import {
  type Actor,
  type Authenticator,
  apiKey,
  type Budget,
  type BudgetOptions,
  createAuthenticator,
  type Principal,
  type RateLimitOptions,
} from '@portcullis/core';
import * as ex from '@portcullis/express';
import * as fa from '@portcullis/fastify';
import * as fe from '@portcullis/fetch';
import * as ho from '@portcullis/hono';
import * as ko from '@portcullis/koa';
import express4 from 'express4';
import fastify from 'fastify';
import { Hono } from 'hono';
import Koa2 from 'koa2';
import { describe, expect, expectTypeOf, it } from 'vitest';

// The public contract: the same names, with the same parameters, in every adapter.
describe('the adapters share one contract', () => {
  it('export the same names, the fixed ones among them', () => {
    const names = (adapter: object) => Object.keys(adapter).sort();
    expect(names(ex)).toEqual(
      expect.arrayContaining([
        'authenticate',
        'budget',
        'rateLimit',
        'requireActor',
        'requireAnyScope',
        'requireScope',
      ]),
    );
    expect(names(ko)).toEqual(names(ex));
    // Hono also has withAuth(): one route's handler behind authentication, with no middleware.
    expect(names(ho)).toEqual([...names(ex), 'withAuth'].sort());
    // Fastify also has its plugin, `portcullis`, the default export too.
    expect(names(fa)).toEqual([...names(ex), 'default', 'portcullis'].sort());
  });

  it('take the same parameters', () => {
    type Options = { optional?: boolean; errors?: 'respond' | 'throw' } | undefined;
    for (const authenticate of [ex.authenticate, ko.authenticate, fa.authenticate]) {
      expectTypeOf(authenticate).parameter(0).toEqualTypeOf<Authenticator>();
      expectTypeOf(authenticate).parameter(1).toEqualTypeOf<Options>();
    }
    expectTypeOf(ho.authenticate).toBeCallableWith({} as Authenticator, {} as NonNullable<Options>);
    for (const guard of [
      ex.requireScope,
      ex.requireAnyScope,
      ko.requireScope,
      ho.requireAnyScope,
      fa.requireScope,
      fa.requireAnyScope,
    ]) {
      expectTypeOf(guard).parameters.toEqualTypeOf<string[]>();
    }
    for (const guard of [ex.requireActor, ko.requireActor, ho.requireActor, fa.requireActor]) {
      expectTypeOf(guard).toBeCallableWith('agent:a', 'agent:b');
      expectTypeOf(guard).toBeCallableWith((actor: Actor) => actor.subject === 'agent:a');
    }
    for (const limit of [ex.rateLimit, ko.rateLimit, ho.rateLimit, fa.rateLimit]) {
      expectTypeOf(limit).parameters.toEqualTypeOf<[options: RateLimitOptions]>();
    }
    for (const budget of [ex.budget, ko.budget, ho.budget, fa.budget]) {
      expectTypeOf(budget).parameters.toEqualTypeOf<[options: BudgetOptions]>();
    }
  });
});

describe('the principal is typed on the older majors too', () => {
  it('req.auth on Express 4', () => {
    express4().get('/', ex.requireScope('a'), (req, res) => {
      expectTypeOf(req.auth).toEqualTypeOf<Principal | undefined>();
      res.end();
    });
  });

  it('request.auth and request.budget on Fastify, by declaration merging', () => {
    const authenticator = createAuthenticator({
      methods: [apiKey({ prefix: 'pcs', lookup: () => null })],
    });
    fastify().get(
      '/',
      { onRequest: fa.authenticate(authenticator), preHandler: fa.requireScope('a') },
      async (request) => {
        expectTypeOf(request.auth).toEqualTypeOf<Principal | null | undefined>();
        expectTypeOf(request.budget).toEqualTypeOf<Budget | null | undefined>();
        return request.auth?.subject;
      },
    );
  });

  it('ctx.state.auth on Koa 2', () => {
    new Koa2().use((ctx) => {
      expectTypeOf(ctx.state.auth).toEqualTypeOf<Principal | undefined>();
    });
  });

  it('the budget too: req.budget on Express 4, ctx.state.budget on Koa 2', () => {
    express4().get('/', ex.budget({ quota: 5, period: 'day' }), (req, res) => {
      expectTypeOf(req.budget).toEqualTypeOf<Budget | undefined>();
      res.end();
    });
    new Koa2().use((ctx) => {
      expectTypeOf(ctx.state.budget).toEqualTypeOf<Budget | undefined>();
    });
  });

  it('c.var.auth in a Hono withAuth() handler: a Principal, or possibly none when optional', () => {
    const authenticator = createAuthenticator({
      methods: [apiKey({ prefix: 'pcs', lookup: () => null })],
    });
    new Hono().get(
      '/',
      ho.withAuth(authenticator, (c) => {
        expectTypeOf(c.var.auth).toEqualTypeOf<Principal>();
        return c.body(null);
      }),
    );
    new Hono().get(
      '/',
      ho.withAuth(
        authenticator,
        (c) => {
          expectTypeOf(c.var.auth).toEqualTypeOf<Principal | undefined>();
          return c.body(null);
        },
        { optional: true, requireAnyScope: ['a'] },
      ),
    );
  });

  it('c.var.auth on Hono, with and without AuthVariables', () => {
    new Hono<{ Variables: ho.AuthVariables }>().get('/', (c) => {
      expectTypeOf(c.var.auth).toEqualTypeOf<Principal>();
      return c.body(null);
    });
    new Hono().get('/', (c) => {
      expectTypeOf(c.var.auth).toEqualTypeOf<Principal | undefined>();
      return c.body(null);
    });
  });
});

describe('@portcullis/fetch: withAuth() wraps a fetch handler', () => {
  const authenticator = createAuthenticator({
    methods: [apiKey({ prefix: 'pcs', lookup: () => null })],
  });

  it('exports withAuth() and protectedResource(), and no middleware', () => {
    expect(Object.keys(fe).sort()).toEqual(['protectedResource', 'withAuth']);
  });

  it('gives the handler a Principal, or possibly none when optional, and the budget', () => {
    const handler = fe.withAuth(
      (request, { auth, budget }) => {
        expectTypeOf(request).toEqualTypeOf<Request>();
        expectTypeOf(auth).toEqualTypeOf<Principal>();
        expectTypeOf(budget).toEqualTypeOf<Budget | undefined>();
        return Response.json({ caller: auth.subject });
      },
      { authenticator, scopes: ['a'], budget: { quota: 5, period: 'day' } },
    );
    expectTypeOf(handler).toEqualTypeOf<(request: Request) => Promise<Response>>();
    fe.withAuth(
      async ({ url }, { auth }) => {
        expectTypeOf(auth).toEqualTypeOf<Principal | undefined>();
        return new Response(url);
      },
      { authenticator, optional: true, anyScopes: ['a'] },
    );
  });

  it("passes the runtime's further arguments through, typed as the handler declares them", () => {
    interface Env {
      ORDERS: { get(key: string): Promise<string | null> };
    }
    interface Ctx {
      waitUntil(promise: Promise<unknown>): void;
    }
    const worker = {
      fetch: fe.withAuth(
        async (_request, { auth }, env: Env, ctx: Ctx) => {
          ctx.waitUntil(Promise.resolve());
          return new Response(await env.ORDERS.get(auth.subject));
        },
        { authenticator },
      ),
    };
    expectTypeOf(worker.fetch).parameters.toEqualTypeOf<[request: Request, env: Env, ctx: Ctx]>();
    // A framework's own Request subclass (Next.js's NextRequest) is kept.
    class AppRequest extends Request {
      readonly nextUrl = new URL(this.url);
    }
    const GET = fe.withAuth(
      (request: AppRequest, { auth }, { params }: { params: Promise<{ id: string }> }) => {
        expectTypeOf(request.nextUrl).toEqualTypeOf<URL>();
        return Response.json({ auth: auth.subject, params });
      },
      { authenticator, actors: ['agent:a'] },
    );
    expectTypeOf(GET).parameter(0).toEqualTypeOf<AppRequest>();
  });

  it('takes the options of the other adapters under their names, and types protectedResource()', () => {
    expectTypeOf<fe.WithAuthOptions['rateLimit']>().toEqualTypeOf<RateLimitOptions | undefined>();
    expectTypeOf<fe.WithAuthOptions['budget']>().toEqualTypeOf<BudgetOptions | undefined>();
    expectTypeOf<fe.WithAuthOptions['tools']>().toEqualTypeOf<fe.ToolScopesOptions | undefined>();
    expectTypeOf(fe.withAuth).toBeCallableWith(() => new Response(), {
      authenticator,
      actors: (actor: Actor) => actor.subject === 'agent:a',
    });
    // @ts-expect-error: the authenticator is required
    expectTypeOf(fe.withAuth).toBeCallableWith(() => new Response(), { scopes: ['a'] });
    const metadata = fe.protectedResource({
      resource: 'https://mcp.example.com',
      authorizationServers: ['https://a.example.com'],
    });
    expectTypeOf(metadata).toEqualTypeOf<(request: Request) => Response | undefined>();
  });
});
