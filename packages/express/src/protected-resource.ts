import type { ProtectedResourceOptions, ToolScopesOptions } from '@portcullis/core';
import {
  fromNodeRequest,
  protectedResourceMetadata,
  recallAuth,
  toolScopeGuard,
} from '@portcullis/core/adapter';
import type { RequestHandler } from 'express';
import { answer } from './answer.js';

/**
 * Serve this API's OAuth protected resource metadata (RFC 9728), which MCP clients and other
 * OAuth clients read to find the authorization server: `GET` and `HEAD` on its well-known paths
 * (`/.well-known/oauth-protected-resource/<resource path>`, then
 * `/.well-known/oauth-protected-resource`) answer the JSON document, cacheable and open to every
 * origin; an `OPTIONS` preflight there is answered 204 with CORS headers. Every other request
 * goes to `next()`. The paths are matched on the whole path (`req.originalUrl`), so mount it on
 * the app, before `authenticate()`: the document is public. Bad options throw a `TypeError`
 * here, at startup: a `resource` not in canonical form, an `authenticator` whose `jwt()`
 * audience does not include `resource`, or whose `resourceMetadata` is not this document's URL.
 *
 * @example
 * ```ts
 * import { authenticate, protectedResource, requireToolScopes } from '@portcullis/express';
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
export function protectedResource(options: ProtectedResourceOptions): RequestHandler {
  const served = protectedResourceMetadata('protectedResource()', options);
  const paths = new Set(served.paths);
  const headers = { ...served.headers, 'content-length': String(Buffer.byteLength(served.body)) };
  return function portcullisProtectedResource(req, res, next) {
    const url = req.originalUrl;
    const query = url.indexOf('?');
    if (!paths.has(query === -1 ? url : url.slice(0, query))) {
      next();
      return;
    }
    const method = req.method;
    if (method === 'GET' || method === 'HEAD') {
      res.writeHead(200, headers).end(method === 'HEAD' ? undefined : served.body);
    } else if (method === 'OPTIONS') {
      const requested = req.headers['access-control-request-headers'];
      res.writeHead(204, served.preflight(requested)).end();
    } else {
      next();
    }
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
export function requireToolScopes(options: ToolScopesOptions): RequestHandler {
  const check = toolScopeGuard('requireToolScopes()', options);
  return function portcullisRequireToolScopes(req, res, next) {
    const remembered = recallAuth(req);
    const err = check(remembered, req.method, fromNodeRequest(req));
    if (err === undefined) next();
    else answer(err, res, next, remembered?.errors ?? 'respond');
  };
}
