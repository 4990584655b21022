// The contract between the JWT verifier and its crypto implementation (`#crypto`: node.ts on
// Node, web.ts elsewhere). Both implementations satisfy it, so tests run one suite on both.
import type { Algorithm } from './algorithms.js';
import type { JWK, KeyObject } from './key-types.js';

/** The family of a key, which decides the algorithms it may serve. */
export type KeyKind = 'secret' | 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'unsupported';

/** An EC curve Portcullis verifies with. */
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

/** Checks one signature over the ASCII signing input `header.payload`. */
export type SignatureCheck = (data: string, signature: Uint8Array) => boolean | Promise<boolean>;

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
