// The MCP example (mcp/server.js) driven by the MCP SDK's own client, under node:test.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  discoverOAuthProtectedResourceMetadata,
  extractWWWAuthenticateParams,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { connect, getToken, withMcpHeaders } from '../mcp/client.js';
import { startMcp } from '../mcp/server.js';
import { ISSUER } from '../shared/auth-server.js';

let mcp;
let agent;
const clients = [];

before(async () => {
  mcp = await startMcp();
  agent = mcp.server.addClient({
    name: 'billing-agent',
    scopes: ['billing:read', 'billing:write'],
  });
});

after(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await mcp.close();
});

/** A fetch that keeps every response, to read the challenge the SDK's client does not expose. */
function recording() {
  const responses = [];
  const fetchFn = async (input, init) => {
    const res = await fetch(input, init);
    responses.push(res);
    return res;
  };
  return { fetchFn, last: () => responses.at(-1) };
}

async function connected(token, fetchFn) {
  const client = await connect(mcp.resource, token, fetchFn);
  clients.push(client);
  return client;
}

/** The token endpoint's token for the MCP server (its `resource`), narrowed to `scope`. */
const tokenFor = (scope) => getToken(mcp.url, agent, { scope, resource: mcp.resource });

const text = (result) => JSON.parse(result.content[0].text);

/** A raw JSON-RPC POST to the MCP endpoint, as a 2026-07-28 client would send it. */
function post(message, headers = {}) {
  return fetch(mcp.resource, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-11-25',
      ...headers,
    },
    body: JSON.stringify(message),
  });
}

const callTool = (name, args = {}) => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name, arguments: args },
});

describe('MCP example: an SDK client against the server behind Portcullis', () => {
  it('unauthenticated: 401 naming the metadata, which the SDK discovers with its issuer', async () => {
    const res = await post(callTool('list_invoices'), {
      'mcp-method': 'tools/call',
      'mcp-name': 'list_invoices',
    });
    assert.equal(res.status, 401);
    const challenge = res.headers.get('www-authenticate');
    const metadataUrl = `${mcp.url}/.well-known/oauth-protected-resource/mcp`;
    assert.match(challenge, /^Bearer realm="mcp"/);
    assert.ok(challenge.includes(`resource_metadata="${metadataUrl}"`), challenge);
    assert.ok(challenge.includes('scope="billing:read"'), challenge);

    const { resourceMetadataUrl } = extractWWWAuthenticateParams(res);
    assert.equal(resourceMetadataUrl.href, metadataUrl);
    const fromChallenge = await discoverOAuthProtectedResourceMetadata(new URL(mcp.resource), {
      resourceMetadataUrl,
    });
    // Without the challenge, the SDK finds it at the well-known path of the resource URL.
    const fromWellKnown = await discoverOAuthProtectedResourceMetadata(new URL(mcp.resource));
    for (const metadata of [fromChallenge, fromWellKnown]) {
      assert.equal(metadata.resource, mcp.resource);
      assert.deepEqual(metadata.authorization_servers, [ISSUER]);
      assert.deepEqual(metadata.scopes_supported, ['billing:read', 'billing:write']);
    }
  });

  it('anonymous: the SDK client connects and lists the tools, but a tool call is refused 401', async () => {
    const { fetchFn, last } = recording();
    const client = await connected(undefined, fetchFn);
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['create_invoice', 'list_invoices']);
    await assert.rejects(client.callTool({ name: 'list_invoices', arguments: {} }), (err) => {
      assert.ok(err instanceof StreamableHTTPError);
      assert.equal(err.code, 401);
      return true;
    });
    assert.ok(last().headers.get('www-authenticate').includes('resource_metadata="'));
  });

  it('a token with billing:read calls list_invoices; the tool sees the caller', async () => {
    const client = await connected(await tokenFor('billing:read'));
    const result = await client.callTool({ name: 'list_invoices', arguments: {} });
    assert.notEqual(result.isError, true);
    const body = text(result);
    assert.deepEqual(body.caller, {
      subject: agent.clientId,
      method: 'jwt',
      scopes: ['billing:read'],
    });
    assert.equal(body.invoices[0].id, 'inv_1');
  });

  it('a token with billing:write creates an invoice as its client', async () => {
    const client = await connected(await tokenFor('billing:read billing:write'));
    const result = await client.callTool({
      name: 'create_invoice',
      arguments: { customer: 'acme', amount_cents: 4200 },
    });
    assert.notEqual(result.isError, true);
    assert.equal(text(result).createdBy, agent.clientId);
    const bad = await client.callTool({
      name: 'create_invoice',
      arguments: { customer: 'a b', amount_cents: 1 },
    });
    assert.equal(bad.isError, true);
  });

  it('create_invoice without billing:write: 403 insufficient_scope naming the scope and the metadata', async () => {
    const { fetchFn, last } = recording();
    const client = await connected(await tokenFor('billing:read'), fetchFn);
    await assert.rejects(
      client.callTool({ name: 'create_invoice', arguments: { customer: 'acme', amount_cents: 1 } }),
      (err) => err instanceof StreamableHTTPError && err.code === 403,
    );
    const res = last();
    assert.equal(res.status, 403);
    const challenge = res.headers.get('www-authenticate');
    assert.ok(challenge.includes('error="insufficient_scope"'), challenge);
    assert.ok(challenge.includes('scope="billing:write"'), challenge);
    assert.ok(challenge.includes('resource_metadata="'), challenge);
    assert.equal(extractWWWAuthenticateParams(res).scope, 'billing:write');
  });

  it('a token for another resource (the API’s audience) is refused 401 invalid_token', async () => {
    const apiToken = await getToken(mcp.url, agent, { scope: 'billing:read' });
    const { fetchFn, last } = recording();
    await assert.rejects(
      connect(mcp.resource, apiToken, fetchFn),
      (err) => err instanceof StreamableHTTPError && err.code === 401,
    );
    const challenge = last().headers.get('www-authenticate');
    assert.ok(challenge.includes('error="invalid_token"'), challenge);
    assert.ok(challenge.includes('resource_metadata="'), challenge);
    // The token endpoint issues no token for a resource it does not know.
    await assert.rejects(
      getToken(mcp.url, agent, { resource: 'https://elsewhere.example.test/mcp' }),
      /400 invalid_target/,
    );
  });

  it('Mcp-Name that does not match the body: 400, and the tool does not run', async () => {
    // A token with billing:read, a header naming list_invoices, a body calling create_invoice:
    // requireToolScopes() lets it through (it reads the header); the server must refuse it.
    const lying = (input, init) => {
      const headers = new Headers(init.headers);
      if (headers.get('mcp-method') === 'tools/call') headers.set('mcp-name', 'list_invoices');
      return fetch(input, { ...init, headers });
    };
    const liar = await connected(await tokenFor('billing:read'), lying);
    await assert.rejects(
      liar.callTool({
        name: 'create_invoice',
        arguments: { customer: 'mallory', amount_cents: 1 },
      }),
      (err) => err instanceof StreamableHTTPError && err.code === 400,
    );
    const { invoices } = text(await liar.callTool({ name: 'list_invoices', arguments: {} }));
    assert.ok(!invoices.some((invoice) => invoice.customer === 'mallory'));
  });

  it('refuses headers missing, an older protocol, a mismatched Mcp-Method and a batch with 400', async () => {
    const token = await tokenFor('billing:read');
    const auth = { authorization: `Bearer ${token}` };
    const call = callTool('list_invoices');
    const named = { 'mcp-method': 'tools/call', 'mcp-name': 'list_invoices' };
    const cases = [
      [call, auth],
      [call, { ...auth, 'mcp-method': 'tools/call' }],
      [call, { ...auth, ...named, 'mcp-protocol-version': '2025-03-26' }],
      [call, { ...auth, ...named, 'mcp-method': 'tools/list' }],
      [
        { jsonrpc: '2.0', id: 2, method: 'tools/list' },
        { ...auth, ...named },
      ],
      [[call], { ...auth, ...named }],
    ];
    for (const [message, headers] of cases) {
      const res = await post(message, headers);
      assert.equal(res.status, 400, JSON.stringify({ message, headers }));
      await res.body?.cancel();
    }
    const ok = await post(call, { ...auth, ...named });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
  });

  it('withMcpHeaders() adds the headers from the body, and nothing to other requests', async () => {
    const seen = [];
    const spy = withMcpHeaders(async (_input, init) => {
      seen.push(new Headers(init?.headers));
      return new Response(null, { status: 204 });
    });
    await spy('http://x', { method: 'POST', body: JSON.stringify(callTool('list_invoices')) });
    await spy('http://x', { method: 'POST', body: '{"jsonrpc":"2.0","id":1,"result":{}}' });
    await spy('http://x', { method: 'GET' });
    assert.equal(seen[0].get('mcp-method'), 'tools/call');
    assert.equal(seen[0].get('mcp-name'), 'list_invoices');
    assert.equal(seen[1].get('mcp-method'), null);
    assert.equal(seen[2].get('mcp-method'), null);
  });
});
