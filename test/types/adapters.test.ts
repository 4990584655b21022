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
import * as ho from '@portcullis/hono';
import * as ko from '@portcullis/koa';
import express4 from 'express4';
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
  });

  it('take the same parameters', () => {
    type Options = { optional?: boolean; errors?: 'respond' | 'throw' } | undefined;
    for (const authenticate of [ex.authenticate, ko.authenticate]) {
      expectTypeOf(authenticate).parameter(0).toEqualTypeOf<Authenticator>();
      expectTypeOf(authenticate).parameter(1).toEqualTypeOf<Options>();
    }
    expectTypeOf(ho.authenticate).toBeCallableWith({} as Authenticator, {} as NonNullable<Options>);
    for (const guard of [
      ex.requireScope,
      ex.requireAnyScope,
      ko.requireScope,
      ho.requireAnyScope,
    ]) {
      expectTypeOf(guard).parameters.toEqualTypeOf<string[]>();
    }
    for (const guard of [ex.requireActor, ko.requireActor, ho.requireActor]) {
      expectTypeOf(guard).toBeCallableWith('agent:a', 'agent:b');
      expectTypeOf(guard).toBeCallableWith((actor: Actor) => actor.subject === 'agent:a');
    }
    for (const limit of [ex.rateLimit, ko.rateLimit, ho.rateLimit]) {
      expectTypeOf(limit).parameters.toEqualTypeOf<[options: RateLimitOptions]>();
    }
    for (const budget of [ex.budget, ko.budget, ho.budget]) {
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
