import type { Principal } from '@portcullis/core';
import express, { type Request, type RequestHandler } from 'express';
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
  it('types req.auth as the Principal, absent on optional routes', () => {
    expectTypeOf<Request['auth']>().toEqualTypeOf<Principal | undefined>();
    express().get('/', (req, res) => {
      expectTypeOf(req.auth).toEqualTypeOf<Principal | undefined>();
      if (req.auth) expectTypeOf(req.auth.scopes).toEqualTypeOf<readonly string[]>();
      res.end();
    });
  });

  it('types req.budget as the Budget, absent where budget() set none', () => {
    expectTypeOf<Request['budget']>().toEqualTypeOf<Budget | undefined>();
    express().post('/', budget({ quota: 5, period: 'day' }), async (req, res) => {
      const state = await req.budget?.charge(2);
      expectTypeOf(state?.remaining).toEqualTypeOf<number | undefined>();
      res.end();
    });
  });

  it('returns plain Express middleware', () => {
    expectTypeOf(authenticate).returns.toEqualTypeOf<RequestHandler>();
    expectTypeOf(requireScope).returns.toEqualTypeOf<RequestHandler>();
    expectTypeOf(requireAnyScope).returns.toEqualTypeOf<RequestHandler>();
    expectTypeOf(rateLimit).returns.toEqualTypeOf<RequestHandler>();
    expectTypeOf(budget).returns.toEqualTypeOf<RequestHandler>();
    expectTypeOf(protectedResource).returns.toEqualTypeOf<RequestHandler>();
    expectTypeOf(requireToolScopes).returns.toEqualTypeOf<RequestHandler>();
    expectTypeOf<AuthenticateOptions['errors']>().toEqualTypeOf<'respond' | 'throw' | undefined>();
  });
});
