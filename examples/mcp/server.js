// A real MCP server behind Portcullis: the official SDK's McpServer on the Streamable HTTP
// transport (stateless), on Express, with two billing tools that need different scopes. Its
// tokens come from the examples' token endpoint with `resource` set to this server's URL.
//
//   node examples/mcp/server.js [port]

import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createAuthenticator } from '@portcullis/core';
import { authenticate, protectedResource, requireToolScopes } from '@portcullis/express';
import { toAuthInfo } from '@portcullis/mcp';
import express from 'express';
import { z } from 'zod';
import { createApi, TOO_LARGE } from '../shared/api.js';
import { createAuthServer, ISSUER } from '../shared/auth-server.js';
import { listen } from '../shared/listen.js';
import { BODY_LIMIT, readNodeBody } from '../shared/read-body.js';

/** The scopes a call of each tool needs, checked by requireToolScopes() from `Mcp-Name`. */
export const TOOL_SCOPES = {
  list_invoices: ['billing:read'],
  create_invoice: ['billing:write'],
};

/** The oldest MCP-Protocol-Version accepted: the SDK's client speaks 2025-11-25. */
const MINIMUM_PROTOCOL_VERSION = '2025-06-18';

/** A JSON-RPC error answer, as the SDK's transport sends its own. */
function rpcError(res, status, code, message, id = null) {
  res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id });
}

/**
 * requireToolScopes() decides on the `Mcp-Method` and `Mcp-Name` headers alone, before the body
 * is read. So the server must refuse a request whose body does something else: without this, a
 * token with `billing:read` could send `Mcp-Name: list_invoices` and call `create_invoice`.
 * One JSON-RPC message per POST (MCP has no batches since 2025-06-18); 400 on any mismatch.
 */
function headersMatchBody(req, res, next) {
  const message = req.body;
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    return rpcError(res, 400, -32600, 'Send one JSON-RPC message per request');
  }
  const id = message.id ?? null;
  const method = typeof message.method === 'string' ? message.method : undefined;
  if (req.get('mcp-method') !== method) {
    return rpcError(res, 400, -32600, 'Mcp-Method does not match the request body', id);
  }
  const name = req.get('mcp-name');
  const named = message.params?.name ?? message.params?.uri;
  if (method === 'tools/call' ? name !== named : name !== undefined && name !== named) {
    return rpcError(res, 400, -32600, 'Mcp-Name does not match the request body', id);
  }
  next();
}

/** The caller as the shared API handlers take it, from the SDK's AuthInfo. */
function callerOf(authInfo) {
  return {
    subject: authInfo.extra.subject,
    method: authInfo.extra.method,
    scopes: authInfo.scopes,
  };
}

/** A tool result from a shared API answer `{ status, body }`. */
function toolResult({ status, body }) {
  return { content: [{ type: 'text', text: JSON.stringify(body) }], isError: status >= 400 };
}

/** One McpServer per request (stateless): the tools, over the shared in-memory API. */
function createMcpServer(api) {
  const mcp = new McpServer({ name: 'portcullis-billing', version: '1.0.0' });
  mcp.registerTool(
    'list_invoices',
    { description: 'List the invoices. Needs billing:read.' },
    async ({ authInfo }) => toolResult(api.listInvoices(callerOf(authInfo))),
  );
  mcp.registerTool(
    'create_invoice',
    {
      description: 'Create an invoice. Needs billing:write.',
      inputSchema: { customer: z.string(), amount_cents: z.number().int() },
    },
    async (input, { authInfo }) => toolResult(api.createInvoice(callerOf(authInfo), input)),
  );
  return mcp;
}

/**
 * The MCP server's Express app: its RFC 9728 metadata, the examples' token endpoint, and
 * `POST /mcp` behind authenticate() and requireToolScopes(). `resource` is this server's URL,
 * the audience of its tokens; `server` is the examples' auth server (createAuthServer()).
 *
 * @example
 * const app = createMcpApp(createAuthServer({ resources: [resource] }), { resource });
 */
export function createMcpApp(server, { resource, onEvent }) {
  const { origin, pathname } = new URL(resource);
  const authenticator = createAuthenticator({
    realm: 'mcp',
    methods: [server.tokensFor(resource)],
    // Every 401 and 403 challenge names the metadata, so an MCP client finds the token issuer.
    resourceMetadata: `${origin}/.well-known/oauth-protected-resource${pathname}`,
    onEvent,
  });
  const api = createApi();
  const app = express();
  app.disable('x-powered-by');

  app.use(
    protectedResource({
      resource,
      authorizationServers: [ISSUER],
      scopesSupported: ['billing:read', 'billing:write'],
      resourceName: 'Portcullis billing MCP example',
      authenticator,
    }),
  );
  app.post('/oauth/token', async (req, res) => {
    const body = await readNodeBody(req);
    const { authorization, 'content-type': contentType } = req.headers;
    const answer = body === null ? TOO_LARGE : server.token({ authorization, contentType, body });
    res
      .status(answer.status)
      .set(answer.headers ?? {})
      .json(answer.body);
  });
  app.post(
    '/mcp',
    // Anyone may connect and list the tools; a bad token is still refused (401).
    authenticate(authenticator, { optional: true }),
    requireToolScopes({ tools: TOOL_SCOPES, minimumProtocolVersion: MINIMUM_PROTOCOL_VERSION }),
    express.json({ limit: BODY_LIMIT }),
    headersMatchBody,
    async (req, res) => {
      // The SDK hands `req.auth` to the tools as `extra.authInfo`, in its own AuthInfo shape.
      if (req.auth) {
        const token = /^\s*Bearer +(\S+)\s*$/i.exec(req.get('authorization'))?.[1] ?? '';
        req.auth = toAuthInfo(req.auth, { token, resource });
      }
      const mcp = createMcpServer(api);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => {
        transport.close();
        mcp.close();
      });
      await mcp.connect(transport);
      await transport.handleRequest(req, res, req.body);
    },
  );
  // Stateless: no SSE stream to GET, no session to DELETE.
  app.all('/mcp', (_req, res) => {
    res.set('allow', 'POST');
    rpcError(res, 405, -32000, 'Method not allowed');
  });
  app.use((err, _req, res, next) => {
    if (err?.type === 'entity.parse.failed') return rpcError(res, 400, -32700, 'Parse error');
    if (err?.type === 'entity.too.large') return rpcError(res, 413, -32600, 'Request too large');
    next(err);
  });
  return app;
}

/**
 * Serve the MCP example on `host:port` (port 0: a free one) with a fresh auth server whose token
 * endpoint issues tokens for it. Resolves to `{ url, resource, server, close }`; the MCP
 * endpoint is `resource` (`<url>/mcp`).
 *
 * @example
 * const { resource, server, close } = await startMcp();
 * const client = server.addClient({ name: 'agent', scopes: ['billing:read'] });
 */
export async function startMcp({ port = 0, host = '127.0.0.1', onEvent } = {}) {
  // The resource is this server's own URL, known once it listens: bind, then build the app.
  let app;
  const http = await listen((req, res) => app(req, res), port, host);
  const resource = `${http.url}/mcp`;
  const server = createAuthServer({ onEvent, resources: [resource] });
  app = createMcpApp(server, { resource, onEvent });
  return { ...http, resource, server };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url, resource, server } = await startMcp({ port: Number(process.argv[2] ?? 0) });
  const { clientId, clientSecret } = server.addClient({
    name: 'billing-agent',
    scopes: ['billing:read', 'billing:write'],
  });
  console.log(`MCP server (Streamable HTTP) at ${resource}
  metadata:      ${url}/.well-known/oauth-protected-resource/mcp
  token:         POST ${url}/oauth/token (client credentials, resource=${resource})
  client id:     ${clientId}
  client secret: ${clientSecret}
Tools: list_invoices (billing:read), create_invoice (billing:write). Ctrl-C to stop.`);
}
