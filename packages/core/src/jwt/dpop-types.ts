// The public types of DPoP proof verification (RFC 9449): the `dpop` options of `jwt()`, the
// request a proof is checked against, and what a proof that passed proves.
import type { Algorithm } from '../crypto/types.js';
import type { ReplayStore } from '../replay/types.js';

/**
 * Stateless server nonces (RFC 9449 §9): with them, a proof must carry a nonce this server
 * issued in the last one to two `lifetime`s, or the request is answered 401 `use_dpop_nonce` with
 * a fresh `DPoP-Nonce` header. Instances that share `secret` share nonces, with no store.
 *
 * @example
 * ```ts
 * const nonce: DpopNonceOptions = { secret: crypto.getRandomValues(new Uint8Array(32)), lifetime: 120 };
 * ```
 */
export interface DpopNonceOptions {
  /** The HMAC key nonces are made with: at least 32 random bytes. */
  secret: Uint8Array;
  /** Seconds a nonce is issued for (it is accepted for one more). Default 300; 1 to 86,400. */
  lifetime?: number;
}

/**
 * The `dpop` option of `jwt()`: accept DPoP-bound tokens (`Authorization: DPoP …` with one
 * `DPoP` proof header), checked per RFC 9449 §4.3. Every mistake throws a `TypeError` at
 * construction.
 *
 * @example
 * ```ts
 * jwt({ ..., dpop: { origin: 'https://api.example.com', replay: redisReplayStore({ client }) } });
 * ```
 */
export interface DpopOptions {
  /** Refuse tokens presented without a proof (plain bearer tokens). Default `false`. */
  required?: boolean;
  /**
   * This API's public origin (`https://api.example.com`; `http:` only on localhost), with no
   * path: a proof's `htu` must be it followed by the request path. Never taken from the request.
   */
  origin: string;
  /** Where proof ids are claimed once. Default `memoryReplayStore()` (one process only). */
  replay?: ReplayStore;
  /** Seconds a proof is accepted after its `iat`. Default 300; at most 3,600. */
  maxAge?: number;
  /**
   * The proof algorithms accepted: asymmetric only. Default `['ES256', 'EdDSA', 'RS256', 'PS256']`.
   */
  algorithms?: readonly Algorithm[];
  /** Require server-issued nonces in proofs. Default: none. */
  nonce?: DpopNonceOptions;
}

/**
 * The request a proof is checked against.
 *
 * @example
 * ```ts
 * const request: DpopRequest = { method: 'GET', url: '/orders/7?expand=items' };
 * ```
 */
export interface DpopRequest {
  /** The HTTP method, as received (`GET`); compared with `htm` exactly. */
  method: string;
  /** The request target as received: origin-relative path and query (`/orders/7?expand=items`). */
  url: string;
}

/**
 * The per-request inputs of a proof check besides the request.
 *
 * @example
 * ```ts
 * const options: DpopCheckOptions = { accessToken: token, now: Date.now(), realm: 'api' };
 * ```
 */
export interface DpopCheckOptions {
  /** The access token the proof is sent with: then `ath` is required and must be its hash. */
  accessToken?: string | undefined;
  /** The clock, epoch milliseconds. */
  now: number;
  /** The realm named in the challenge of a refusal. */
  realm?: string | undefined;
}

/**
 * What a proof that passed proves: the key's RFC 7638 thumbprint (to match `cnf.jkt`), and the
 * proof's id and issue time.
 *
 * @example
 * ```ts
 * const { jkt } = await verifyDpopProof(proof, request, config, { accessToken, now });
 * if (claims.cnf?.jkt !== jkt) throw invalidToken(…);
 * ```
 */
export interface DpopProof {
  /** base64url SHA-256 JWK thumbprint of the proof's key. */
  jkt: string;
  jti: string;
  /** The proof's `iat`, epoch seconds. */
  iat: number;
}

/**
 * The audit reason of a refused DPoP proof (never sent to the client).
 *
 * @example
 * ```ts
 * if (event.reason === 'dpop_replayed') alerts.warn('a DPoP proof was replayed');
 * ```
 */
export type DpopFailureReason =
  /**
   * Not a compact JWS of three canonical base64url segments with a JSON object header and claims,
   * over 8,192 characters, or with a `crit` header.
   */
  | 'dpop_malformed'
  /** `typ` is not exactly `dpop+jwt`. */
  | 'dpop_typ'
  /** `alg` is missing, `none`, HMAC, or not among the accepted (asymmetric) algorithms. */
  | 'dpop_alg'
  /** `jwk` is missing, not a public key of the kind `alg` needs, or not usable. */
  | 'dpop_jwk'
  /** `jwk` holds private members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`). */
  | 'dpop_private_key'
  | 'dpop_signature'
  | 'dpop_htm'
  | 'dpop_htu'
  /** `iat` is missing or not a number. */
  | 'dpop_iat'
  | 'dpop_too_old'
  | 'dpop_issued_in_future'
  /** `jti` is missing, empty, not a string or over 256 characters. */
  | 'dpop_jti'
  /** `ath` is missing or is not the hash of the access token. */
  | 'dpop_ath'
  /** The nonce is missing, forged or stale (answered `use_dpop_nonce`). */
  | 'dpop_nonce'
  | 'dpop_replayed'
  /** The proof is signed by another key than the token's `cnf.jkt`. */
  | 'dpop_jkt'
  /** The replay store threw, rejected or answered neither true nor false (503). */
  | 'replay_store_failed';
