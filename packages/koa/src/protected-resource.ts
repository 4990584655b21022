import type { ProtectedResourceOptions, ToolScopesOptions } from '@portcullis/core';
import {
  fromNodeRequest,
  protectedResourceMetadata,
  recallAuth,
  toolScopeGuard,
} from '@portcullis/core/adapter';
import type { Middleware } from 'koa';
import { answer } from './answer.js';

/**
 * Serve this API's OAuth protected resource metadata (RFC 9728), which MCP clients and other
 * OAuth clients read to find the authorization server: `GET` and `HEAD` on its well-known paths
 * (`/.well-known/oauth-protected-resource/<resource path>`, then
 * `/.well-known/oauth-protected-resource`) answer the JSON document, cacheable and open to every
 * origin; an `OPTIONS` preflight there is answered 204 with CORS headers. Every other request
 * goes to `next()`. The paths are matched on the whole path (`ctx.originalUrl`), so mount it on
 * the app, before `authenticate()`: the document is public. Bad options throw a `TypeError`
 * here, at startup: a `resource` not in canonical form, an `authenticator` whose `jwt()`
 * audience does not include `resource`, or whose `resourceMetadata` is not this document's URL.
 *
 * @example
 * ```ts
 * import { authenticate, protectedResource, requireToolScopes } from '@portcullis/koa';
 *
 * const authenticator = createAuthenticator({
 *   methods: [
 *     jwt({ algorithms: ['RS256'], issuer, jwks, audience: 'https://mcp.example.com/mcp' }),
 *   ],
 *   resourceMetadata: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
 * });
 * app.use(protectedResource({
 *   resource: 'https://mcp.example.com/mcp',
 *   authorizationServers: [issuer],
 *   scopesSupported: ['files:read', 'files:write'],
 *   authenticator,
 * }));
 * router.post('/mcp', authenticate(authenticator), requireToolScopes({ tools }), mcpHandler);
 * ```
 */
export function protectedResource(options: ProtectedResourceOptions): Middleware {
  const served = protectedResourceMetadata('protectedResource()', options);
  const paths = new Set(served.paths);
  // Not an async function: a request for another path goes on with `next()`'s own promise.
  return function portcullisProtectedResource(ctx, next) {
    const url = ctx.originalUrl;
    const query = url.indexOf('?');
    if (!paths.has(query === -1 ? url : url.slice(0, query))) return next();
    const method = ctx.method;
    if (method === 'GET' || method === 'HEAD') {
      // Koa sends the length and no body for HEAD.
      ctx.status = 200;
      ctx.set(served.headers);
      ctx.body = served.body;
    } else if (method === 'OPTIONS') {
      ctx.status = 204;
      ctx.set(served.preflight(ctx.get('access-control-request-headers')));
    } else {
      return next();
    }
    return Promise.resolve();
  };
}

/**
 * Per-tool scopes for an MCP server on the Streamable HTTP transport: mount after
 * `authenticate()`, like `requireScope()`. A `POST` must name its JSON-RPC method in
 * `Mcp-Method` (and, for `tools/call`, the tool in `Mcp-Name`), as MCP 2026-07-28 clients do;
 * without them, or with an older `MCP-Protocol-Version`, it is answered 400 `invalid_request`.
 * Otherwise the caller must hold every scope `tools` (or `methods`) lists for it: 403
 * `insufficient_scope` naming them, 401 on an optional route with no credential (the scopes and
 * the authenticator's `resourceMetadata` in the challenge). A tool missing from `tools` is
 * refused the same way unless `otherTools` lists the scopes it needs (`[]`: none), so a tool
 * added to the server is never open by mistake; other requests (`GET`, `DELETE`) pass. Your MCP
 * server must refuse a request whose `Mcp-Method` or `Mcp-Name` differs from its JSON-RPC body:
 * the guard reads only the headers. Failures are answered the same way as the
 * `authenticate()` before it. Bad options throw a `TypeError` here, at startup.
 *
 * @example
 * ```ts
 * router.post(
 *   '/mcp',
 *   authenticate(authenticator),
 *   requireToolScopes({
 *     tools: { read_file: ['files:read'], write_file: ['files:write'] },
 *     methods: { 'resources/read': ['files:read'] },
 *   }),
 *   mcpHandler,
 * );
 * ```
 */
export function requireToolScopes(options: ToolScopesOptions): Middleware {
  const check = toolScopeGuard('requireToolScopes()', options);
  return async function portcullisRequireToolScopes(ctx, next) {
    const remembered = recallAuth(ctx.req);
    const err = check(remembered, ctx.method, fromNodeRequest(ctx.req));
    if (err !== undefined) return answer(ctx, err, remembered?.errors ?? 'respond');
    await next();
  };
}
