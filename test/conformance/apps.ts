import type { Principal } from '@portcullis/core';
import * as express from '@portcullis/express';
import * as hono from '@portcullis/hono';
import * as koa from '@portcullis/koa';
import { type AppSpec, failingLimitStore, type Route as KitRoute } from '@portcullis/test-kit';
import { allTargets } from '@portcullis/test-kit/targets';

/** A principal some other code attached where the adapter keeps its own: never to be trusted. */
const FORGED: Principal = { method: 'api_key', subject: 'forged', scopes: ['conversations:read'] };

/** The routes every app has. */
const ROUTES = [
  { path: '/open', auth: { optional: true } },
  { path: '/me' },
  { path: '/read', requireScope: ['conversations:read'] },
  { path: '/write', requireScope: ['billing:write'] },
  { path: '/both', requireScope: ['conversations:read', 'billing:write'] },
  { path: '/any', requireAnyScope: ['billing:read', 'billing:write'] },
  { path: '/open-read', auth: { optional: true }, requireScope: ['conversations:read'] },
  // A scope guard with no authenticate() before it, alone or after a forged principal.
  { path: '/unguarded', auth: false, requireScope: ['conversations:read'] },
  { path: '/forged', auth: false, forge: FORGED, requireScope: ['conversations:read'] },
  // Limits after authenticate() (in withAuth(), its options): 3 requests a minute, a budget of 5
  // a day that the handler spends at once, and a limit whose store fails.
  { path: '/limited', rateLimit: { limit: 3, window: 60 } },
  { path: '/budget', budget: { quota: 5, period: 'day' }, charge: 5 },
  { path: '/limit-down', rateLimit: { limit: 3, window: 60, store: failingLimitStore() } },
] as const satisfies readonly KitRoute[];

/** One of the routes every app has. */
export type Route = (typeof ROUTES)[number]['path'];

/** What the handler saw of the principal. */
export interface Seen {
  subject: string;
  method: string;
  scopes: readonly string[];
}

/** Every app: these routes, each handler answering `{ seen }`, the framework's own error handling. */
export const APP: AppSpec = {
  routes: ROUTES,
  answer: (p) => ({
    seen: p === undefined ? null : { subject: p.subject, method: p.method, scopes: [...p.scopes] },
  }),
};

/**
 * The apps every scenario runs on: Express 5 and 4, Koa 3 and 2, and Hono in memory and on Node,
 * with middleware and with `withAuth()` handlers (the test kit's harnesses).
 */
export const ADAPTERS = allTargets({ express, koa, hono });
