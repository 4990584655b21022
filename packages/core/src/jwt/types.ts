// The public types of JWT verification: the options of `jwt()` and of its remote key set, the
// method it makes, and the deny-list it may consult.
import type { ActorRule } from '../actors.js';
import type { Algorithm, JWK, KeyObject } from '../crypto/types.js';
import type { JWTPayload, Method } from '../types.js';
import type { DpopOptions } from './dpop-types.js';

/**
 * Options of the remote key set, when `jwks` is a URL or with `discovery: true` (where they also
 * apply to the discovery document). A fetch that fails (timeout, HTTP error,
 * redirect, too large, not a key set) keeps the cached keys in service; with none cached, requests
 * answer 503 `ERR_JWKS_UNAVAILABLE` (its `cause` is the underlying error; the audit reason says
 * which: `jwks_http_status`, `jwks_unreachable`, `jwks_timeout` or `jwks_invalid`). A failed fetch
 * is retried after 1 s, 2 s, 4 s, … up to `cooldown`, and at most 4 s apart while no key set is
 * loaded. Redirects are never followed.
 *
 * @example
 * ```ts
 * jwt({ ..., jwks: 'https://id.example.com/jwks.json', jwksOptions: { timeout: 2_000, cooldown: 10_000 } });
 * ```
 */
export interface JwksOptions {
  /** Milliseconds before a fetch is abandoned. Default 5,000. */
  timeout?: number;
  /** Milliseconds between refetches caused by an unknown `kid`, and the longest wait before retrying a failed fetch. Default 30,000. */
  cooldown?: number;
  /** Milliseconds a fetched key set is fresh; after that it is refetched, and served stale while the fetch fails. Default 600,000. */
  cacheMaxAge?: number;
  /** Largest key set accepted, in bytes. Default 512 KiB. */
  maxBytes?: number;
  /** Extra request headers (say, for an internal gateway). */
  headers?: Record<string, string>;
  /**
   * Accept a plain `http:` key set URL on a host other than localhost. Default `false`: keys
   * fetched in the clear can be swapped by anyone on the path.
   */
  allowHttp?: boolean;
  /** The fetch to use. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/**
 * A claim that scopes are read from: a claim name or a dotted path into an object claim.
 *
 * @example
 * ```ts
 * const roles: ScopeClaimName = 'realm_access.roles';
 * ```
 */
export type ScopeClaimName = 'scope' | 'scp' | 'permissions' | 'roles' | (string & {});

/**
 * Options of {@link jwt}. Every mistake throws a `TypeError` at construction.
 *
 * @example
 * ```ts
 * const options: JwtOptions = { algorithms: ['ES256'], issuer: 'https://id.example.com/', audience: 'api', publicKey: pem };
 * ```
 */
export interface JwtOptions {
  /** The algorithms accepted, pinned. Required; `none` is refused. */
  algorithms: readonly Algorithm[];
  /** The exact `iss` accepted (one of several). Required. */
  issuer: string | readonly string[];
  /** An audience that `aud` must contain (one of several). Required. */
  audience: string | readonly string[];
  /** HMAC secret (HS*): at least as many bytes as the hash (32 for HS256). */
  secret?: string | Uint8Array | KeyObject;
  /** A public key: PEM (SPKI or certificate), JWK, KeyObject or CryptoKey. */
  publicKey?: string | JWK | KeyObject | CryptoKey;
  /** A key set: a URL to fetch, or a local `{ keys: [...] }`. */
  jwks?: URL | string | { keys: JWK[] };
  /**
   * Find the key set through the issuer's metadata instead of `secret`, `publicKey` or `jwks`:
   * `<issuer>/.well-known/openid-configuration` (OpenID Connect Discovery), then, on a 4xx,
   * RFC 8414's `/.well-known/oauth-authorization-server` inserted before the issuer's path. The
   * document's `issuer` must equal the configured one exactly, and its `jwks_uri` is then fetched
   * like a `jwks` URL. Needs one `issuer`, an https URL (http on localhost, or with
   * `jwksOptions.allowHttp`), and no HS* algorithm. `jwksOptions` apply to both fetches; the
   * `jwks_uri` is kept for `cacheMaxAge` and read again when stale or after a failed key fetch,
   * the last good one serving while the document cannot be read. With none ever read, tokens
   * answer 503 `ERR_JWKS_UNAVAILABLE`, reason `discovery_issuer_mismatch`, `discovery_http_status`,
   * `discovery_unreachable`, `discovery_timeout` or `discovery_invalid`.
   *
   * @example
   * ```ts
   * jwt({ algorithms: ['RS256'], issuer: 'https://id.example.com', audience: 'api', discovery: true });
   * ```
   */
  discovery?: true;
  /** Remote key set tuning, when `jwks` is a URL or with `discovery`. */
  jwksOptions?: JwksOptions;
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat`. Default 5; at most 300. */
  clockTolerance?: number;
  /** Refuse tokens whose `iat` is older than this many seconds (then `iat` is required). */
  maxTokenAge?: number;
  /** Claims that must be present, besides `exp`, `iss`, `aud` and `sub`. */
  requiredClaims?: readonly string[];
  /** Required `typ` header, compared as a media type (`at+jwt` also accepts `application/at+jwt`). */
  typ?: string;
  /** Revoked token ids. With a deny-list, tokens without `jti` (or with an empty one) are refused. */
  denyList?: DenyList;
  /** An extra revocation check for custom stores; throwing answers 503. */
  isRevoked?: (jti: string, claims: JWTPayload) => boolean | Promise<boolean>;
  /**
   * Milliseconds to wait for an asynchronous `denyList.isRevoked()` or `isRevoked()` before
   * answering 503 `ERR_DENY_LIST_FAILED` (never "not revoked"). Default 5,000.
   */
  revocationTimeout?: number;
  /**
   * Where scopes come from. Default `'scope'`. A claim name or a dotted path into an object claim
   * (`'realm_access.roles'`), or several of them, whose scopes are unioned in order of first
   * appearance. A string value is space-delimited (RFC 6749 §3.3); an array of strings is taken as
   * it is (not for `scope`, which RFC 9068 makes a string). Paths follow own properties only, and a
   * top-level claim whose name is the whole dotted string (`'https://example.com/roles'`) is read
   * first. A configured claim that is absent adds nothing; one that is present but malformed (a
   * number, an array with a non-string, a path through a non-object) answers 401
   * `ERR_JWT_CLAIM_INVALID`, audit reason `scope`. Matching is exact and case-sensitive.
   *
   * @example
   * ```ts
   * jwt({ ..., scopeClaim: ['scope', 'permissions'] }); // Auth0 with RBAC
   * jwt({ ..., scopeClaim: ['scope', 'realm_access.roles'] }); // Keycloak realm roles
   * ```
   */
  scopeClaim?: ScopeClaimName | readonly ScopeClaimName[];
  /** The claim that names the tenant, if any. */
  tenantClaim?: string;
  /** The claim that names the subject. Default `sub`. */
  subjectClaim?: string;
  /**
   * Cache of verified tokens, keyed by the exact token: at most `max` tokens (default 10,000) and
   * `maxBytes` of token text (default 8 MiB). An entry is never used past the token's `exp`, nor
   * once a key set refresh dropped or changed the key that verified it. `false` turns it off.
   */
  cache?: { max?: number; maxBytes?: number } | false;
  /** Largest token accepted, in characters, checked before any parsing. Default 8,192. */
  maxTokenLength?: number;
  /** A cookie to read the token from, besides `Authorization: Bearer`. */
  cookie?: string;
  /**
   * The most actors a delegated token's chain may hold: its `act` claim (RFC 8693 §4.1) is the
   * current actor, a nested `act` a prior one, and so on. Default 5; 0 refuses every delegated
   * token. A deeper chain answers 401 `ERR_JWT_ACTOR_NOT_ALLOWED`, audit reason `actor_depth`.
   * Whatever the depth, every `act` must be an object with a non-empty string `sub` (and a
   * non-empty string `iss` when it has one), else 401 `ERR_JWT_CLAIM_INVALID`, reason `act`.
   */
  maxActorDepth?: number;
  /**
   * The actors that may act for a subject: a delegated token whose current actor (its outermost
   * `act`) is not allowed answers 401 `ERR_JWT_ACTOR_NOT_ALLOWED`, audit reason
   * `actor_not_allowed`. A list names subjects (`act.sub`) of the token's own issuer: it matches an
   * `act` without `iss`, or whose `iss` is the token's. A function `(actor) => boolean` decides
   * itself (it must return `true` or `false`; anything else, or a throw, answers 500). Prior
   * actors are never consulted. A token without `act` is not affected (to refuse every delegated
   * token, set `maxActorDepth: 0`; to require delegation on a route, use `requireActor()`). The
   * verdict is cached with the token, like every claim check: call `clearCache()` when a
   * function's answer changes.
   *
   * @example
   * ```ts
   * jwt({ ..., actors: ['agent:support-bot', 'agent:billing-bot'] });
   * jwt({ ..., actors: (actor) => actor.subject.startsWith('agent:') });
   * ```
   */
  actors?: ActorRule;
  /**
   * Accept DPoP-bound tokens (RFC 9449): `Authorization: DPoP <token>` with one `DPoP` proof
   * header, the proof checked against the request (method, `origin` + path), the token (`ath`)
   * and the token's `cnf.jkt`; each proof once, through `replay`. With `required`, a plain
   * bearer token is refused. Without `dpop`, a token with `cnf` is always refused.
   */
  dpop?: DpopOptions;
}

/**
 * The method `jwt()` returns. Verified tokens are cached (per method, by exact token string) from
 * their second sighting; a cache hit still checks the clock, the deny-list, and that the key which
 * verified the token still serves its `alg` and `kid`.
 *
 * @example
 * ```ts
 * const tokens: JwtMethod = jwt(options);
 * keys.onRotate(() => tokens.clearCache());
 * ```
 */
export interface JwtMethod extends Method {
  readonly type: 'jwt';
  /** The configured `issuer`, as a list: a token whose `iss` is one of them is this method's. */
  readonly issuers: readonly string[];
  /** The configured `audience`, as a list: a token's `aud` must contain one of them. */
  readonly audiences: readonly string[];
  /** Forget every cached verification (say, after rotating keys). */
  clearCache(): void;
}

/**
 * A store of revoked JWT ids. Revocation is by `jti`, so a revoked token stays rejected
 * however its signature is re-encoded.
 *
 * @example
 * ```ts
 * const denyList = memoryDenyList();
 * await denyList.revoke(claims.jti, claims.exp);
 * ```
 */
export interface DenyList {
  /** Revoke `jti` until `expiresAt` (a Date or epoch seconds), after which the token is expired anyway. */
  revoke(jti: string, expiresAt: Date | number): void | Promise<void>;
  /** Whether `jti` is revoked. A store that cannot answer must throw, never answer `false`. */
  isRevoked(jti: string): boolean | Promise<boolean>;
}

/**
 * Options of {@link memoryDenyList}.
 *
 * @example
 * ```ts
 * const denyList = memoryDenyList({ now: () => clock.now() });
 * ```
 */
export interface MemoryDenyListOptions {
  /** The clock, in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
}
