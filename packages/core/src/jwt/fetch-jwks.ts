// Fetching a remote JSON document — a JWKS, or a discovery document (discovery.ts): one GET with a
// timeout (also for a fetch that ignores its signal), no redirect followed and a size cap,
// answering the parsed JSON object or throwing a `FetchFailed` that says why, as the audit reason
// of the 503 it leads to (`jwks_…` or `discovery_…`: which step failed).
//
// Redirects: the request asks for `redirect: 'manual'` (Cloudflare Workers refuses `'error'`), and
// any answer but 200, a 3xx or an opaque redirect (status 0) included, is a failure.

import type { JwtFailureReason } from '../audit-reasons.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Why fetching the key set, or the discovery document that names it, failed: the audit reason of
 * the 503 it leads to.
 *
 * @example
 * ```ts
 * const reason: JwksFailure = 'jwks_timeout';
 * ```
 */
export type JwksFailure = Extract<JwtFailureReason, `jwks_${string}` | `discovery_${string}`>;

/**
 * Which step of loading keys a fetch is: the key set itself, or the discovery document.
 *
 * @example
 * ```ts
 * const step: FetchStep = 'discovery';
 * ```
 */
export type FetchStep = 'jwks' | 'discovery';

/**
 * A failed fetch: its audit reason, the underlying error (kept as the 503's `cause`) and, for a
 * non-200 answer, its HTTP status.
 *
 * @example
 * ```ts
 * throw new FetchFailed('jwks_http_status', new Error('the key set answered HTTP 404'), 404);
 * ```
 */
export class FetchFailed {
  constructor(
    readonly reason: JwksFailure,
    readonly error: unknown,
    readonly status?: number,
  ) {}
}

const NAMES: Record<FetchStep, string> = {
  jwks: 'the key set',
  discovery: 'the discovery document',
};

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/**
 * Whether keys, or the document naming them, may be fetched from `url`: `https:`, or plain
 * `http:` on this machine (localhost, 127.0.0.0/8, [::1]) or when `allowHttp` says so. Keys
 * fetched in the clear can be swapped on the way.
 *
 * @example
 * ```ts
 * safeTransport(new URL('http://127.0.0.1:8080/jwks'), false); // true
 * safeTransport(new URL('http://id.example.com/jwks'), false); // false
 * ```
 */
export function safeTransport(url: URL, allowHttp: boolean): boolean {
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && (allowHttp || LOOPBACK.test(url.hostname));
}

const timedOut = (err: unknown): boolean =>
  (err as { name?: unknown } | null)?.name === 'TimeoutError';

/** Run one part of a fetch, filing what it throws under `reason` (or `<step>_timeout`). */
async function part<T>(
  step: FetchStep,
  reason: 'unreachable' | 'invalid',
  run: () => Promise<T> | T,
): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw err instanceof FetchFailed
      ? err
      : new FetchFailed(`${step}_${timedOut(err) ? 'timeout' : reason}`, err);
  }
}

/** Read a response body, refusing more than `maxBytes`. */
async function readCapped(
  response: Response,
  maxBytes: number,
  step: FetchStep,
): Promise<Uint8Array> {
  const tooLarge = () =>
    new FetchFailed(`${step}_invalid`, new Error(`${NAMES[step]} is too large`));
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

/**
 * What a fetch needs of the remote key set's options.
 *
 * @example
 * ```ts
 * const settings: FetchSettings = { timeout: 5_000, maxBytes: 512 * 1024, headers: {}, fetch: undefined };
 * ```
 */
export interface FetchSettings {
  timeout: number;
  maxBytes: number;
  headers: Record<string, string>;
  fetch: typeof fetch | undefined;
}

async function download(url: URL, settings: FetchSettings, step: FetchStep): Promise<object> {
  const { timeout, maxBytes, headers } = settings;
  const fetchImpl = settings.fetch ?? globalThis.fetch;
  const response = await part(step, 'unreachable', () =>
    fetchImpl(url, {
      signal: AbortSignal.timeout(timeout),
      redirect: 'manual',
      headers: { accept: 'application/json', ...headers },
    }),
  );
  if (response.status !== 200 || response.type === 'opaqueredirect') {
    await response.body?.cancel().catch(() => {});
    const what = response.status === 0 ? 'an opaque redirect' : `HTTP ${response.status}`;
    const error = new Error(`${NAMES[step]} answered ${what}`);
    throw new FetchFailed(`${step}_http_status`, error, response.status);
  }
  const bytes = await part(step, 'unreachable', () => readCapped(response, maxBytes, step));
  return part(step, 'invalid', () => {
    const body = JSON.parse(utf8.decode(bytes)) as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new Error(`${NAMES[step]} is not a JSON object`);
    }
    return body;
  });
}

/**
 * Fetch a JSON object (a key set, a discovery document) with the remote key set's timeout, size
 * cap and no redirects; throw a {@link FetchFailed} whose reason names `step` otherwise. The
 * fetch's own signal bounds a standard fetch; a timer bounds one that ignores its signal too.
 *
 * @example
 * ```ts
 * const metadata = await fetchJson(new URL('https://id.example.com/.well-known/openid-configuration'), settings, 'discovery');
 * ```
 */
export async function fetchJson(
  url: URL,
  settings: FetchSettings,
  step: FetchStep,
): Promise<object> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`${NAMES[step]} fetch timed out`);
      reject(new FetchFailed(`${step}_timeout`, error));
    }, settings.timeout + 50);
  });
  try {
    return await Promise.race([download(url, settings, step), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Fetch a JWKS and answer its `keys` array; throw a {@link FetchFailed} otherwise.
 *
 * @example
 * ```ts
 * const keys = await fetchJwks(new URL('https://id.example.com/jwks'), settings);
 * ```
 */
export async function fetchJwks(url: URL, settings: FetchSettings): Promise<unknown[]> {
  const body = await fetchJson(url, settings, 'jwks');
  const keys = (body as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) {
    const error = new Error('the key set is not a JSON object with a `keys` array');
    throw new FetchFailed('jwks_invalid', error);
  }
  return keys;
}
