import type { BudgetOptions, RateLimitOptions } from '@portcullis/core';
import {
  budgeter,
  isPromiseLike,
  type LimitAnswer,
  type LimitCheck,
  rateLimiter,
  recallAuth,
} from '@portcullis/core/adapter';
import type { Context, MiddlewareHandler, Next } from 'hono';
import { answer } from './answer.js';
import type { BudgetVariables, ErrorsMode } from './types.js';

// biome-ignore lint/suspicious/noConfusingVoidType: Hono's MiddlewareHandler returns Promise<Response | void>
type Answered = Response | void;

/**
 * Apply one limit's answer to the context: append its headers, then attach the budget and
 * return `undefined` (a pass), or answer the error (return the response or throw). The error
 * also carries those headers as sent so far (with an earlier limit's values), so the
 * `HTTPException`'s own response has them: `app.onError` often sends `err.getResponse()` as it
 * is, without the headers set on `c`.
 *
 * @example
 * ```ts
 * const refused = applyLimit(c, await check(recallAuth(c)), 'throw');
 * if (refused === undefined) await next();
 * ```
 */
export function applyLimit(
  c: Context,
  result: LimitAnswer,
  mode: ErrorsMode,
): Response | undefined {
  for (const [name, value] of result.headers) c.header(name, value, { append: true });
  const err = result.error;
  if (err === undefined) {
    if (result.budget !== undefined) c.set('budget', result.budget);
    return undefined;
  }
  for (const [name] of result.headers) {
    const sent = c.res.headers.get(name);
    if (sent !== null) err.headers[name] = sent;
  }
  return answer(c, err, mode);
}

/** Run one limit's check as middleware: at once when the store answers at once. */
function limit(check: LimitCheck, c: Context, next: Next) {
  const remembered = recallAuth(c);
  const mode = remembered?.errors ?? 'throw';
  const decide = (result: LimitAnswer) => applyLimit(c, result, mode) ?? next();
  const result = check(remembered);
  // A native promise is returned as it is; a value is wrapped, as Hono expects a promise.
  return Promise.resolve(isPromiseLike(result) ? result.then<Answered>(decide) : decide(result));
}

/**
 * Limit each principal's request rate (GCRA): mount after `authenticate()`. Every answer carries
 * `RateLimit-Policy` and `RateLimit`; a request over the limit gets 429 `rate_limited`
 * (`ERR_RATE_LIMITED`) with `Retry-After`, a store that fails 503 (unless
 * `onStoreError: 'allow'`), and without `authenticate()` before it 500, never 200. Failures are
 * answered the same way as the `authenticate()` before it (an `HTTPException` by default). Bad
 * options throw a `TypeError` here, at startup. `withAuth()` takes the same options as
 * `rateLimit`.
 *
 * @example
 * ```ts
 * import { authenticate, rateLimit } from '@portcullis/hono';
 *
 * app.use(
 *   '/api/*',
 *   authenticate(authenticator),
 *   rateLimit({ limit: (p) => (p?.metadata?.tier === 'pro' ? 600 : 60), window: 60 }),
 * );
 * ```
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  const check = rateLimiter('rateLimit()', options);
  return function portcullisRateLimit(c, next) {
    return limit(check, c, next);
  };
}

/**
 * Give each principal a budget of units (LLM tokens, say) per period: mount after
 * `authenticate()`. The handler charges what the request cost through `c.var.budget` once it
 * knows it; once nothing remains, requests get 429 `rate_limited` (`ERR_BUDGET_EXHAUSTED`) with
 * `Retry-After` until the period ends. Headers, store failures and errors as for `rateLimit()`.
 * `c.var.budget` is absent for an exempt principal (`quota` returned `null`) and when
 * `onStoreError: 'allow'` let the request through. `withAuth()` takes the same options as
 * `budget`.
 *
 * @example
 * ```ts
 * import { authenticate, budget } from '@portcullis/hono';
 *
 * app.post('/complete', authenticate(authenticator), budget({ quota: 100_000, period: 'day' }),
 *   async (c) => {
 *     const completion = await llm.complete(await c.req.json());
 *     await c.var.budget?.charge(completion.usage.total_tokens);
 *     return c.json(completion);
 *   });
 * ```
 */
export function budget(options: BudgetOptions): MiddlewareHandler<{ Variables: BudgetVariables }> {
  const check = budgeter('budget()', options);
  return function portcullisBudget(c, next) {
    return limit(check, c, next);
  };
}
