// @portcullis/client against the examples' own API on Express and its OAuth token endpoint
// (examples/shared/token-endpoint.js): client_secret_basic and client_secret_post, scope, RFC 8707
// resource, its refusals as typed errors, and a token revoked behind the client's back.
import { apiKeyAuth, authFetch, clientCredentials, OAuthClientError } from '@portcullis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The examples are plain JavaScript: imported by URL, typed here by what this suite uses.
interface AuthServer {
  addApiKey(input: { subject: string; scopes: string[] }): string;
  addClient(input: { name: string; scopes: string[] }): { clientId: string; clientSecret: string };
  stats: { tokensIssued: number };
}
interface Examples {
  createAuthServer(options?: { resources?: string[] }): AuthServer;
  startExpress(server: AuthServer): Promise<{ url: string; close(): Promise<void> }>;
}
const examples = new URL('../../examples/', import.meta.url);
const load = async (): Promise<Examples> => ({
  ...(await import(new URL('shared/auth-server.js', examples).href)),
  ...(await import(new URL('express.js', examples).href)),
});

const MCP = 'https://mcp.example.test/mcp';
let server: AuthServer;
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  const { createAuthServer, startExpress } = await load();
  server = createAuthServer({ resources: [MCP] });
  ({ url, close } = await startExpress(server));
});
afterAll(() => close?.());

const client = (scopes = ['billing:read', 'billing:write']) =>
  server.addClient({ name: 'billing-agent', scopes });

describe("@portcullis/client with the examples' token endpoint", () => {
  it('client_secret_basic with a scope: one token for many calls', async () => {
    const before = server.stats.tokensIssued;
    const api = authFetch(
      clientCredentials({
        tokenEndpoint: `${url}/oauth/token`,
        ...client(),
        scope: 'billing:read',
      }),
    );
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => api(`${url}/billing/invoices`)),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(server.stats.tokensIssued - before).toBe(1);
    // billing:read only: writing is refused with 403, and not retried.
    const write = await api(`${url}/billing/invoices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 1 }),
    });
    expect(write.status).toBe(403);
    expect(server.stats.tokensIssued - before).toBe(1);
  });

  it('client_secret_post, both scopes', async () => {
    const api = authFetch(
      clientCredentials({
        tokenEndpoint: `${url}/oauth/token`,
        ...client(),
        authMethod: 'client_secret_post',
        scope: ['billing:read', 'billing:write'],
      }),
    );
    const res = await api(`${url}/billing/invoices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amount_cents: 4200, customer: 'acme' }),
    });
    expect(res.status).toBe(201);
  });

  it('a token for another resource (RFC 8707) is refused by the API', async () => {
    const provider = clientCredentials({
      tokenEndpoint: `${url}/oauth/token`,
      ...client(),
      resource: MCP,
    });
    const res = await authFetch(provider)(`${url}/billing/invoices`);
    // Refused as invalid_token: dropped, one more token (for the same resource), refused again.
    expect(res.status).toBe(401);
    const claims = JSON.parse(atob((await provider.getAccessToken()).split('.')[1]!));
    expect(claims.aud).toBe(MCP);
  });

  it('refusals are typed: invalid_client, invalid_scope, invalid_target', async () => {
    const { clientId, clientSecret } = client(['billing:read']);
    const tokenEndpoint = `${url}/oauth/token`;
    const cases = [
      [{ clientId, clientSecret: `${clientSecret}x` }, 'invalid_client', 401],
      [{ clientId, clientSecret, scope: 'billing:write' }, 'invalid_scope', 400],
      [{ clientId, clientSecret, resource: 'https://elsewhere.test' }, 'invalid_target', 400],
    ] as const;
    for (const [options, code, status] of cases) {
      const err = await clientCredentials({ tokenEndpoint, ...options })
        .getHeaders()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OAuthClientError);
      expect(err).toMatchObject({ code, status });
      expect((err as Error).message).not.toContain(clientSecret);
    }
  });

  it('a token revoked behind its back: one 401, one more token, the call succeeds', async () => {
    const credentials = client();
    const provider = clientCredentials({ tokenEndpoint: `${url}/oauth/token`, ...credentials });
    const api = authFetch(provider);
    expect((await api(`${url}/billing/invoices`)).status).toBe(200);
    const before = server.stats.tokensIssued;
    const basic = btoa(`${credentials.clientId}:${credentials.clientSecret}`);
    const revoked = await fetch(`${url}/oauth/revoke`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: await provider.getAccessToken() }),
    });
    expect(revoked.status).toBe(200);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => api(`${url}/billing/invoices`)),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(server.stats.tokensIssued - before).toBe(1);
  });

  it('an API key, as Bearer and as x-api-key', async () => {
    const key = server.addApiKey({ subject: 'support-bot', scopes: ['conversations:read'] });
    for (const header of ['authorization', 'x-api-key'] as const) {
      const res = await authFetch(apiKeyAuth(key, { header }))(`${url}/conversations`);
      expect(res.status).toBe(200);
    }
  });
});
