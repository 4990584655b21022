import type { DpopFailureReason } from './jwt/dpop-types.js';
// The `reason` of a `failure` event, one union for every verifier: the audit trail's finer word
// beside the stable `code`. Never sent to the client.

/**
 * Why an API key was refused, in its `failure` event: the client is told only "invalid" (or 503,
 * or 500); the reason is for the audit trail.
 *
 * @example
 * ```ts
 * if (event.method === 'api_key' && event.reason === 'bad_checksum') metrics.typos.inc();
 * ```
 */
export type ApiKeyFailureReason =
  /** Empty, too long, outside visible ASCII, or not in the key format. */
  | 'malformed'
  /** Another prefix than the method's. */
  | 'wrong_prefix'
  /** In the `generateApiKey()` format, but its checksum is wrong: refused without a lookup. */
  | 'bad_checksum'
  /** `lookup` found no record (or remembers finding none). */
  | 'unknown_key'
  | 'expired'
  | 'revoked'
  /** `lookup` threw or rejected (503). */
  | 'lookup_failed'
  /** `lookup` did not answer in time (503). */
  | 'lookup_timeout'
  /** `lookup` returned something that is not a record (500). */
  | 'invalid_record';

/**
 * Why a JWT was refused, in its `failure` event, besides a missing or invalid claim (see
 * {@link AuthEventReason}).
 *
 * @example
 * ```ts
 * if (event.reason === 'jwks_unreachable') alerts.page('identity provider down');
 * ```
 */
export type JwtFailureReason =
  // ERR_JWT_MALFORMED: over the size cap, not three segments, not canonical base64url, not a
  // JSON object, an unusable `kid`.
  | 'too_long'
  | 'segments'
  | 'base64url'
  | 'json'
  | 'kid'
  // The protected header: `alg` not accepted, `typ` not the configured one, a refused parameter.
  | 'alg'
  | 'typ'
  | 'crit'
  | 'b64'
  | 'jwk'
  | 'jku'
  | 'x5u'
  | 'x5c'
  // Keys and signature.
  | 'unknown_kid'
  | 'ambiguous_key'
  | 'signature'
  | 'jwks_http_status'
  | 'jwks_unreachable'
  | 'jwks_timeout'
  | 'jwks_invalid'
  // `discovery: true`: the discovery document answered a non-200 status (both well-known paths),
  // could not be reached, timed out, was not a JSON object or named no usable `jwks_uri`, or named
  // another issuer than the configured one (503 ERR_JWKS_UNAVAILABLE, like the jwks_* reasons).
  | 'discovery_http_status'
  | 'discovery_unreachable'
  | 'discovery_timeout'
  | 'discovery_invalid'
  | 'discovery_issuer_mismatch'
  // Claims, once the signature verified.
  | 'expired'
  | 'not_before'
  | 'issued_in_future'
  | 'too_old'
  | 'issuer'
  // Several jwt() methods: the unverified `iss` is absent, not a string, or names none of them
  // (ERR_JWT_ISSUER_INVALID before any key lookup or fetch).
  | 'issuer_unknown'
  | 'audience'
  | 'sender_constrained'
  // Delegation (RFC 8693 `act`, ERR_JWT_ACTOR_NOT_ALLOWED): the current actor is not in
  // `jwt({ actors })`, or the chain of actors is deeper than `maxActorDepth`. A malformed `act` is
  // ERR_JWT_CLAIM_INVALID with the reason `act`.
  | 'actor_not_allowed'
  | 'actor_depth'
  // Revocation.
  | 'revoked'
  | 'deny_list_failed'
  | 'deny_list_timeout';

/**
 * Every `reason` a `failure` event can carry: an {@link ApiKeyFailureReason}, a
 * {@link JwtFailureReason}, or the name of a claim that is missing or invalid (`exp`, `nbf`,
 * `iat`, `jti`, `sub`, `scope`, or a configured `subjectClaim`, `tenantClaim` or
 * `requiredClaims` name — hence the open `string` member).
 *
 * @example
 * ```ts
 * onEvent: (e) => { if (e.outcome === 'failure') failures.inc({ reason: e.reason ?? e.code }); }
 * ```
 */
export type AuthEventReason =
  | ApiKeyFailureReason
  | JwtFailureReason
  | 'exp'
  | 'nbf'
  | 'iat'
  | 'jti'
  | 'sub'
  | 'scope'
  | 'act'
  // A `denied` event of `requireActor()`: the principal has no actor, or not an allowed one.
  | 'not_delegated'
  // DPoP (RFC 9449): why a proof failed, a bearer token refused where DPoP is required, a DPoP
  // request whose token is not bound to a key.
  | DpopFailureReason
  | 'dpop_required'
  | 'dpop_unbound'
  | (string & {});
