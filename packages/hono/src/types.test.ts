import { createAuthenticator, type Principal } from '@portcullis/core';
import { fakeMethod } from '@portcullis/test-kit';
import { Hono } from 'hono';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AuthenticateOptions,
  type AuthVariables,
  authenticate,
  type Budget,
  type BudgetVariables,
  budget,
  protectedResource,
  rateLimit,
  requireScope,
  requireToolScopes,
  withAuth,
} from './index.js';

const auth = createAuthenticator({ methods: [fakeMethod()] });

describe('types', () => {
  it('types c.var.auth as the Principal after authenticate() in the route', () => {
    new Hono().get('/', authenticate(auth), requireScope('a'), (c) => {
      expectTypeOf(c.var.auth).toEqualTypeOf<Principal>();
      return c.text(c.var.auth.subject);
    });
  });

  it('keeps c.var.auth typed through requireToolScopes(), protectedResource() on any app', () => {
    new Hono().post('/mcp', authenticate(auth), requireToolScopes({ tools: {} }), (c) => {
      expectTypeOf(c.var.auth).toEqualTypeOf<Principal>();
      return c.text(c.var.auth.subject);
    });
    new Hono<{ Variables: AuthVariables }>().use(
      protectedResource({
        resource: 'https://mcp.example.com',
        authorizationServers: ['https://a.example.com'],
      }),
    );
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

  it('types c.var.budget as possibly absent: after budget(), in withAuth(), app-wide', () => {
    new Hono().get(
      '/',
      authenticate(auth),
      rateLimit({ limit: 5, window: 60 }),
      budget({ quota: 5, period: 'day' }),
      async (c) => {
        expectTypeOf(c.var.auth).toEqualTypeOf<Principal>();
        expectTypeOf(c.var.budget).toEqualTypeOf<Budget | undefined>();
        await c.var.budget?.charge(1);
        return c.text('');
      },
    );
    withAuth(
      auth,
      (c) => {
        expectTypeOf(c.var.budget).toEqualTypeOf<Budget | undefined>();
        return c.text('');
      },
      { budget: { quota: 5, period: 'day' } },
    );
    new Hono<{ Variables: AuthVariables & BudgetVariables }>().get('/', (c) => {
      expectTypeOf(c.get('budget')).toEqualTypeOf<Budget | undefined>();
      return c.text('');
    });
  });
});
