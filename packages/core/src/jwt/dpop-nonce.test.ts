import { describe, expect, it } from 'vitest';
import { dpopNonces } from './dpop-nonce.js';

const secret = new Uint8Array(32).fill(3);
const T = 1_800_000_000_000; // a slot boundary for 60 s slots (30,000,000 × 60,000 ms)

describe('dpopNonces', () => {
  it('issues 54 base64url characters: an 8-byte slot and a 32-byte MAC', () => {
    const nonce = dpopNonces(secret, 60).issueNonce(T);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{54}$/);
    const bytes = Buffer.from(nonce, 'base64url');
    expect(bytes).toHaveLength(40);
    expect(bytes.readBigUInt64BE(0)).toBe(BigInt(T / 60_000));
  });

  it('accepts a nonce in its slot and the next, and no longer', () => {
    const nonces = dpopNonces(secret, 60);
    const nonce = nonces.issueNonce(T);
    expect(nonces.issueNonce(T + 59_999)).toBe(nonce);
    expect(nonces.checkNonce(nonce, T)).toBe(true);
    expect(nonces.checkNonce(nonce, T + 119_999)).toBe(true);
    expect(nonces.checkNonce(nonce, T + 120_000)).toBe(false);
    // Nor one from the future (the slot after the current one).
    expect(nonces.checkNonce(nonces.issueNonce(T + 60_000), T)).toBe(false);
  });

  it('is shared by every instance with the secret, and by no other', () => {
    const a = dpopNonces(secret, 60);
    const b = dpopNonces(new Uint8Array(secret), 60);
    expect(b.checkNonce(a.issueNonce(T), T + 1)).toBe(true);
    const other = dpopNonces(new Uint8Array(32).fill(4), 60);
    expect(other.checkNonce(a.issueNonce(T), T)).toBe(false);
  });

  it('keeps its own copy of the secret', () => {
    const key = new Uint8Array(32).fill(5);
    const nonces = dpopNonces(key, 60);
    const nonce = nonces.issueNonce(T);
    key.fill(0);
    expect(nonces.checkNonce(nonce, T)).toBe(true);
    expect(dpopNonces(key, 60).checkNonce(nonce, T)).toBe(false);
  });

  it('refuses a tampered slot or MAC, and what is not a nonce', () => {
    const nonces = dpopNonces(secret, 60);
    const bytes = Buffer.from(nonces.issueNonce(T), 'base64url');
    const later = Buffer.from(bytes);
    later.writeBigUInt64BE(BigInt(T / 60_000 + 1), 0);
    expect(nonces.checkNonce(later.toString('base64url'), T + 60_000)).toBe(false);
    const flipped = Buffer.from(bytes);
    flipped[39]! ^= 1;
    expect(nonces.checkNonce(flipped.toString('base64url'), T)).toBe(false);
    for (const value of [undefined, 7, '', 'x'.repeat(54), `${bytes.toString('base64url')}A`]) {
      expect(nonces.checkNonce(value, T)).toBe(false);
    }
  });

  it('keeps answering across many slots (its memo is bounded)', () => {
    const nonces = dpopNonces(secret, 1);
    for (let i = 0; i < 20; i++) {
      const now = T + i * 1000;
      expect(nonces.checkNonce(nonces.issueNonce(now - 1000), now)).toBe(true);
    }
  });
});
