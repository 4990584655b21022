// A remote key set: fetched with a timeout, no redirects and a size cap; one fetch in flight
// however many requests wait; kept fresh for `cacheMaxAge` and served stale while refetches fail;
// an unknown `kid` refetches at most once per `cooldown`.
import { type AuthError, AuthErrorCodes, invalidToken, unavailable } from '../errors.js';
import { withDetail } from '../lib/detail.js';
import type { Algorithm } from './algorithms.js';
import type { JwtCrypto, SignatureCheck } from './crypto-api.js';
import { KeySet } from './key-set.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Read a response body, refusing more than `maxBytes`. */
async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new Error('the key set is too large');
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
      throw new Error('the key set is too large');
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

/** Options after validation. */
export interface RemoteSettings {
  timeout: number;
  cooldown: number;
  cacheMaxAge: number;
  maxBytes: number;
  headers: Record<string, string>;
  fetch: typeof fetch | undefined;
}

/**
 * The key source of a remote JWKS.
 *
 * @example
 * ```ts
 * const remote = new RemoteKeySet(new URL('https://id.example.com/jwks'), ['RS256'], impl, settings);
 * const check = await remote.select('RS256', kid, Date.now(), 'api');
 * ```
 */
export class RemoteKeySet {
  #set: KeySet | undefined;
  #fetchedAt = 0;
  #failedAt: number | undefined;
  #kidRefetchAt: number | undefined;
  #pending: Promise<void> | undefined;
  #lastError: unknown;
  /** Fetches started, for tests and diagnostics. */
  fetches = 0;

  constructor(
    readonly url: URL,
    readonly algorithms: readonly Algorithm[],
    readonly impl: JwtCrypto,
    readonly settings: RemoteSettings,
  ) {}

  async #download(): Promise<KeySet> {
    const { timeout, maxBytes, headers } = this.settings;
    const fetchImpl = this.settings.fetch ?? globalThis.fetch;
    const response = await fetchImpl(this.url, {
      signal: AbortSignal.timeout(timeout),
      redirect: 'error',
      headers: { accept: 'application/json', ...headers },
    });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {});
      throw new Error(`the key set answered HTTP ${response.status}`);
    }
    const body = JSON.parse(utf8.decode(await readCapped(response, maxBytes))) as unknown;
    const keys = (body as { keys?: unknown } | null)?.keys;
    if (typeof body !== 'object' || body === null || !Array.isArray(keys)) {
      throw new Error('the key set is not a JSON object with a `keys` array');
    }
    return KeySet.from(keys, this.algorithms, this.impl);
  }

  // The fetch's own signal bounds a standard fetch; this bounds one that ignores its signal too.
  async #bounded(): Promise<KeySet> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('the key set fetch timed out')),
        this.settings.timeout + 50,
      );
    });
    try {
      return await Promise.race([this.#download(), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Fetch once, however many callers wait; never rejects. */
  refresh(now: number): Promise<void> {
    if (this.#pending !== undefined) return this.#pending;
    this.fetches++;
    this.#pending = this.#bounded().then(
      (set) => {
        this.#set = set;
        this.#fetchedAt = now;
        this.#failedAt = undefined;
        this.#pending = undefined;
      },
      (err: unknown) => {
        this.#failedAt = now;
        this.#lastError = err;
        this.#pending = undefined;
      },
    );
    return this.#pending;
  }

  /** The check for a token's `alg` and `kid`, fetching when needed. Throws an `AuthError`. */
  select(
    alg: Algorithm,
    kid: string | undefined,
    now: number,
    realm: string,
  ): SignatureCheck | Promise<SignatureCheck> {
    const { cacheMaxAge, cooldown } = this.settings;
    const set = this.#set;
    if (set !== undefined && now - this.#fetchedAt < cacheMaxAge) {
      const found = set.select(alg, kid);
      if (typeof found === 'function') return found;
      if (found === 'none' && kid !== undefined && this.#pending === undefined) {
        if (this.#kidRefetchAt === undefined || now - this.#kidRefetchAt >= cooldown) {
          this.#kidRefetchAt = now;
          return this.refresh(now).then(() => this.#after(alg, kid, realm));
        }
      }
      if (this.#pending !== undefined)
        return this.#pending.then(() => this.#after(alg, kid, realm));
      return this.#after(alg, kid, realm);
    }
    // Stale or never loaded: refetch, unless the last attempt failed within the cooldown.
    if (
      this.#pending !== undefined ||
      this.#failedAt === undefined ||
      now - this.#failedAt >= cooldown
    ) {
      return this.refresh(now).then(() => this.#after(alg, kid, realm));
    }
    return this.#after(alg, kid, realm);
  }

  #after(alg: Algorithm, kid: string | undefined, realm: string): SignatureCheck {
    const found = this.#set?.select(alg, kid) ?? 'none';
    if (typeof found === 'function') return found;
    if (this.#failedAt !== undefined) {
      throw withDetail(unavailable(AuthErrorCodes.JWKS_UNAVAILABLE, this.#lastError), {
        reason: 'jwks_fetch_failed',
      });
    }
    throw noMatchingKey(found === 'ambiguous' ? 'ambiguous_key' : 'unknown_kid', realm);
  }
}

/**
 * A 401 `ERR_JWT_NO_MATCHING_KEY` with an audit reason.
 *
 * @example
 * ```ts
 * throw noMatchingKey('unknown_kid', realm);
 * ```
 */
export function noMatchingKey(reason: string, realm: string): AuthError {
  return withDetail(
    invalidToken(AuthErrorCodes.JWT_NO_MATCHING_KEY, 'No key matches the token', realm),
    { reason },
  );
}
