import { discoverOAuthProtectedResourceMetadata } from '@modelcontextprotocol/sdk/client/auth.js';
import { connect, getToken } from './client.js';

/**
 * The MCP tour of `pnpm demo --check`: the SDK's client against the MCP example (mcp/server.js),
 * one row a step as runTour() makes them. `client` may have billing:read and billing:write.
 *
 * @example
 * const rows = await runMcpTour({ url, resource, client });
 */
export async function runMcpTour({ url, resource, client }) {
  const rows = [];
  const opened = [];
  // Run `fn`; its answer is `got` (a status, or what it found), or the status of the error.
  async function step(name, request, expected, fn) {
    let got;
    try {
      got = String(await fn());
    } catch (err) {
      got = err?.code !== undefined ? String(err.code) : `error: ${err?.message ?? err}`;
    }
    rows.push({ name, request, expected, got, ok: got === expected });
  }
  const session = async (token, fetchFn) => {
    const c = await connect(resource, token, fetchFn);
    opened.push(c);
    return c;
  };
  const call = (c, name, args = {}) =>
    c.callTool({ name, arguments: args }).then((r) => (r.isError ? 'tool error' : 200));

  try {
    await step('metadata (RFC 9728)', 'GET /.well-known/…/mcp', 'auth.example.test', async () => {
      const metadata = await discoverOAuthProtectedResourceMetadata(new URL(resource));
      return new URL(metadata.authorization_servers[0]).host;
    });
    const read = await getToken(url, client, { scope: 'billing:read', resource });
    await step('MCP token billing:read', 'tools/call list_invoices', '200', async () =>
      call(await session(read), 'list_invoices'),
    );
    await step('MCP, billing:write missing', 'tools/call create_invoice', '403', async () =>
      call(await session(read), 'create_invoice', { customer: 'acme', amount_cents: 1 }),
    );
    const write = await getToken(url, client, { scope: 'billing:write', resource });
    await step('MCP token billing:write', 'tools/call create_invoice', '200', async () =>
      call(await session(write), 'create_invoice', { customer: 'acme', amount_cents: 4200 }),
    );
    const api = await getToken(url, client, { scope: 'billing:read' });
    await step('MCP, token for the API', 'initialize', '401', async () => {
      await session(api);
      return 200;
    });
    await step('Mcp-Name ≠ body', 'tools/call create_invoice', '400', async () => {
      const lying = (input, init) => {
        const headers = new Headers(init.headers);
        if (headers.get('mcp-name')) headers.set('mcp-name', 'list_invoices');
        return fetch(input, { ...init, headers });
      };
      return call(await session(read, lying), 'create_invoice', {
        customer: 'mallory',
        amount_cents: 1,
      });
    });
  } finally {
    await Promise.all(opened.map((c) => c.close()));
  }
  return rows;
}
