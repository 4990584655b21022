import type { BudgetOptions, RateLimitOptions } from '@portcullis/core';
import {
  budgeter,
  isPromiseLike,
  type LimitAnswer,
  type LimitCheck,
  rateLimiter,
  recallAuth,
} from '@portcullis/core/adapter';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { answer } from './answer.js';
import type { ErrorsMode } from './types.js';

/**
 * Append the answer's headers, then pass (attaching a budget) or refuse. A refusal's error also
 * carries those headers as sent so far (with an earlier limit's values), so an error handler that
 * answers from `err.headers` keeps them.
 */
function decide(
  result: LimitAnswer,
  req: Request,
  res: Response,
  next: NextFunction,
  mode: ErrorsMode,
): void {
  for (const [name, value] of result.headers) res.append(name, value);
  const err = result.error;
  if (err === undefined) {
    if (result.budget !== undefined) req.budget = result.budget;
    next();
    return;
  }
  for (const [name] of result.headers) {
    const sent = res.getHeader(name);
    if (sent !== undefined) err.headers[name] = Array.isArray(sent) ? sent.join(', ') : `${sent}`;
  }
  answer(err, res, next, mode);
}

/** Run one limit's check on the request: at once when the store answers at once. */
function limit(check: LimitCheck, req: Request, res: Response, next: NextFunction): void {
  const remembered = recallAuth(req);
  const mode = remembered?.errors ?? 'respond';
  const result = check(remembered);
  if (isPromiseLike(result)) {
    result.then((r) => decide(r, req, res, next, mode)).then(undefined, next);
  } else {
    decide(result, req, res, next, mode);
  }
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
 * import { authenticate, rateLimit } from '@portcullis/express';
 *
 * app.use(
 *   authenticate(authenticator),
 *   rateLimit({ limit: (p) => (p?.metadata?.tier === 'pro' ? 600 : 60), window: 60 }),
 * );
 * ```
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  const check = rateLimiter('rateLimit()', options);
  return function portcullisRateLimit(req, res, next) {
    limit(check, req, res, next);
  };
}

/**
 * Give each principal a budget of units (LLM tokens, say) per period: mount after
 * `authenticate()`. The handler charges what the request cost through `req.budget` once it
 * knows it; once nothing remains, requests get 429 `rate_limited` (`ERR_BUDGET_EXHAUSTED`) with
 * `Retry-After` until the period ends. Headers, store failures and errors as for `rateLimit()`.
 * `req.budget` is absent for an exempt principal (`quota` returned `null`) and when
 * `onStoreError: 'allow'` let the request through.
 *
 * @example
 * ```ts
 * import { authenticate, budget } from '@portcullis/express';
 *
 * app.post('/complete', authenticate(authenticator), budget({ quota: 100_000, period: 'day' }),
 *   async (req, res) => {
 *     const completion = await llm.complete(req.body);
 *     await req.budget?.charge(completion.usage.total_tokens);
 *     res.json(completion);
 *   });
 * ```
 */
export function budget(options: BudgetOptions): RequestHandler {
  const check = budgeter('budget()', options);
  return function portcullisBudget(req, res, next) {
    limit(check, req, res, next);
  };
}
