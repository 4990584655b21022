import { createAuthenticator, type Principal } from '@portcullis/core';
import { fakeMethod } from '@portcullis/test-kit';
import { Hono } from 'hono';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AuthenticateOptions,
  type AuthVariables,
  authenticate,
  requireScope,
} from './index.js';

const auth = createAuthenticator({ methods: [fakeMethod()] });

describe('types', () => {
  it('types c.var.auth as the Principal after authenticate() in the route', () => {
    new Hono().get('/', authenticate(auth), requireScope('a'), (c) => {
      expectTypeOf(c.var.auth).toEqualTypeOf<Principal>();
      return c.text(c.var.auth.subject);
    });
  });

  it('types c.var.auth as possibly absent on an optional route', () => {
    new Hono().get('/', authenticate(auth, { optional: true }), (c) => {
      expectTypeOf(c.var.auth).toEqualTypeOf<Principal | undefined>();
      return c.text('');
    });
  });

  it('types c.var.auth through AuthVariables on the app', () => {
    new Hono<{ Variables: AuthVariables }>().use(authenticate(auth)).get('/', (c) => {
      expectTypeOf(c.var.auth).toEqualTypeOf<Principal>();
      expectTypeOf(c.get('auth')).toEqualTypeOf<Principal>();
      return c.text('');
    });
  });

  it('types c.var.auth through ContextVariableMap everywhere else', () => {
    new Hono().get('/', (c) => {
      expectTypeOf(c.var.auth).toEqualTypeOf<Principal | undefined>();
      expectTypeOf(c.get('auth')).toEqualTypeOf<Principal | undefined>();
      return c.text('');
    });
    expectTypeOf<AuthenticateOptions['errors']>().toEqualTypeOf<'respond' | 'throw' | undefined>();
  });
});
