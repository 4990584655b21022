// The public types every part of core shares. Folder-specific option types live in each folder's
// `types.ts` (`api-key/`, `jwt/`, `crypto/`, `adapter/`), which import from here, never the
// other way.
import type { JWTPayload } from 'jose';
import type { AuthEventReason } from './audit-reasons.js';
import type { RequestView } from './request.js';

export type { JWTPayload };

/**
 * How a caller proved who it is.
 *
 * @example
 * ```ts
 * if (principal.method === 'api_key') audit.keyUsed(principal.keyId);
 * ```
 */
export type AuthMethodName = 'api_key' | 'jwt';

/**
 * Who is calling and what they may do: the one shape both API keys and JWTs become.
 *
 * @example
 * ```ts
 * const principal = await authenticator.authenticate(view);
 * if (principal?.scopes.includes('billing:read')) { ... }
 * ```
 */
export interface Principal {
  /** Which verifier accepted the credential. */
  method: AuthMethodName;
  /** The caller: the API key record's `subject`, or the JWT's `sub`. */
  subject: string;
  /** Granted scopes, exact and case-sensitive. */
  scopes: readonly string[];
  /** The caller's tenant, when the record or the configured claim names one. */
  tenant?: string;
  /**
   * The OAuth client the token was issued to (JWT only): its `client_id` claim (RFC 9068 §2.2,
   * RFC 8693 §4.3), else its `azp` (OpenID Connect Core §2), when either is a non-empty string.
   * With the client credentials grant it is usually the `subject` too; with a user's token it is
   * the application acting for that user.
   */
  client?: string;
  /**
   * Who is acting for the `subject`, in a delegated token (JWT only): the outermost `act` claim
   * (RFC 8693 §4.1), the current actor. Prior actors stay nested in `claims.act` for the audit
   * trail; access decisions read the current actor only. Absent when the token has no `act`.
   */
  actor?: Actor;
  /** The verified JWT claims (JWT only). */
  claims?: JWTPayload;
  /** The API key record's `id` (API keys only). */
  keyId?: string;
  /**
   * The key a DPoP-bound token was presented with (JWT with `dpop` only): its RFC 7638
   * thumbprint, equal to the token's `cnf.jkt`.
   */
  confirmation?: { jkt: string };
  /** The API key record's `metadata` (API keys only), frozen: a tier, a budget, your own data. */
  metadata?: Readonly<Record<string, unknown>>;
  /** When the credential stops being valid. */
  expiresAt?: Date;
}

/**
 * The current actor of a delegated token: its `act` claim's `sub`, and its `iss` when it names
 * one (RFC 8693 §4.1). Without `issuer`, the subject belongs to the token's own issuer.
 *
 * @example
 * ```ts
 * if (principal.actor?.subject === 'agent:support-bot') audit.onBehalfOf(principal.subject);
 * ```
 */
export interface Actor {
  /** The actor's `sub`: a non-empty string. */
  subject: string;
  /** The actor's `iss`, when the `act` claim names one. */
  issuer?: string;
}

/**
 * What every verifier receives besides the credential.
 *
 * @example
 * ```ts
 * const principal = await method.verify(value, { now: () => Date.now(), realm: 'api' });
 * ```
 */
export interface VerifyContext {
  /** The current time in milliseconds since the epoch (injected so tests can freeze it). */
  now(): number;
  /** The authenticator's realm, for the challenges of errors the verifier throws. */
  realm: string;
  /**
   * For a token from `Authorization`, when a method checks DPoP or the scheme is `DPoP`: the
   * scheme, every `DPoP` header value, and the request's method and target.
   */
  request?: SenderRequest;
}

/**
 * What a DPoP check needs of the request (RFC 9449 §4.3), from {@link VerifyContext.request}.
 *
 * @example
 * ```ts
 * const request: SenderRequest = { scheme: 'dpop', proofs: [proof], method: 'GET', url: '/orders' };
 * ```
 */
export interface SenderRequest {
  /** `'dpop'` for `Authorization: DPoP …`, else `'bearer'`. */
  scheme: 'bearer' | 'dpop';
  /** Every value of the `DPoP` header (one is required). */
  proofs: readonly string[];
  /** The HTTP method, when the adapter gave it. */
  method?: string | undefined;
  /** The request target (origin-relative path and query), when the adapter gave it. */
  url?: string | undefined;
}

/**
 * Which part of the request a credential came from.
 *
 * @example
 * ```ts
 * method.recognizes(value, { kind: 'header', name: 'x-api-key' });
 * ```
 */
export type CredentialSource =
  | { kind: 'authorization'; scheme?: 'dpop' }
  | { kind: 'header'; name: string }
  | { kind: 'cookie'; name: string };

/**
 * A way to authenticate: made by {@link apiKey} or {@link jwt}, passed to
 * {@link createAuthenticator}. The fields are read by the authenticator; treat them as opaque.
 *
 * @example
 * ```ts
 * const methods: Method[] = [apiKey({ lookup, prefix: 'pcs' }), jwt({ ... })];
 * ```
 */
export interface Method {
  readonly type: AuthMethodName;
  /** Request headers (lower-case) that carry this method's credential, besides Authorization. */
  readonly headers: readonly string[];
  /** Cookies that carry this method's credential. */
  readonly cookies: readonly string[];
  /**
   * True when every value this method can accept fits RFC 6750's b64token grammar (a JWT, a
   * checksummed API key), so the authenticator may skip that check on the success path.
   */
  readonly tokenSafe?: boolean;
  /**
   * The exact `iss` values this method accepts (`jwt()` methods). With two or more methods that
   * carry issuers in one authenticator, a JWT goes to the method whose issuers hold its `iss`,
   * read before verifying; the same issuer in two methods is a `TypeError` at construction.
   */
  readonly issuers?: readonly string[];
  /** True for a `jwt()` with `dpop`: the authenticator hands it each request's DPoP proofs. */
  readonly dpop?: boolean;
  /** Whether this method recognizes a credential value by its form (prefix, JWS compact form). */
  recognizes(value: string, source: CredentialSource): boolean;
  /** Verify the credential; resolve to a principal or throw an `AuthError`. */
  verify(value: string, ctx: VerifyContext): Promise<Principal>;
}

/**
 * One authentication attempt, or one scope guard's refusal (`denied`), for an audit trail. Never
 * carries a token, key, hash or secret.
 *
 * @example
 * ```ts
 * createAuthenticator({ methods, onEvent: (e) => logger.info(e, 'auth') });
 * ```
 */
export interface AuthEvent {
  /**
   * `success`, `failure`, `anonymous` (no credential on an optional route), `denied` (a scope
   * guard's or `requireActor()`'s 403, after the `success` of the same request), `limited` (a 429 of `rateLimit()` or
   * `budget()`), or `unlimited` (a limit store failed and `onStoreError: 'allow'` let the request
   * through without a limit). A limit store failure answered 503 is a `failure`.
   */
  outcome: 'success' | 'failure' | 'anonymous' | 'denied' | 'limited' | 'unlimited';
  /** The verifier that handled the credential, when one was chosen. */
  method?: AuthMethodName;
  /** The authenticated subject (success and denied). */
  subject?: string;
  /** The API key record id, when known. */
  keyId?: string;
  /** The JWT id, once the token's signature was verified. */
  jti?: string;
  /** The tenant (success and denied). */
  tenant?: string;
  /** The JWT's client, `Principal.client` (success and denied): an identifier, never a secret. */
  client?: string;
  /**
   * The subject of the token's current actor, `Principal.actor.subject` (success, denied and
   * limited), in a delegated token: an identifier, never a secret.
   */
  actor?: string;
  /** The scopes the route requires (denied only): their names, never a claim value. */
  scopes?: readonly string[];
  /**
   * `AuthError.code` on failure, `OK` on success, `ERR_NO_CREDENTIALS` for anonymous,
   * `ERR_INSUFFICIENT_SCOPE` when denied (`ERR_ACTOR_NOT_ALLOWED` when `requireActor()` denied).
   */
  code: string;
  /**
   * A finer reason on failure: `unknown_key`, `expired`, `revoked`, `bad_checksum`, `signature`, …
   * (and on `requireActor()`'s denied: `not_delegated` or `actor_not_allowed`).
   */
  reason?: AuthEventReason;
  /** The HTTP status the attempt answers with (200 for success). */
  status: number;
  /** When the attempt finished, epoch milliseconds. */
  time: number;
}

/**
 * The authenticator the adapters call, made by {@link createAuthenticator}.
 *
 * @example
 * ```ts
 * app.use(authenticate(authenticator)); // any adapter
 * ```
 */
export interface Authenticator {
  /** The realm used in `WWW-Authenticate` challenges. */
  readonly realm: string;
  /** The RFC 9728 metadata URL every challenge names, when configured. */
  readonly resourceMetadata?: string;
  /**
   * Extract and verify the request's credential.
   * Resolves to the principal, or to `null` when there is no credential and `optional` is set;
   * otherwise rejects with an `AuthError`.
   */
  authenticate(request: RequestView, options?: { optional?: boolean }): Promise<Principal | null>;
}

/**
 * Options of {@link createAuthenticator}.
 *
 * @example
 * ```ts
 * const options: AuthenticatorOptions = { methods: [apiKey({ lookup })], realm: 'billing-api' };
 * ```
 */
export interface AuthenticatorOptions {
  /** The verifiers to accept, from `apiKey()` and `jwt()`. At least one. */
  methods: readonly Method[];
  /** The realm in every `WWW-Authenticate` challenge. Default `'api'`. */
  realm?: string;
  /**
   * Called once for every attempt, success or failure, and once more for each 403 of a scope
   * guard (`outcome: 'denied'`), for an audit trail. It never receives a token, key, hash or
   * secret. It may be `async`. A hook that throws, or whose promise rejects, changes no answer and
   * crashes nothing; the first such failure of each authenticator is reported once, through
   * `process.emitWarning()` (type `PortcullisWarning`, code `PORTCULLIS_ON_EVENT_FAILED`) where the
   * runtime has it, else `console.warn()`, naming the error's `name` only: its message may quote
   * the event. Make the hook reliable yourself (a queue, a retry) if events must not be lost.
   */
  onEvent?: (event: AuthEvent) => void;
  /** The clock, in epoch milliseconds. Default `Date.now`; inject a frozen one in tests. */
  now?: () => number;
  /**
   * The URL of this resource's RFC 9728 metadata (`https://api.example.com/.well-known/oauth-protected-resource`).
   * With it, every 400, 401 and 403 challenge carries `resource_metadata="…"`, so an OAuth client
   * (an MCP client) finds the authorization server, and every error answer carries
   * `Access-Control-Expose-Headers: WWW-Authenticate`. `https:`, or `http:` on localhost.
   */
  resourceMetadata?: string;
  /**
   * Let a broader scope satisfy a narrower one in `requireScope()` and the other guards: `':'`
   * makes `files` satisfy `files:read` (and `files:read:own`); `'.'` and `'/'` work the same;
   * or a function `(granted, required) => boolean`. Default: exact matching only.
   */
  scopeHierarchy?: ':' | '.' | '/' | ((granted: string, required: string) => boolean);
}
