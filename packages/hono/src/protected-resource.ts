import type { ProtectedResourceOptions, ToolScopesOptions } from '@portcullis/core';
import {
  decodePath,
  protectedResourceMetadata,
  recallAuth,
  toolScopeGuard,
} from '@portcullis/core/adapter';
import type { MiddlewareHandler } from 'hono';
import { answer } from './answer.js';
import { requestView } from './view.js';

/**
 * Serve this API's OAuth protected resource metadata (RFC 9728), which MCP clients and other
 * OAuth clients read to find the authorization server: `GET` and `HEAD` on its well-known paths
 * (`/.well-known/oauth-protected-resource/<resource path>`, then
 * `/.well-known/oauth-protected-resource`) answer the JSON document, cacheable and open to every
 * origin; an `OPTIONS` preflight there is answered 204 with CORS headers. Every other request
 * goes to `next()`. Mount it on the app, before `authenticate()`: the document is public. Bad
 * options throw a `TypeError` here, at startup: a `resource` not in canonical form, an
 * `authenticator` whose `jwt()` audience does not include `resource`, or whose
 * `resourceMetadata` is not this document's URL.
 *
 * @example
 * ```ts
 * import { authenticate, protectedResource, requireToolScopes } from '@portcullis/hono';
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
 * app.post('/mcp', authenticate(authenticator), requireToolScopes({ tools }), mcpHandler);
 * ```
 */
export function protectedResource(options: ProtectedResourceOptions): MiddlewareHandler {
  const served = protectedResourceMetadata('protectedResource()', options);
  // `c.req.path` is percent-decoded: match a resource path with escapes in either form.
  const paths = new Set([...served.paths, ...served.paths.map(decodePath)]);
  const headers = { ...served.headers };
  return async function portcullisProtectedResource(c, next) {
    if (!paths.has(c.req.path)) return next();
    const method = c.req.method;
    // Hono routes a HEAD request as a GET; `c.req.method` stays HEAD.
    if (method === 'GET') return c.body(served.body, 200, headers);
    if (method === 'HEAD') return c.body(null, 200, headers);
    if (method === 'OPTIONS') {
      const requested = c.req.header('access-control-request-headers');
      return c.body(null, 204, served.preflight(requested));
    }
    return next();
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
 * the guard reads only the headers. Failures are answered the same way as the `authenticate()`
 * before it (an `HTTPException` by default). Bad options throw a `TypeError` here, at startup.
 *
 * @example
 * ```ts
 * app.post(
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
export function requireToolScopes(options: ToolScopesOptions): MiddlewareHandler {
  const check = toolScopeGuard('requireToolScopes()', options);
  return async function portcullisRequireToolScopes(c, next) {
    const remembered = recallAuth(c);
    const err = check(remembered, c.req.method, requestView(c));
    if (err !== undefined) return answer(c, err, remembered?.errors ?? 'throw');
    await next();
  };
}
