// The contract between the JWT verifier and its crypto implementation (`#crypto`: node.ts on
// Node, web.ts elsewhere). Both implementations satisfy it, so tests run one suite on both. This
// folder owns it: `jwt/` imports from `crypto/`, never the other way.
import type { KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { Awaitable } from '../lib/awaitable.js';

export type { JWK, KeyObject };

/**
 * Signature algorithms `jwt()` accepts. `none` is never one of them.
 *
 * @example
 * ```ts
 * const algorithms: Algorithm[] = ['RS256', 'ES256'];
 * ```
 */
export type Algorithm =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA'
  | 'Ed25519';

/**
 * The family of a key, which decides the algorithms it may serve.
 *
 * @example
 * ```ts
 * const kind: KeyKind = 'rsa-pss';
 * ```
 */
export type KeyKind = 'secret' | 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'unsupported';

/**
 * An EC curve Portcullis verifies with.
 *
 * @example
 * ```ts
 * const curve: Curve = 'P-256';
 * ```
 */
export type Curve = 'P-256' | 'P-384' | 'P-521';

/**
 * A key imported once, at construction or when a key set loads; never per request.
 *
 * @example
 * ```ts
 * const key = crypto.importJwk(jwk);
 * if (key.kind === 'rsa' && key.size < 2048) throw new TypeError('RSA key too small');
 * ```
 */
export interface KeyInfo {
  readonly kind: KeyKind;
  /** EC keys: the curve. */
  readonly curve?: Curve | undefined;
  /** RSA: modulus bits. Secret: bytes. Otherwise 0. */
  readonly size: number;
  /** The implementation's own handle (a KeyObject, SPKI bytes, a JWK, …). */
  readonly handle: unknown;
}

/**
 * Checks one signature over the ASCII signing input `header.payload`.
 *
 * @example
 * ```ts
 * const check: SignatureCheck = impl.verifier(key, 'ES256');
 * const ok = await check(token.slice(0, secondDot), signature);
 * ```
 */
export type SignatureCheck = (data: string, signature: Uint8Array) => Awaitable<boolean>;

/**
 * What the verifier needs from a crypto implementation.
 *
 * @example
 * ```ts
 * import * as impl from '#crypto';
 * const check = impl.verifier(impl.importSecret(bytes), 'HS256');
 * ```
 */
export interface JwtCrypto {
  readonly runtime: 'node' | 'web';
  /**
   * Decode one JWS segment if it is canonical, unpadded base64url (the one encoding of its bytes,
   * at least one character); `undefined` otherwise.
   */
  decodeSegment(segment: string): Uint8Array | undefined;
  /** Decode strict UTF-8 (no replacement characters); `undefined` when the bytes are not UTF-8. */
  utf8(bytes: Uint8Array): string | undefined;
  /** Import an HMAC secret. Throws `TypeError` when it is not one. */
  importSecret(secret: Uint8Array | KeyObject): KeyInfo;
  /** Import a public key: PEM (SPKI or certificate), KeyObject or CryptoKey. Throws `TypeError`. */
  importPublicKey(key: string | KeyObject | CryptoKey): KeyInfo;
  /** Import a JWK (public, or `oct`). Throws `TypeError` when it cannot be used. */
  importJwk(jwk: JWK): KeyInfo;
  /** Build the signature check of `key` for `alg`, once. Throws `TypeError` when they do not fit. */
  verifier(key: KeyInfo, alg: Algorithm): SignatureCheck;
}
