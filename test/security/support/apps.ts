import type { Authenticator } from '@portcullis/core';
import * as express from '@portcullis/express';
import * as fastify from '@portcullis/fastify';
import * as fetch from '@portcullis/fetch';
import * as hono from '@portcullis/hono';
import * as koa from '@portcullis/koa';
import type { Answer, AppSpec, HeaderPairs, RequestHeaders } from '@portcullis/test-kit';
import { targetNamed } from '@portcullis/test-kit/targets';

export type { Answer, HeaderPairs };

/** The four frameworks every scenario runs on. */
export const ADAPTERS = ['express', 'koa', 'hono', 'fastify'] as const;
/**
 * The frameworks, Hono's `withAuth()` handlers (no middleware), and @portcullis/fetch's
 * `withAuth()` handlers in memory (a fetch handler called with `new Request(...)`).
 */
export const TARGETS = [...ADAPTERS, 'hono-with-auth', 'fetch'] as const;
/** One of {@link TARGETS}. */
export type AdapterName = (typeof TARGETS)[number];

/** A tiny app with the routes every scenario uses. */
export interface TestApp {
  adapter: AdapterName;
  /** `GET path` with these headers. */
  get(path: string, headers?: RequestHeaders): Promise<Answer>;
}

/** The test kit's harness behind each target. */
const KIT_TARGETS: Record<AdapterName, string> = {
  express: 'Express 5',
  koa: 'Koa 3',
  hono: 'Hono',
  'hono-with-auth': 'Hono withAuth()',
  fastify: 'Fastify 5',
  fetch: 'fetch withAuth()',
};

interface PrincipalLike {
  method?: unknown;
  subject?: unknown;
  scopes?: unknown;
}

// What a careless or hostile handler might do to the principal it was given.
function tamper(principal: PrincipalLike | null | undefined): void {
  if (principal === null || principal === undefined) return;
  const p = principal as { scopes?: unknown; claims?: Record<string, unknown> };
  const attempts = [
    () => (p.scopes as string[]).push('admin'),
    () => {
      (p.scopes as string[])[0] = 'admin';
    },
    () => {
      if (p.claims) p.claims['scope'] = 'read admin';
    },
    () => {
      if (p.claims) Object.assign(p.claims, { scope: 'admin', scp: ['admin'] });
    },
  ];
  for (const attempt of attempts) {
    try {
      attempt();
    } catch {
      // Frozen: good.
    }
  }
}

function summary(principal: PrincipalLike | null | undefined) {
  if (principal === null || principal === undefined) return { ok: true, anonymous: true };
  return {
    ok: true,
    method: principal.method,
    subject: principal.subject,
    scopes: principal.scopes,
  };
}

// The routes: /private (authenticate), /admin (authenticate + requireScope('admin')),
// /any (requireAnyScope('admin', 'root')), /optional (authenticate optional),
// /misconfigured (requireScope('admin') with no authenticate: must fail closed; fetch's withAuth()
// has no form for it, and its harness leaves it out),
// /tamper (a handler that tries to grant itself 'admin' by mutating the principal).
// A 200 answers the principal's method, subject and scopes, nothing secret. Anything that
// escapes the adapter into the framework's error flow is answered with `x-escaped: 1`: the
// scenarios assert it never happens.
const APP: AppSpec = {
  routes: [
    { path: '/private' },
    { path: '/admin', requireScope: ['admin'] },
    { path: '/any', requireAnyScope: ['admin', 'root'] },
    { path: '/optional', auth: { optional: true } },
    { path: '/misconfigured', auth: false, requireScope: ['admin'] },
    { path: '/tamper', touch: tamper },
  ],
  answer: summary,
  catchErrors: true,
};

/**
 * Build the scenario app on one target with the test kit's harness: Express 5, Koa 3 and Fastify 5
 * over real HTTP (servers that accept 1 MiB of headers), Hono in memory (`app.request`), with
 * middleware or (`hono-with-auth`) with `withAuth()` handlers, and @portcullis/fetch's
 * `withAuth()` handlers in memory (`fetch`). A header value HTTP cannot carry is answered with
 * status -1 and `refused`.
 *
 * @example
 * ```ts
 * const app = await buildApp('koa', authenticator);
 * const answer = await app.get('/private', { authorization: `Bearer ${token}` });
 * ```
 */
export async function buildApp(
  adapter: AdapterName,
  authenticator: Authenticator,
): Promise<TestApp> {
  const target = await targetNamed({ express, koa, hono, fastify, fetch }, KIT_TARGETS[adapter])(
    authenticator,
    APP,
  );
  return { adapter, get: (path, headers) => target.get(path, headers) };
}
