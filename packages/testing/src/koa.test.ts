import { authenticate, requireScope } from '@portcullis/koa';
import Koa from 'koa';
import request from 'supertest';
import { describeHelpers } from './test-helpers/scenarios.js';

describeHelpers('Koa', (authenticator) => {
  const app = new Koa();
  const guarded = [authenticate(authenticator), requireScope('billing:read')];
  const optional = authenticate(authenticator, { optional: true });
  app.use(async (ctx, next) => {
    if (ctx.path === '/invoices') {
      await guarded[0]!(ctx, () =>
        guarded[1]!(ctx, async () => {
          ctx.body = { subject: ctx.state.auth?.subject, scopes: ctx.state.auth?.scopes };
        }),
      );
    } else if (ctx.path === '/maybe') {
      await optional(ctx, async () => {
        ctx.body = { subject: ctx.state.auth?.subject ?? null };
      });
    } else {
      await next();
    }
  });
  return async (path, headers = {}) => {
    const res = await request(app.callback()).get(path).set(headers);
    return {
      status: res.status,
      challenge: res.headers['www-authenticate'] ?? null,
      body: res.body,
    };
  };
});
