import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256 } from './sha256.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const reference = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('sha256 (pure JS)', () => {
  it('matches the FIPS 180-4 test vectors', () => {
    const enc = new TextEncoder();
    expect(hex(sha256(new Uint8Array(0)))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(hex(sha256(enc.encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(
      hex(sha256(enc.encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))),
    ).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  // Lengths around the padding boundaries: 55 fits one block, 56 needs two, 64 fills a block.
  it.each([0, 1, 31, 32, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4096])(
    'matches node:crypto on %i random bytes',
    (length) => {
      for (let round = 0; round < 20; round++) {
        const data = new Uint8Array(randomBytes(length));
        expect(hex(sha256(data))).toBe(reference(data));
      }
    },
  );

  it('matches node:crypto on random lengths', () => {
    for (let round = 0; round < 300; round++) {
      const data = new Uint8Array(randomBytes(Math.floor(Math.random() * 700)));
      expect(hex(sha256(data))).toBe(reference(data));
    }
  });

  it('matches node:crypto on multi-byte UTF-8 text', () => {
    const enc = new TextEncoder();
    for (const text of [
      'é',
      '日本語のキー',
      '🔑🗝️ key',
      'ß'.repeat(28),
      'ü'.repeat(32),
      '\u0000\uffff',
    ]) {
      const data = enc.encode(text);
      expect(hex(sha256(data))).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    }
  });

  it('does not change its input', () => {
    const data = new Uint8Array(randomBytes(70));
    const copy = data.slice();
    sha256(data);
    expect(data).toEqual(copy);
  });
});
