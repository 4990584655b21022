import type { Principal } from '@portcullis/core';
import Koa, { type DefaultState, type Middleware } from 'koa';
import { describe, expectTypeOf, it } from 'vitest';
import { type AuthenticateOptions, authenticate, requireAnyScope, requireScope } from './index.js';

describe('types', () => {
  it('types ctx.state.auth as the Principal, absent on optional routes', () => {
    expectTypeOf<DefaultState['auth']>().toEqualTypeOf<Principal | undefined>();
    new Koa().use((ctx) => {
      expectTypeOf(ctx.state.auth).toEqualTypeOf<Principal | undefined>();
      if (ctx.state.auth) expectTypeOf(ctx.state.auth.subject).toEqualTypeOf<string>();
    });
  });

  it('returns plain Koa middleware', () => {
    expectTypeOf(authenticate).returns.toEqualTypeOf<Middleware>();
    expectTypeOf(requireScope).returns.toEqualTypeOf<Middleware>();
    expectTypeOf(requireAnyScope).returns.toEqualTypeOf<Middleware>();
    expectTypeOf<AuthenticateOptions['errors']>().toEqualTypeOf<'respond' | 'throw' | undefined>();
  });
});
