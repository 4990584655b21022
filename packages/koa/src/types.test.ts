import type { Principal } from '@portcullis/core';
import Koa, { type DefaultState, type Middleware } from 'koa';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AuthenticateOptions,
  authenticate,
  type Budget,
  budget,
  protectedResource,
  rateLimit,
  requireAnyScope,
  requireScope,
  requireToolScopes,
} from './index.js';

describe('types', () => {
  it('types ctx.state.auth as the Principal, absent on optional routes', () => {
    expectTypeOf<DefaultState['auth']>().toEqualTypeOf<Principal | undefined>();
    new Koa().use((ctx) => {
      expectTypeOf(ctx.state.auth).toEqualTypeOf<Principal | undefined>();
      if (ctx.state.auth) expectTypeOf(ctx.state.auth.subject).toEqualTypeOf<string>();
    });
  });

  it('types ctx.state.budget as the Budget, absent where budget() set none', () => {
    expectTypeOf<DefaultState['budget']>().toEqualTypeOf<Budget | undefined>();
    new Koa().use(budget({ quota: 5, period: 'day' })).use(async (ctx) => {
      const state = await ctx.state.budget?.charge(2);
      expectTypeOf(state?.remaining).toEqualTypeOf<number | undefined>();
    });
  });

  it('returns plain Koa middleware', () => {
    expectTypeOf(authenticate).returns.toEqualTypeOf<Middleware>();
    expectTypeOf(requireScope).returns.toEqualTypeOf<Middleware>();
    expectTypeOf(requireAnyScope).returns.toEqualTypeOf<Middleware>();
    expectTypeOf(rateLimit).returns.toEqualTypeOf<Middleware>();
    expectTypeOf(budget).returns.toEqualTypeOf<Middleware>();
    expectTypeOf(protectedResource).returns.toEqualTypeOf<Middleware>();
    expectTypeOf(requireToolScopes).returns.toEqualTypeOf<Middleware>();
    expectTypeOf<AuthenticateOptions['errors']>().toEqualTypeOf<'respond' | 'throw' | undefined>();
  });
});
