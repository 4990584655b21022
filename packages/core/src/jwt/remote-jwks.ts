// A remote key set: fetched (fetch-jwks.ts) with a timeout, no redirects and a size cap; one
// fetch in flight however many requests wait; kept fresh for `cacheMaxAge` and served stale while
// refetches fail; an unknown `kid` refetches at most once per `cooldown`. A failed fetch is
// retried after 1 s, then 2 s, 4 s, … up to `cooldown`; while no key set is loaded at all (every
// token answers 503) the wait stays at most 4 s, so service returns within about 5 s of the
// endpoint returning.
//
// The URL is fixed (`jwks`), or asked of a locator before each fetch (`discovery: true`,
// discovery.ts): a locator's failure is the fetch's failure, with the same backoff.
//
// A set built from a refetch keeps the checks of unchanged keys (key-set.ts), so the verified-token
// cache, which asks for a cached token's check again on every hit, keeps what those keys verified.
import type { Algorithm, JwtCrypto, SignatureCheck } from '../crypto/types.js';
import type { Awaitable } from '../lib/awaitable.js';
import { jwksUnavailable, noMatchingKey } from './errors.js';
import { FetchFailed, type FetchSettings, fetchJwks } from './fetch-jwks.js';
import { KeySet } from './key-set.js';

/** The first retry after a failed fetch, in ms; each further failure doubles the wait. */
const FIRST_RETRY = 1_000;
/** The longest wait between retries while no key set is loaded, in ms. */
const MAX_COLD_RETRY = 4_000;

/**
 * The remote key set's options after validation.
 *
 * @example
 * ```ts
 * const settings: RemoteSettings = { timeout: 5_000, maxBytes: 512 * 1024, headers: {}, fetch: undefined, cooldown: 30_000, cacheMaxAge: 600_000 };
 * ```
 */
export interface RemoteSettings extends FetchSettings {
  cooldown: number;
  cacheMaxAge: number;
}

/**
 * Where a remote key set is when its URL is not configured but found (discovery.ts).
 *
 * @example
 * ```ts
 * const locator: KeySetLocator = { locate: async () => new URL('https://id.example.com/jwks') };
 * ```
 */
export interface KeySetLocator {
  /**
   * The key set's URL for a fetch at `now`; `again` when the last fetch failed. Rejects with a
   * `FetchFailed` (any other rejection is filed as `jwks_unreachable`).
   */
  locate(now: number, again: boolean): Promise<URL>;
}

/**
 * The key source of a remote JWKS, at a URL or where a locator says.
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
  /** The last fetch's failure, until a fetch succeeds. */
  #failure: FetchFailed | undefined;
  /** Failed fetches since the last success. */
  #failures = 0;
  /** When a fetch may follow the last failure (0: at once). */
  #retryAt = 0;
  #kidRefetchAt: number | undefined;
  #pending: Promise<void> | undefined;
  /** Fetches started, for tests and diagnostics. */
  fetches = 0;

  constructor(
    readonly location: URL | KeySetLocator,
    readonly algorithms: readonly Algorithm[],
    readonly impl: JwtCrypto,
    readonly settings: RemoteSettings,
  ) {}

  /** Fetch once, however many callers wait; never rejects. */
  refresh(now: number): Promise<void> {
    if (this.#pending !== undefined) return this.#pending;
    this.fetches++;
    const where = this.location;
    const loading =
      where instanceof URL
        ? fetchJwks(where, this.settings)
        : where
            .locate(now, this.#failure !== undefined)
            .then((url) => fetchJwks(url, this.settings));
    this.#pending = loading
      .then((keys) => KeySet.from(keys, this.algorithms, this.impl, this.#set))
      .then(
        (set) => {
          this.#set = set;
          this.#fetchedAt = now;
          this.#failure = undefined;
          this.#failures = 0;
          this.#retryAt = 0;
          this.#pending = undefined;
        },
        (err: unknown) => {
          this.#failed(
            err instanceof FetchFailed ? err : new FetchFailed('jwks_unreachable', err),
            now,
          );
          this.#pending = undefined;
        },
      );
    return this.#pending;
  }

  /** Record a failed fetch and when the next may start: 1 s, 2 s, 4 s, … up to the cooldown. */
  #failed(failure: FetchFailed, now: number): void {
    this.#failure = failure;
    this.#failures++;
    const doubled = FIRST_RETRY * 2 ** Math.min(this.#failures - 1, 30);
    const ceiling = this.#set === undefined ? MAX_COLD_RETRY : Number.POSITIVE_INFINITY;
    this.#retryAt = now + Math.min(doubled, this.settings.cooldown, ceiling);
  }

  /** The check for a token's `alg` and `kid`, fetching when needed. Throws an `AuthError`. */
  select(
    alg: Algorithm,
    kid: string | undefined,
    now: number,
    realm: string,
  ): Awaitable<SignatureCheck> {
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
    // Stale or never loaded: refetch, unless the last attempt failed and its retry is not due.
    if (this.#pending !== undefined || now >= this.#retryAt) {
      return this.refresh(now).then(() => this.#after(alg, kid, realm));
    }
    return this.#after(alg, kid, realm);
  }

  #after(alg: Algorithm, kid: string | undefined, realm: string): SignatureCheck {
    const found = this.#set?.select(alg, kid) ?? 'none';
    if (typeof found === 'function') return found;
    const failure = this.#failure;
    if (failure !== undefined) throw jwksUnavailable(failure);
    throw noMatchingKey(found === 'ambiguous' ? 'ambiguous_key' : 'unknown_kid', realm);
  }
}
