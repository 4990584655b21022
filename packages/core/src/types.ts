import type { JWTPayload } from 'jose';
import type { RequestView } from './request.js';

export type { JWTPayload };

/** How a caller proved who it is. */
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
  /** The verified JWT claims (JWT only). */
  claims?: JWTPayload;
  /** The API key record's `id` (API keys only). */
  keyId?: string;
  /** When the credential stops being valid. */
  expiresAt?: Date;
}

/**
 * What an API key `lookup` returns for a known key hash.
 *
 * @example
 * ```ts
 * const record: ApiKeyRecord = { id: 'key_1', subject: 'svc-billing', scopes: ['billing:read'] };
 * ```
 */
export interface ApiKeyRecord {
  /** Stable identifier of the key (not the key, not its hash); appears in events. */
  id: string;
  /** Who the key belongs to; becomes `principal.subject`. */
  subject: string;
  /** Scopes the key grants. */
  scopes: readonly string[];
  /** After this instant (a Date or epoch seconds) the key is refused. */
  expiresAt?: Date | number | null;
  /** From this instant (a Date or epoch seconds) the key is refused. */
  revokedAt?: Date | number | null;
  /** The tenant the key belongs to. */
  tenant?: string;
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

/** What every verifier receives besides the credential. */
export interface VerifyContext {
  /** The current time in milliseconds since the epoch (injected so tests can freeze it). */
  now(): number;
  /** The authenticator's realm, for the challenges of errors the verifier throws. */
  realm: string;
}

/** Which part of the request a credential came from. */
export type CredentialSource =
  | { kind: 'authorization' }
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
  /** Whether this method recognises a credential value by its form (prefix, JWS compact form). */
  claims(value: string, source: CredentialSource): boolean;
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
   * guard's 403, after the `success` of the same request) or `limited` (a 429; reserved for rate
   * limiting).
   */
  outcome: 'success' | 'failure' | 'anonymous' | 'denied' | 'limited';
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
  /** The scopes the route requires (denied only): their names, never a claim value. */
  scopes?: readonly string[];
  /**
   * `AuthError.code` on failure, `OK` on success, `ERR_NO_CREDENTIALS` for anonymous,
   * `ERR_INSUFFICIENT_SCOPE` when denied.
   */
  code: string;
  /** A finer reason on failure: `unknown_key`, `expired`, `revoked`, `bad_checksum`, `signature`, … */
  reason?: string;
  /** The HTTP status the attempt answers with (200 for success). */
  status: number;
  /** When the attempt finished, epoch milliseconds. */
  time: number;
}

/** The authenticator the adapters call. */
export interface Authenticator {
  /** The realm used in `WWW-Authenticate` challenges. */
  readonly realm: string;
  /**
   * Extract and verify the request's credential.
   * Resolves to the principal, or to `null` when there is no credential and `optional` is set;
   * otherwise rejects with an `AuthError`.
   */
  authenticate(request: RequestView, options?: { optional?: boolean }): Promise<Principal | null>;
}
