// Fetching a remote JWKS: one GET with a timeout (also for a fetch that ignores its signal), no
// redirect followed and a size cap, answering the `keys` array or throwing a `FetchFailed` that
// says why, as the audit reason of the 503 it leads to.
//
// Redirects: the request asks for `redirect: 'manual'` (Cloudflare Workers refuses `'error'`), and
// any answer but 200, a 3xx or an opaque redirect (status 0) included, is a failure.

import type { JwtFailureReason } from '../audit-reasons.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Why a fetch of the key set failed: the audit reason of the 503 it leads to.
 *
 * @example
 * ```ts
 * const reason: JwksFailure = 'jwks_timeout';
 * ```
 */
export type JwksFailure = Extract<JwtFailureReason, `jwks_${string}`>;

/**
 * A failed fetch: its audit reason and the underlying error (kept as the 503's `cause`).
 *
 * @example
 * ```ts
 * throw new FetchFailed('jwks_http_status', new Error('the key set answered HTTP 404'));
 * ```
 */
export class FetchFailed {
  constructor(
    readonly reason: JwksFailure,
    readonly error: unknown,
  ) {}
}

const timedOut = (err: unknown): boolean =>
  (err as { name?: unknown } | null)?.name === 'TimeoutError';

/** Run one step of a fetch, filing what it throws under `reason` (or `jwks_timeout`). */
async function step<T>(reason: JwksFailure, run: () => Promise<T> | T): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw err instanceof FetchFailed
      ? err
      : new FetchFailed(timedOut(err) ? 'jwks_timeout' : reason, err);
  }
}

/** Read a response body, refusing more than `maxBytes`. */
async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new FetchFailed('jwks_invalid', new Error('the key set is too large'));
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
      throw new FetchFailed('jwks_invalid', new Error('the key set is too large'));
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

async function download(url: URL, settings: FetchSettings): Promise<unknown[]> {
  const { timeout, maxBytes, headers } = settings;
  const fetchImpl = settings.fetch ?? globalThis.fetch;
  const response = await step('jwks_unreachable', () =>
    fetchImpl(url, {
      signal: AbortSignal.timeout(timeout),
      redirect: 'manual',
      headers: { accept: 'application/json', ...headers },
    }),
  );
  if (response.status !== 200 || response.type === 'opaqueredirect') {
    await response.body?.cancel().catch(() => {});
    const what = response.status === 0 ? 'an opaque redirect' : `HTTP ${response.status}`;
    throw new FetchFailed('jwks_http_status', new Error(`the key set answered ${what}`));
  }
  const bytes = await step('jwks_unreachable', () => readCapped(response, maxBytes));
  return step('jwks_invalid', () => {
    const body = JSON.parse(utf8.decode(bytes)) as unknown;
    const keys = (body as { keys?: unknown } | null)?.keys;
    if (typeof body !== 'object' || body === null || !Array.isArray(keys)) {
      throw new Error('the key set is not a JSON object with a `keys` array');
    }
    return keys as unknown[];
  });
}

/**
 * Fetch a JWKS and answer its `keys` array; throw a {@link FetchFailed} otherwise. The fetch's own
 * signal bounds a standard fetch; a timer bounds one that ignores its signal too.
 *
 * @example
 * ```ts
 * const keys = await fetchJwks(new URL('https://id.example.com/jwks'), settings);
 * ```
 */
export async function fetchJwks(url: URL, settings: FetchSettings): Promise<unknown[]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new FetchFailed('jwks_timeout', new Error('the key set fetch timed out'))),
      settings.timeout + 50,
    );
  });
  try {
    return await Promise.race([download(url, settings), late]);
  } finally {
    clearTimeout(timer);
  }
}
