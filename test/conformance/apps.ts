import type { Principal, ToolScopesOptions } from '@portcullis/core';
import * as express from '@portcullis/express';
import * as fastify from '@portcullis/fastify';
import * as fetch from '@portcullis/fetch';
import * as hono from '@portcullis/hono';
import * as koa from '@portcullis/koa';
import { type AppSpec, failingLimitStore, type Route as KitRoute } from '@portcullis/test-kit';
import { allTargets } from '@portcullis/test-kit/targets';
import { ISSUER, RESOURCE, type Setup } from './world.js';

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
  // Delegated tokens (RFC 8693 `act`) whose current actor is `agent-support`.
  { path: '/act', requireActor: ['agent-support'] },
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

/**
 * Per-tool scopes of the MCP server: `read` needs `conversations:read`, `pay` `billing:write`,
 * `ping` nothing, any other tool `billing:write`; `resources/read` needs `conversations:read`,
 * any other method nothing.
 */
const TOOLS: ToolScopesOptions = {
  tools: { read: ['conversations:read'], pay: ['billing:write'], ping: [] },
  methods: { 'resources/read': ['conversations:read'] },
  otherTools: ['billing:write'],
};

/**
 * The routes of the MCP server (the `mcp` setup): `/mcp`, GET and POST on an optional route
 * (anonymous clients may list tools; a scoped tool asks them to sign in), and `/mcp/billing`.
 */
const MCP_ROUTES = [
  { path: '/mcp', methods: ['GET', 'POST'], auth: { optional: true }, requireToolScopes: TOOLS },
  { path: '/mcp/billing', requireScope: ['billing:write'] },
] as const satisfies readonly KitRoute[];

/** Where `protectedResource()` serves the MCP server's metadata: path-inserted, then root. */
export const METADATA_PATHS = [
  '/.well-known/oauth-protected-resource/mcp',
  '/.well-known/oauth-protected-resource',
] as const;

/** The metadata document every app of the `mcp` setup serves on {@link METADATA_PATHS}. */
export const METADATA = {
  resource: RESOURCE,
  authorization_servers: [ISSUER],
  bearer_methods_supported: ['header'],
  scopes_supported: ['conversations:read', 'billing:read', 'billing:write'],
  resource_name: 'Conformance MCP',
};

/** One of the routes an app has. */
export type Route =
  | (typeof ROUTES)[number]['path']
  | (typeof MCP_ROUTES)[number]['path']
  | (typeof METADATA_PATHS)[number];

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
 * The MCP server, the app of the `mcp` setup: its routes, and `protectedResource()` on the whole
 * app, checked against the setup's authenticator.
 */
const MCP_APP: AppSpec = {
  ...APP,
  routes: MCP_ROUTES,
  protectedResource: {
    resource: RESOURCE,
    authorizationServers: [ISSUER],
    scopesSupported: ['conversations:read', 'billing:read', 'billing:write'],
    resourceName: 'Conformance MCP',
  },
};

/**
 * The app for a setup: the MCP server for `mcp`, else {@link APP}.
 *
 * @example
 * ```ts
 * const target = await factory(world.authenticator(setup), appFor(setup));
 * ```
 */
export function appFor(setup: Setup): AppSpec {
  return setup === 'mcp' ? MCP_APP : APP;
}

/**
 * The apps every scenario runs on: Express 5 and 4, Koa 3 and 2, Fastify 5 and 4, and Hono in
 * memory and on Node, with middleware and with `withAuth()` handlers, and @portcullis/fetch's
 * `withAuth()` handlers in memory and on Node (the test kit's harnesses). A harness that cannot
 * build a route says why (`cannotBuild`), and the route's cases are skipped there with that reason.
 */
export const ADAPTERS = allTargets({ express, koa, hono, fastify, fetch });
