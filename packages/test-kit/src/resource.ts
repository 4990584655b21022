import {
  type AuthEvent,
  type Authenticator,
  createAuthenticator,
  type ProtectedResourceOptions,
  type ToolScopesOptions,
} from '@portcullis/core';
import { FAKE_REALM, fakeMethod } from './fake-method.js';
import type { HeaderPairs } from './http.js';
import type { AppSpec } from './routes.js';

/** The resource the MCP fixtures protect (a path, so it has two well-known paths). */
export const MCP_RESOURCE = 'https://mcp.example.com/mcp';
/** Where its metadata is: what every challenge of {@link mcpAuthenticator} names. */
export const MCP_METADATA_URL = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
/** The paths `protectedResource()` answers on: path-inserted first, then the root one. */
export const MCP_METADATA_PATHS = [
  '/.well-known/oauth-protected-resource/mcp',
  '/.well-known/oauth-protected-resource',
] as const;
/** The MCP protocol version that sends `Mcp-Method` and `Mcp-Name`. */
export const MCP_VERSION = '2026-07-28';

/** `protectedResource()`'s options in {@link MCP_APP}, the authenticator added by the harness. */
export const MCP_RESOURCE_OPTIONS = {
  resource: MCP_RESOURCE,
  authorizationServers: ['https://auth.example.com'],
  scopesSupported: ['billing:read', 'billing:write'],
  resourceName: 'Billing MCP',
} as const satisfies Omit<ProtectedResourceOptions, 'authenticator'>;

/** The JSON document served for {@link MCP_RESOURCE_OPTIONS}. */
export const MCP_DOCUMENT = {
  resource: MCP_RESOURCE,
  authorization_servers: ['https://auth.example.com'],
  bearer_methods_supported: ['header'],
  scopes_supported: ['billing:read', 'billing:write'],
  resource_name: 'Billing MCP',
};

/**
 * Per-tool scopes over the fake keys: `pay` needs `billing:write`, `ping` nothing, any other tool
 * is refused (`otherTools` by default); `resources/read` needs `billing:read`, any other method
 * nothing.
 */
export const MCP_TOOLS: ToolScopesOptions = {
  tools: { pay: ['billing:write'], ping: [] },
  methods: { 'resources/read': ['billing:read'] },
};

/**
 * An authenticator over the fake keys that names {@link MCP_METADATA_URL} in its challenges,
 * with the scope hierarchy `':'` (`fk_billing`'s `billing` satisfies `billing:write`).
 *
 * @example
 * ```ts
 * const target = await expressTarget(express)(mcpAuthenticator(), MCP_APP);
 * ```
 */
export function mcpAuthenticator(onEvent?: (event: AuthEvent) => void): Authenticator {
  return createAuthenticator({
    methods: [fakeMethod()],
    realm: FAKE_REALM,
    resourceMetadata: MCP_METADATA_URL,
    scopeHierarchy: ':',
    ...(onEvent === undefined ? {} : { onEvent }),
  });
}

/**
 * An MCP server's routes, with `protectedResource()` on the whole app: `/mcp` (GET and POST)
 * behind `requireToolScopes(MCP_TOOLS)`; `/mcp/open`, the same on an optional route;
 * `/mcp/other`, where a tool missing from `tools` needs `billing:write`, and `/mcp/any-tool`,
 * where it needs nothing; `/mcp/unguarded`, the guard with no `authenticate()`; and `/billing`,
 * `requireScope('billing:write')`.
 */
export const MCP_APP: AppSpec = {
  protectedResource: MCP_RESOURCE_OPTIONS,
  routes: [
    { path: '/mcp', methods: ['GET', 'POST'], requireToolScopes: MCP_TOOLS },
    {
      path: '/mcp/open',
      methods: ['POST'],
      auth: { optional: true },
      requireToolScopes: MCP_TOOLS,
    },
    {
      path: '/mcp/other',
      methods: ['POST'],
      requireToolScopes: { ...MCP_TOOLS, otherTools: ['billing:write'] },
    },
    {
      path: '/mcp/any-tool',
      methods: ['POST'],
      requireToolScopes: { ...MCP_TOOLS, otherTools: [] },
    },
    { path: '/mcp/unguarded', methods: ['POST'], auth: false, requireToolScopes: MCP_TOOLS },
    { path: '/billing', requireScope: ['billing:write'] },
  ],
};

/**
 * The headers of an MCP request: `MCP-Protocol-Version` ({@link MCP_VERSION} unless given),
 * `Mcp-Method` and `Mcp-Name` when given, and an `x-api-key`.
 *
 * @example
 * ```ts
 * const headers = mcpHeaders({ key: 'fk_admin', method: 'tools/call', name: 'pay' });
 * await target.request('POST', '/mcp', headers);
 * ```
 */
export function mcpHeaders(options: {
  key?: string;
  method?: string;
  name?: string;
  version?: string;
}): HeaderPairs {
  const headers: [string, string][] = [['mcp-protocol-version', options.version ?? MCP_VERSION]];
  if (options.method !== undefined) headers.push(['mcp-method', options.method]);
  if (options.name !== undefined) headers.push(['mcp-name', options.name]);
  if (options.key !== undefined) headers.push(['x-api-key', options.key]);
  return headers;
}
