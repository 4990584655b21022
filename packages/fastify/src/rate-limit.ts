import type { BudgetOptions, RateLimitOptions } from '@portcullis/core';
import {
  budgeter,
  isPromiseLike,
  type LimitAnswer,
  type LimitCheck,
  rateLimiter,
  recallAuth,
} from '@portcullis/core/adapter';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { answer } from './answer.js';
import type { ErrorsMode, PortcullisHook } from './types.js';

/** The header's value as sent so far, list items joined with `, `. */
function sentValue(reply: FastifyReply, name: string): string | undefined {
  const sent = reply.getHeader(name);
  if (sent === undefined) return undefined;
  return Array.isArray(sent) ? sent.join(', ') : `${sent}`;
}

/**
 * Add the answer's headers (a second limit's policy joins the first one's as one more list item,
 * where `reply.header()` would replace it), then pass (attaching a budget) or refuse. A refusal's
 * error also carries those headers as sent so far, so Fastify's error handler, which sets
 * `err.headers` on the reply, keeps them.
 */
function decide(
  result: LimitAnswer,
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
  mode: ErrorsMode,
): void {
  for (const [name, value] of result.headers) {
    const sent = sentValue(reply, name);
    reply.header(name, sent === undefined ? value : `${sent}, ${value}`);
  }
  const err = result.error;
  if (err === undefined) {
    if (result.budget !== undefined) request.budget = result.budget;
    done();
    return;
  }
  for (const [name] of result.headers) {
    const sent = sentValue(reply, name);
    if (sent !== undefined) err.headers[name] = sent;
  }
  answer(err, reply, done, mode);
}

/** Run one limit's check on the request: at once when the store answers at once. */
function limit(
  check: LimitCheck,
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  const remembered = recallAuth(request);
  const mode = remembered?.errors ?? 'respond';
  const result = check(remembered);
  if (isPromiseLike(result)) {
    result.then((r) => decide(r, request, reply, done, mode)).then(undefined, done);
  } else {
    decide(result, request, reply, done, mode);
  }
}

/**
 * A `preHandler` hook that limits each principal's request rate (GCRA): add it after
 * `authenticate()`. Every answer carries `RateLimit-Policy` and `RateLimit`; a request over the
 * limit gets 429 `rate_limited` (`ERR_RATE_LIMITED`) with `Retry-After`, a store that fails 503
 * (unless `onStoreError: 'allow'`), and without `authenticate()` before it 500, never 200.
 * Failures are answered the same way as the `authenticate()` before it (`errors`). Bad options
 * throw a `TypeError` here, at startup.
 *
 * @example
 * ```ts
 * import { authenticate, rateLimit } from '@portcullis/fastify';
 *
 * app.addHook('onRequest', authenticate(authenticator));
 * app.addHook(
 *   'preHandler',
 *   rateLimit({ limit: (p) => (p?.metadata?.tier === 'pro' ? 600 : 60), window: 60 }),
 * );
 * ```
 */
export function rateLimit(options: RateLimitOptions): PortcullisHook {
  const check = rateLimiter('rateLimit()', options);
  return function portcullisRateLimit(request, reply, done) {
    limit(check, request, reply, done);
  };
}

/**
 * A `preHandler` hook that gives each principal a budget of units (LLM tokens, say) per period:
 * add it after `authenticate()`. The handler charges what the request cost through
 * `request.budget` once it knows it; once nothing remains, requests get 429 `rate_limited`
 * (`ERR_BUDGET_EXHAUSTED`) with `Retry-After` until the period ends. Headers, store failures and
 * errors as for `rateLimit()`. `request.budget` is unset for an exempt principal (`quota`
 * returned `null`) and when `onStoreError: 'allow'` let the request through.
 *
 * @example
 * ```ts
 * import { authenticate, budget } from '@portcullis/fastify';
 *
 * app.post('/complete', {
 *   onRequest: authenticate(authenticator),
 *   preHandler: budget({ quota: 100_000, period: 'day' }),
 * }, async (request) => {
 *   const completion = await llm.complete(request.body);
 *   await request.budget?.charge(completion.usage.total_tokens);
 *   return completion;
 * });
 * ```
 */
export function budget(options: BudgetOptions): PortcullisHook {
  const check = budgeter('budget()', options);
  return function portcullisBudget(request, reply, done) {
    limit(check, request, reply, done);
  };
}
