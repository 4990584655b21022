import { createServer, type RequestListener, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Request headers as pairs, so a name can repeat (sent as separate lines or appended). */
export type HeaderPairs = ReadonlyArray<readonly [string, string]>;

/** Request headers as pairs or as a record. */
export type RequestHeaders = HeaderPairs | Readonly<Record<string, string>>;

/** What an app answered. `status` is -1 when the HTTP client refused to send the request. */
export interface Answer {
  status: number;
  /** Lowercase names; a repeated header's values joined with `, `. */
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, or `undefined`. */
  json: unknown;
  /** Why the client refused (a header value HTTP cannot carry), when `status` is -1. */
  refused?: string;
}

/** A running app under test. */
export interface Target {
  /** `GET path` with these headers. */
  get(path: string, headers?: RequestHeaders): Promise<Answer>;
  /** `method path` with these headers and no body (`HEAD`, `OPTIONS`, a bodiless `POST`). */
  request(method: string, path: string, headers?: RequestHeaders): Promise<Answer>;
  close(): Promise<void>;
}

const pairsOf = (headers: RequestHeaders | undefined): HeaderPairs =>
  headers === undefined ? [] : Array.isArray(headers) ? headers : Object.entries(headers);

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

// Errors by which an HTTP client refuses to send a header value HTTP cannot carry.
const CLIENT_REFUSALS = new Set([
  'ERR_INVALID_CHAR',
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_INVALID_HTTP_TOKEN',
]);

/** The answer for a request the client would not send; anything else is a real failure. */
function refusal(err: unknown): Answer {
  const code = (err as { code?: unknown } | null)?.code;
  const refused =
    (typeof code === 'string' && CLIENT_REFUSALS.has(code)) || err instanceof TypeError;
  if (!refused) throw err;
  return {
    status: -1,
    headers: {},
    body: '',
    json: undefined,
    refused: String(code ?? 'TypeError'),
  };
}

// Node refuses request headers above 16 KiB with 431 before any app runs; oversized-credential
// tests must reach the middleware, so the test servers accept up to 1 MiB of headers.
const MAX_HEADER_SIZE = 1024 * 1024;

/**
 * Serve a Node request listener on 127.0.0.1 (an unref'd server, so a forgotten `close()` never
 * keeps a worker alive) and send real requests to it, one connection each, repeated headers kept
 * as separate lines.
 *
 * @example
 * ```ts
 * const target = await listen(app.callback());
 * const answer = await target.get('/me', [['authorization', 'Bearer a'], ['authorization', 'Bearer b']]);
 * ```
 */
export async function listen(listener: RequestListener): Promise<Target> {
  const server = createServer({ maxHeaderSize: MAX_HEADER_SIZE }, listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  const send = (method: string, path: string, headers?: RequestHeaders) =>
    new Promise<Answer>((resolve, reject) => {
      // Header names are case-insensitive: `X-Api-Key` and `x-api-key` are one header, sent twice.
      const grouped: Record<string, string | string[]> = {};
      for (const [name, value] of pairsOf(headers)) {
        const lower = name.toLowerCase();
        const sent = grouped[lower];
        // A header sent once goes as a string: Node refuses an array for `Host`.
        grouped[lower] =
          sent === undefined ? value : [...(Array.isArray(sent) ? sent : [sent]), value];
      }
      const onResponse = (res: import('node:http').IncomingMessage) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('error', reject);
        res.on('end', () => {
          const flat: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: res.statusCode ?? 0, headers: flat, body, json: parse(body) });
        });
      };
      try {
        const req = request(
          { host: '127.0.0.1', port, method, path, headers: grouped, agent: false },
          onResponse,
        );
        req.on('error', reject);
        req.end();
      } catch (err) {
        resolve(refusal(err));
      }
    });
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { get: (path, headers) => send('GET', path, headers), request: send, close };
}

/** Anything with Hono's `app.request()`. */
export interface InMemoryApp {
  request(input: string, init: RequestInit): Response | Promise<Response>;
}

/**
 * Drive a Fetch-based app in memory through `app.request()`: repeated headers are appended to one
 * Fetch `Headers`, which joins them with `, ` as every Fetch runtime does.
 *
 * @example
 * ```ts
 * const target = inMemory(honoApp);
 * ```
 */
export function inMemory(app: InMemoryApp): Target {
  const send = async (method: string, path: string, headers?: RequestHeaders) => {
    let init: Headers;
    try {
      init = new Headers();
      for (const [name, value] of pairsOf(headers)) init.append(name, value);
    } catch (err) {
      return refusal(err);
    }
    const res = await app.request(`http://localhost${path}`, { method, headers: init });
    const body = await res.text();
    return {
      status: res.status,
      headers: Object.fromEntries(res.headers.entries()),
      body,
      json: parse(body),
    };
  };
  return {
    get: (path, headers) => send('GET', path, headers),
    request: send,
    close: async () => {},
  };
}

/**
 * Serve a Node request listener, send one `GET`, and close it: for a test that needs one answer.
 *
 * @example
 * ```ts
 * const answer = await getOnce(app, '/me', { 'x-api-key': 'fk_admin' });
 * ```
 */
export function getOnce(
  listener: RequestListener,
  path: string,
  headers?: RequestHeaders,
): Promise<Answer> {
  return requestOnce(listener, 'GET', path, headers);
}

/**
 * Serve a Node request listener, send one bodiless request, and close it.
 *
 * @example
 * ```ts
 * const answer = await requestOnce(app, 'POST', '/mcp', { 'mcp-method': 'tools/list' });
 * ```
 */
export async function requestOnce(
  listener: RequestListener,
  method: string,
  path: string,
  headers?: RequestHeaders,
): Promise<Answer> {
  const target = await listen(listener);
  try {
    return await target.request(method, path, headers);
  } finally {
    await target.close();
  }
}
