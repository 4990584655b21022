import type { ProtectedResourceOptions, ToolScopesOptions } from '@portcullis/core';
import {
  fromNodeRequest,
  protectedResourceMetadata,
  recallAuth,
  toolScopeGuard,
} from '@portcullis/core/adapter';
import { answer } from './answer.js';
import type { PortcullisHook } from './types.js';

/**
 * An `onRequest` hook that serves this API's OAuth protected resource metadata (RFC 9728), which
 * MCP clients and other OAuth clients read to find the authorization server: `GET` and `HEAD` on
 * its well-known paths (`/.well-known/oauth-protected-resource/<resource path>`, then
 * `/.well-known/oauth-protected-resource`) answer the JSON document, cacheable and open to every
 * origin; an `OPTIONS` preflight there is answered 204 with CORS headers. Every other request
 * goes on. Add it on the root instance, before `authenticate()` (the document is public): a hook
 * there runs for every request, those no route matches included, so no route is needed, and
 * the paths are matched on the whole target as received, whatever prefix, `exposeHeadRoutes` or
 * CORS plugin the app has. Bad options throw a `TypeError` here, at startup: a `resource` not in
 * canonical form, an `authenticator` whose `jwt()` audience does not include `resource`, or
 * whose `resourceMetadata` is not this document's URL.
 *
 * @example
 * ```ts
 * import { authenticate, protectedResource, requireToolScopes } from '@portcullis/fastify';
 *
 * const authenticator = createAuthenticator({
 *   methods: [
 *     jwt({ algorithms: ['RS256'], issuer, jwks, audience: 'https://mcp.example.com/mcp' }),
 *   ],
 *   resourceMetadata: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
 * });
 * app.addHook('onRequest', protectedResource({
 *   resource: 'https://mcp.example.com/mcp',
 *   authorizationServers: [issuer],
 *   scopesSupported: ['files:read', 'files:write'],
 *   authenticator,
 * }));
 * app.post('/mcp', {
 *   onRequest: authenticate(authenticator),
 *   preHandler: requireToolScopes({ tools }),
 * }, mcpHandler);
 * ```
 */
export function protectedResource(options: ProtectedResourceOptions): PortcullisHook {
  const served = protectedResourceMetadata('protectedResource()', options);
  const paths = new Set(served.paths);
  // A Buffer, so Fastify sends the content type as it is (a JSON string would gain a charset).
  const body = Buffer.from(served.body);
  const headers = { ...served.headers, 'content-length': String(body.length) };
  return function portcullisProtectedResource(request, reply, done) {
    const raw = request.raw as { url?: string; originalUrl?: string };
    const url = raw.originalUrl ?? raw.url ?? '';
    const query = url.indexOf('?');
    if (!paths.has(query === -1 ? url : url.slice(0, query))) {
      done();
      return;
    }
    const method = request.method;
    if (method === 'GET') {
      reply.code(200).headers(headers).send(body);
    } else if (method === 'HEAD') {
      // No payload: Fastify keeps a HEAD answer's own Content-Length.
      reply.code(200).headers(headers).send();
    } else if (method === 'OPTIONS') {
      const requested = request.headers['access-control-request-headers'];
      reply.code(204).headers(served.preflight(requested)).send();
    } else {
      done();
    }
  };
}

/**
 * A `preHandler` hook with per-tool scopes for an MCP server on the Streamable HTTP transport:
 * add it after `authenticate()`, like `requireScope()`. A `POST` must name its JSON-RPC method in
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
 * app.post('/mcp', {
 *   onRequest: authenticate(authenticator),
 *   preHandler: requireToolScopes({
 *     tools: { read_file: ['files:read'], write_file: ['files:write'] },
 *     methods: { 'resources/read': ['files:read'] },
 *   }),
 * }, mcpHandler);
 * ```
 */
export function requireToolScopes(options: ToolScopesOptions): PortcullisHook {
  const check = toolScopeGuard('requireToolScopes()', options);
  return function portcullisRequireToolScopes(request, reply, done) {
    const remembered = recallAuth(request);
    const err = check(remembered, request.method, fromNodeRequest(request.raw));
    if (err === undefined) done();
    else answer(err, reply, done, remembered?.errors ?? 'respond');
  };
}
