// `jwt({ discovery: true })`: the key set's URL read from the issuer's own metadata — OpenID
// Connect Discovery 1.0 §4 (`<issuer>/.well-known/openid-configuration`) first, then RFC 8414 §3
// (`/.well-known/oauth-authorization-server` inserted before the issuer's path) when the first
// answers a 4xx. A document counts only when its `issuer` is exactly ours (OIDC §4.3, RFC 8414
// §3.3): else whoever serves a document at those paths could name their own keys. Its `jwks_uri`
// obeys the rule of a configured `jwks` URL: https, plain http only on loopback or with
// `jwksOptions.allowHttp`.
//
// The remote key set (remote-jwks.ts) asks `locate()` before each fetch of keys, so discovery
// shares its single flight and its backoff. The `jwks_uri` found is kept for `cacheMaxAge`, and
// read again once stale or after a fetch of keys failed; a document that cannot be fetched (or is
// not ours) then leaves the last good `jwks_uri` in use. With none ever found, keys cannot load
// and every token answers 503, fail closed.
import { throwOptionError } from './errors.js';
import { FetchFailed, fetchJson, safeTransport } from './fetch-jwks.js';
import type { KeySetLocator, RemoteSettings } from './remote-jwks.js';

/**
 * The two places an issuer's metadata may be: OpenID Connect Discovery's (the issuer, any trailing
 * `/` removed, + `/.well-known/openid-configuration`) and RFC 8414's (the well-known path between
 * the host and the issuer's path).
 *
 * @example
 * ```ts
 * discoveryUrls(new URL('https://as.example/tenant'));
 * // [https://as.example/tenant/.well-known/openid-configuration,
 * //  https://as.example/.well-known/oauth-authorization-server/tenant]
 * ```
 */
export function discoveryUrls(issuer: URL): readonly [URL, URL] {
  const path = issuer.pathname.replace(/\/+$/, '');
  return [
    new URL(`${issuer.origin}${path}/.well-known/openid-configuration`),
    new URL(`${issuer.origin}/.well-known/oauth-authorization-server${path}`),
  ];
}

/**
 * Check the configured `issuer` for `discovery: true` and answer it: exactly one, an https URL
 * (http on loopback, or with `allowHttp`) with no query or fragment. Throws a `TypeError`.
 *
 * @example
 * ```ts
 * const issuer = discoveryIssuer(options.issuer, false); // 'https://id.example.com'
 * ```
 */
export function discoveryIssuer(issuer: string | readonly string[], allowHttp: boolean): string {
  const list = typeof issuer === 'string' ? [issuer] : issuer;
  if (list.length !== 1) {
    throwOptionError(
      '`discovery: true` reads one issuer’s metadata, and keys belong to their issuer: give one `issuer` (one jwt() method per issuer)',
    );
  }
  const only = list[0]!;
  let url: URL;
  try {
    url = new URL(only);
  } catch {
    return throwOptionError('with `discovery: true`, `issuer` must be the issuer’s URL');
  }
  if (!safeTransport(url, allowHttp)) {
    throwOptionError(
      'with `discovery: true`, `issuer` must be an https URL (http is allowed for localhost, or with `jwksOptions.allowHttp`)',
    );
  }
  if (url.search !== '' || url.hash !== '' || only.includes('?') || only.includes('#')) {
    throwOptionError('with `discovery: true`, `issuer` must have no query or fragment');
  }
  return only;
}

const invalid = (why: string) =>
  new FetchFailed('discovery_invalid', new Error(`the discovery document ${why}`));

/** A 4xx: nothing published at this location, so the other one may serve. */
const notHere = (err: unknown) =>
  err instanceof FetchFailed && err.status !== undefined && err.status >= 400 && err.status < 500;

/**
 * Where the issuer's key set is, read from its discovery document.
 *
 * @example
 * ```ts
 * const discovery = new Discovery('https://id.example.com', settings, false);
 * const remote = new RemoteKeySet(discovery, ['RS256'], impl, settings);
 * ```
 */
export class Discovery implements KeySetLocator {
  /** The OpenID Connect location, then the RFC 8414 one. */
  readonly urls: readonly [URL, URL];
  #jwksUri: URL | undefined;
  #foundAt = 0;
  #pending: Promise<URL> | undefined;
  /** Discovery attempts started (each one or two requests), for tests and diagnostics. */
  fetches = 0;

  constructor(
    readonly issuer: string,
    readonly settings: RemoteSettings,
    readonly allowHttp: boolean,
  ) {
    this.urls = discoveryUrls(new URL(issuer));
  }

  /**
   * The `jwks_uri` to fetch keys from: the one found, while fresh and unless `again` (the last
   * fetch of keys failed); else read the document again, once however many callers wait, keeping
   * the last good `jwks_uri` when that fails. Rejects with a `FetchFailed` when none was ever found.
   */
  locate(now: number, again: boolean): Promise<URL> {
    const known = this.#jwksUri;
    if (known !== undefined && !again && now - this.#foundAt < this.settings.cacheMaxAge) {
      return Promise.resolve(known);
    }
    if (this.#pending !== undefined) return this.#pending;
    this.fetches++;
    this.#pending = this.#discover()
      .then(
        (uri) => {
          this.#jwksUri = uri;
          this.#foundAt = now;
          return uri;
        },
        (err: unknown) => {
          // Stale while failing: the last document that was ours still names the key set.
          if (this.#jwksUri !== undefined) return this.#jwksUri;
          throw err instanceof FetchFailed ? err : new FetchFailed('discovery_unreachable', err);
        },
      )
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending;
  }

  async #discover(): Promise<URL> {
    const [openid, oauth] = this.urls;
    let metadata: object;
    try {
      metadata = await fetchJson(openid, this.settings, 'discovery');
    } catch (err) {
      if (!notHere(err)) throw err;
      metadata = await fetchJson(oauth, this.settings, 'discovery');
    }
    return this.#jwksUriOf(metadata as { issuer?: unknown; jwks_uri?: unknown });
  }

  #jwksUriOf({ issuer, jwks_uri: uri }: { issuer?: unknown; jwks_uri?: unknown }): URL {
    if (issuer !== this.issuer) {
      const named = typeof issuer === 'string' ? JSON.stringify(issuer.slice(0, 200)) : 'none';
      const error = new Error(
        `the discovery document names the issuer ${named}, not ${JSON.stringify(this.issuer)}`,
      );
      throw new FetchFailed('discovery_issuer_mismatch', error);
    }
    if (typeof uri !== 'string') throw invalid('names no `jwks_uri`');
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw invalid('names a `jwks_uri` that is not a URL');
    }
    if (!safeTransport(url, this.allowHttp)) {
      throw invalid(
        'names a `jwks_uri` that is not https (http only on loopback, or with `jwksOptions.allowHttp`)',
      );
    }
    return url;
  }
}
