// Stateless DPoP nonces (RFC 9449 §8 and §9): a nonce is base64url(slot ‖ HMAC-SHA-256(secret,
// label ‖ slot)), where the slot is the current time divided by the lifetime. One is accepted in
// its own slot and the next, so it lives between one and two lifetimes, and every instance that
// shares the secret issues and accepts the same nonces without sharing any state. Through
// @noble/hashes: the `#crypto` layer has no HMAC of its own to offer.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeBase64url } from './base64url-encode.js';

/**
 * Issues and checks server nonces for DPoP proofs.
 *
 * @example
 * ```ts
 * const nonces: DpopNonces = dpopNonces(secret, 300);
 * response.setHeader('DPoP-Nonce', nonces.issueNonce(Date.now()));
 * ```
 */
export interface DpopNonces {
  /** The nonce of the current slot (`now` in epoch milliseconds). */
  issueNonce(now: number): string;
  /** Whether `nonce` is the nonce of the current or the previous slot. */
  checkNonce(nonce: unknown, now: number): boolean;
}

// Domain separation: a secret reused elsewhere still never yields these MACs by accident.
const LABEL = new TextEncoder().encode('portcullis dpop-nonce v1\0');
const NONCE_LENGTH = 54; // 8 + 32 bytes, base64url

/**
 * Nonces from `secret` (at least 32 bytes, checked by the caller) lasting `lifetime` seconds.
 * Nonces are public (every client is handed them), so they are compared as plain strings; only
 * the secret must stay secret.
 *
 * @example
 * ```ts
 * const nonces = dpopNonces(secret, 300);
 * nonces.checkNonce(nonces.issueNonce(Date.now()), Date.now()); // true
 * ```
 */
export function dpopNonces(secret: Uint8Array, lifetime: number): DpopNonces {
  const key = secret.slice();
  const slotMs = lifetime * 1000;
  // The nonces of the last few slots: one HMAC per slot, not per request.
  const known = new Map<number, string>();

  function nonceOf(slot: number): string {
    const cached = known.get(slot);
    if (cached !== undefined) return cached;
    const message = new Uint8Array(LABEL.length + 8);
    message.set(LABEL);
    const view = new DataView(message.buffer, LABEL.length);
    view.setUint32(0, Math.floor(slot / 2 ** 32));
    view.setUint32(4, slot >>> 0);
    const nonce = new Uint8Array(40);
    nonce.set(message.subarray(LABEL.length));
    nonce.set(hmac(sha256, key, message), 8);
    const value = encodeBase64url(nonce);
    if (known.size >= 4) known.clear();
    known.set(slot, value);
    return value;
  }

  const slotAt = (now: number) => Math.floor(now / slotMs);
  return {
    issueNonce: (now) => nonceOf(slotAt(now)),
    checkNonce(nonce, now) {
      if (typeof nonce !== 'string' || nonce.length !== NONCE_LENGTH) return false;
      const slot = slotAt(now);
      return nonce === nonceOf(slot) || nonce === nonceOf(slot - 1);
    },
  };
}
