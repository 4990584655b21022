// A fetch that carries credentials: the provider's headers on every request and, when the server
// refuses them with `invalid_token` (or asks for a DPoP nonce), one retry with fresh ones — only
// when the request can be sent again as it was.
import type { AuthRequest, CredentialProvider } from './provider.js';

/**
 * The fetch `authFetch()` takes and returns: the standard signature.
 *
 * @example
 * ```ts
 * const api: Fetch = authFetch(apiKeyAuth());
 * ```
 */
export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

// fetch() upper-cases these methods (Fetch standard, "normalize a method"); a DPoP proof's `htm`
// must be the method as sent.
const NORMALIZED = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
const normalizeMethod = (method: string) => {
  const upper = method.toUpperCase();
  return NORMALIZED.has(upper) ? upper : method;
};

const isRequest = (input: unknown): input is Request =>
  typeof input === 'object' &&
  input !== null &&
  !(input instanceof URL) &&
  typeof (input as Request).url === 'string' &&
  typeof (input as Request).method === 'string';

const isPlainObject = (value: object): value is Record<string, string> => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/** `base` with `extra` set over it (names compared case-insensitively). */
function merge(base: HeadersInit | undefined, extra: Record<string, string>): HeadersInit {
  if (base === undefined || base === null) return extra;
  if (isPlainObject(base)) {
    const taken = new Set(Object.keys(extra).map((name) => name.toLowerCase()));
    const out: Record<string, string> = {};
    for (const name of Object.keys(base)) {
      if (!taken.has(name.toLowerCase())) out[name] = base[name]!;
    }
    return Object.assign(out, extra);
  }
  const headers = new Headers(base);
  for (const name of Object.keys(extra)) headers.set(name, extra[name]!);
  return headers;
}

/** Whether the request's body can be sent a second time: none, or one that is not a stream. */
function replayable(input: string | URL | Request, init: RequestInit | undefined): boolean {
  const body = init?.body;
  if (body === undefined || body === null) return !isRequest(input) || input.body === null;
  return (
    typeof body === 'string' ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof URLSearchParams ||
    (typeof Blob !== 'undefined' && body instanceof Blob) ||
    (typeof FormData !== 'undefined' && body instanceof FormData)
  );
}

// An auth-param whose value is a token or a quoted string; quoted strings are matched whole, so a
// description cannot smuggle in an `error=`.
const AUTH_PARAM =
  /([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]+)|"(?:[^"\\]|\\.)*"/g;

/** The `error` values of every challenge in a `WWW-Authenticate` header. */
function challengeErrors(header: string): string[] {
  const errors: string[] = [];
  for (const [, name, value] of header.matchAll(AUTH_PARAM)) {
    if (name?.toLowerCase() === 'error' && value !== undefined) {
      errors.push(value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value);
    }
  }
  return errors;
}

/**
 * A `fetch` that attaches `provider`'s credentials to every request. When the answer is a 401
 * whose `WWW-Authenticate` says `invalid_token`, it drops the credential (`invalidate()`) and, if
 * the request's body can be sent again (none, a string, an ArrayBuffer or typed array,
 * URLSearchParams, FormData or a Blob; not a stream), retries once with a fresh one; on
 * `use_dpop_nonce` it retries once with the server's `DPoP-Nonce`. Never more than one retry, so
 * never a loop. A provider without `invalidate()` (an API key) is never retried.
 *
 * @example
 * ```ts
 * const api = authFetch(clientCredentials({ tokenEndpoint, clientId, clientSecret }));
 * const res = await api('https://api.example.com/billing/invoices', {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ amount: 42 }),
 * });
 * ```
 */
export function authFetch(provider: CredentialProvider, fetch?: Fetch): Fetch {
  if (
    typeof provider !== 'object' ||
    provider === null ||
    typeof provider.getHeaders !== 'function'
  ) {
    throw new TypeError('authFetch(): `provider` must have getHeaders(), e.g. apiKeyAuth()');
  }
  if (fetch !== undefined && typeof fetch !== 'function') {
    throw new TypeError('authFetch(): `fetch` must be a function');
  }

  return async function fetchWithAuth(input, init) {
    const request = isRequest(input) ? input : undefined;
    const authRequest: AuthRequest = {
      method: normalizeMethod(init?.method ?? request?.method ?? 'GET'),
      url: typeof input === 'string' ? input : isRequest(input) ? input.url : input.href,
    };
    const base = init?.headers ?? request?.headers;
    const send = (headers: Record<string, string>) =>
      (fetch ?? globalThis.fetch)(input, { ...init, headers: merge(base, headers) });
    const noteNonce = (response: Response) => {
      const nonce = provider.useDpopNonce && response.headers.get('dpop-nonce');
      if (nonce) provider.useDpopNonce!(authRequest.url, nonce);
      return nonce;
    };

    const headers = await provider.getHeaders(authRequest);
    const response = await send(headers);
    const nonce = noteNonce(response);
    if (response.status !== 401) return response;
    const challenge = response.headers.get('www-authenticate');
    if (challenge === null) return response;
    const errors = challengeErrors(challenge);
    if (errors.includes('use_dpop_nonce') && nonce) {
      // The proof lacked the server's nonce: the same token, a new proof with it.
    } else if (errors.includes('invalid_token') && provider.invalidate) {
      provider.invalidate(headers);
    } else {
      return response;
    }
    if (!replayable(input, init)) return response;
    await response.body?.cancel().catch(() => {});
    const retried = await send(await provider.getHeaders(authRequest));
    noteNonce(retried);
    return retried;
  };
}
