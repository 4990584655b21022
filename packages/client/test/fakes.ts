// A fake authorization server and API behind one fetch, with a fake clock: every token request and
// API call is recorded, and each test scripts the answers it needs.
import { createServer, type Server } from 'node:net';

/** What the fake token endpoint saw of one request. */
export interface TokenCall {
  url: string;
  headers: Record<string, string>;
  form: URLSearchParams;
}

/** What the fake API saw of one request. */
export interface ApiCall {
  url: string;
  method: string;
  headers: Headers;
  body: string | null;
}

export interface FakeOptions {
  /** Answer for the n-th token request (1-based); default a fresh Bearer token for 300 s. */
  token?: (n: number, call: TokenCall) => Response | Promise<Response>;
  /** Answer for an API call; default 200 `{}`. */
  api?: (call: ApiCall, n: number) => Response | Promise<Response>;
}

export const TOKEN_ENDPOINT = 'https://auth.example.test/token';
export const API = 'https://api.example.test';

/** A token response (RFC 6749 §5.1). */
export function tokenResponse(
  accessToken: string,
  { expiresIn = 300 as number | undefined, tokenType = 'Bearer', headers = {} } = {},
): Response {
  return Response.json(
    {
      access_token: accessToken,
      token_type: tokenType,
      ...(expiresIn !== undefined && { expires_in: expiresIn }),
    },
    { headers: { 'cache-control': 'no-store', ...headers } },
  );
}

/** An OAuth error response (RFC 6749 §5.2). */
export function oauthError(status: number, error: string, description?: string): Response {
  return Response.json(
    { error, ...(description !== undefined && { error_description: description }) },
    { status },
  );
}

/** A 401 with `WWW-Authenticate`. */
export function challenge(value: string, headers: Record<string, string> = {}): Response {
  return new Response('{}', { status: 401, headers: { 'www-authenticate': value, ...headers } });
}

export const tick = () => new Promise((resolve) => setImmediate(resolve));

export function fake(options: FakeOptions = {}) {
  const tokenCalls: TokenCall[] = [];
  const apiCalls: ApiCall[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const headers = Object.fromEntries(request.headers);
    if (request.url.startsWith(TOKEN_ENDPOINT)) {
      const call = { url: request.url, headers, form: new URLSearchParams(await request.text()) };
      tokenCalls.push(call);
      await tick(); // let concurrent callers pile up
      const n = tokenCalls.length;
      return options.token ? options.token(n, call) : tokenResponse(`token-${n}`);
    }
    const call = {
      url: request.url,
      method: request.method,
      headers: request.headers,
      body: request.body === null ? null : await request.text(),
    };
    apiCalls.push(call);
    await tick();
    return options.api ? options.api(call, apiCalls.length) : Response.json({});
  };
  return { fetch, tokenCalls, apiCalls };
}

/** A port on 127.0.0.1 that refuses connections (it was free a moment ago). */
export async function refusedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A fake clock, epoch milliseconds. */
export function clock(start = 1_700_000_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}
