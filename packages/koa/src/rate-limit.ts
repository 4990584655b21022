import type { BudgetOptions, RateLimitOptions } from '@portcullis/core';
import {
  budgeter,
  isPromiseLike,
  type LimitAnswer,
  type LimitCheck,
  rateLimiter,
  recallAuth,
} from '@portcullis/core/adapter';
import type { Context, Middleware, Next } from 'koa';
import { answer } from './answer.js';

/**
 * Run one limit's check on the request: append its headers, then pass (attaching a budget) or
 * refuse. A refusal's error also carries those headers as sent so far (with an earlier limit's
 * values): Koa's own error handler drops every header the response had and sends `err.headers`.
 * Not an async function: when the store answers at once, `next()`'s own promise is returned.
 */
function limit(check: LimitCheck, ctx: Context, next: Next): Promise<unknown> {
  const remembered = recallAuth(ctx.req);
  const mode = remembered?.errors ?? 'respond';
  const decide = (result: LimitAnswer) => {
    for (const [name, value] of result.headers) ctx.append(name, value);
    const err = result.error;
    if (err === undefined) {
      if (result.budget !== undefined) ctx.state.budget = result.budget;
      return next();
    }
    for (const [name] of result.headers) {
      const sent = ctx.response.headers[name];
      if (sent !== undefined) err.headers[name] = Array.isArray(sent) ? sent.join(', ') : `${sent}`;
    }
    return answer(ctx, err, mode);
  };
  const result = check(remembered);
  // A native promise is returned as it is; a value is wrapped, as Koa expects a promise.
  return isPromiseLike(result) ? result.then(decide) : Promise.resolve(decide(result));
}

/**
 * Limit each principal's request rate (GCRA): mount after `authenticate()`. Every answer carries
 * `RateLimit-Policy` and `RateLimit`; a request over the limit gets 429 `rate_limited`
 * (`ERR_RATE_LIMITED`) with `Retry-After`, a store that fails 503 (unless
 * `onStoreError: 'allow'`), and without `authenticate()` before it 500, never 200. Failures are
 * answered the same way as the `authenticate()` before it (`errors`). Bad options throw a
 * `TypeError` here, at startup.
 *
 * @example
 * ```ts
 * import { authenticate, rateLimit } from '@portcullis/koa';
 *
 * app.use(authenticate(authenticator));
 * app.use(rateLimit({ limit: (p) => (p?.metadata?.tier === 'pro' ? 600 : 60), window: 60 }));
 * ```
 */
export function rateLimit(options: RateLimitOptions): Middleware {
  const check = rateLimiter('rateLimit()', options);
  return function portcullisRateLimit(ctx, next) {
    return limit(check, ctx, next);
  };
}

/**
 * Give each principal a budget of units (LLM tokens, say) per period: mount after
 * `authenticate()`. The handler charges what the request cost through `ctx.state.budget` once it
 * knows it; once nothing remains, requests get 429 `rate_limited` (`ERR_BUDGET_EXHAUSTED`) with
 * `Retry-After` until the period ends. Headers, store failures and errors as for `rateLimit()`.
 * `ctx.state.budget` is absent for an exempt principal (`quota` returned `null`) and when
 * `onStoreError: 'allow'` let the request through.
 *
 * @example
 * ```ts
 * import { authenticate, budget } from '@portcullis/koa';
 *
 * router.post('/complete', authenticate(authenticator), budget({ quota: 100_000, period: 'day' }),
 *   async (ctx) => {
 *     const completion = await llm.complete(ctx.request.body);
 *     await ctx.state.budget?.charge(completion.usage.total_tokens);
 *     ctx.body = completion;
 *   });
 * ```
 */
export function budget(options: BudgetOptions): Middleware {
  const check = budgeter('budget()', options);
  return function portcullisBudget(ctx, next) {
    return limit(check, ctx, next);
  };
}
