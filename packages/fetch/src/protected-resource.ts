import type { ProtectedResourceOptions } from '@portcullis/core';
import { decodePath, protectedResourceMetadata } from '@portcullis/core/adapter';

/** The path of a request's URL (`Request.url` is absolute and has no fragment), without parsing it. */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start === -1) return '/';
  const query = url.indexOf('?', start);
  return query === -1 ? url.slice(start) : url.slice(start, query);
}

/**
 * Serve this API's OAuth protected resource metadata (RFC 9728), which MCP clients and other
 * OAuth clients read to find the authorization server. The function it returns answers a request
 * for one of the document's well-known paths (`/.well-known/oauth-protected-resource/<resource
 * path>`, then `/.well-known/oauth-protected-resource`): `GET` and `HEAD` with the JSON document,
 * cacheable and open to every origin, an `OPTIONS` preflight with 204 and CORS headers. For any
 * other request it returns `undefined`, so your app goes on to its routes. Call it first: the
 * document is public. Bad options throw a `TypeError` here, at startup: a `resource` not in
 * canonical form, an `authenticator` whose `jwt()` audience does not include `resource`, or
 * whose `resourceMetadata` is not this document's URL.
 *
 * @example
 * ```ts
 * import { protectedResource, withAuth } from '@portcullis/fetch';
 *
 * const metadata = protectedResource({
 *   resource: 'https://mcp.example.com/mcp',
 *   authorizationServers: [issuer],
 *   scopesSupported: ['files:read', 'files:write'],
 *   authenticator,
 * });
 * const mcp = withAuth(mcpHandler, { authenticator, tools: { tools } });
 *
 * export default {
 *   fetch: (request: Request) => metadata(request) ?? mcp(request),
 * };
 * ```
 */
export function protectedResource(
  options: ProtectedResourceOptions,
): (request: Request) => Response | undefined {
  const served = protectedResourceMetadata('protectedResource()', options);
  // A path with escapes matches as sent or decoded, as on the other adapters.
  const paths = new Set([...served.paths, ...served.paths.map(decodePath)]);
  const headers = { ...served.headers };
  return function portcullisProtectedResource(request) {
    const path = pathOf(request.url);
    if (!paths.has(path) && !(path.includes('%') && paths.has(decodePath(path)))) return undefined;
    switch (request.method) {
      case 'GET':
        return new Response(served.body, { status: 200, headers });
      case 'HEAD':
        return new Response(null, { status: 200, headers });
      case 'OPTIONS': {
        const requested = request.headers.get('access-control-request-headers');
        return new Response(null, {
          status: 204,
          headers: served.preflight(requested),
        });
      }
      default:
        return undefined;
    }
  };
}
