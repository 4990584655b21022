import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64urlOfHex, encodeBase64url } from './base64url-encode.js';

describe('encodeBase64url', () => {
  it('encodes like Buffer for every length and byte', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = new Uint8Array(randomBytes(length));
      expect(encodeBase64url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
    }
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(encodeBase64url(all)).toBe(Buffer.from(all).toString('base64url'));
  });

  it('re-encodes hex', () => {
    expect(base64urlOfHex('6869')).toBe('aGk');
    expect(base64urlOfHex('FBFF')).toBe('-_8');
    expect(base64urlOfHex('')).toBe('');
  });
});
