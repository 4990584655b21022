// The client side of the MCP example: a token from the examples' token endpoint, and the SDK's own
// Client on its Streamable HTTP transport.

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/**
 * A fetch that adds `Mcp-Method` and, for `tools/call`, `Mcp-Name` from the JSON-RPC body of
 * each POST, as an MCP 2026-07-28 client sends them. The SDK's client (1.32.2, protocol
 * 2025-11-25) does not yet; requireToolScopes() needs them to know which tool is called.
 *
 * @example
 * new StreamableHTTPClientTransport(url, { fetch: withMcpHeaders() });
 */
export function withMcpHeaders(fetchFn = fetch) {
  return (input, init = {}) => {
    let message;
    try {
      message = init.method === 'POST' ? JSON.parse(init.body) : undefined;
    } catch {
      message = undefined;
    }
    if (typeof message?.method !== 'string') return fetchFn(input, init);
    const headers = new Headers(init.headers);
    headers.set('mcp-method', message.method);
    if (message.method === 'tools/call') headers.set('mcp-name', String(message.params?.name));
    return fetchFn(input, { ...init, headers });
  };
}

/**
 * A token by client credentials from `<baseUrl>/oauth/token`; `fields` adds `scope` or `resource`
 * (RFC 8707: the MCP server's URL, the token's audience). Resolves to the access token.
 *
 * @example
 * const token = await getToken(url, client, { scope: 'billing:read', resource });
 */
export async function getToken(baseUrl, { clientId, clientSecret }, fields = {}) {
  const res = await fetch(new URL('/oauth/token', baseUrl), {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...fields }).toString(),
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`token endpoint: ${res.status} ${body.error}`);
  return body.access_token;
}

/**
 * Connect the SDK's Client to the MCP server at `resource`, with `token` as its bearer token
 * (none: anonymous) and `fetchFn` under the `Mcp-*` headers (to watch the responses).
 *
 * @example
 * const client = await connect(resource, token);
 * await client.callTool({ name: 'list_invoices', arguments: {} });
 */
export async function connect(resource, token, fetchFn = fetch) {
  const client = new Client({ name: 'portcullis-example-agent', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(resource), {
    fetch: withMcpHeaders(fetchFn),
    requestInit:
      token === undefined ? undefined : { headers: { authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return client;
}
