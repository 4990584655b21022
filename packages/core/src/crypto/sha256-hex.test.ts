import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey } from '../api-key/generate.js';
import * as node from './node.js';
import * as web from './web.js';

// The node path hashes with node:crypto, the web path with @noble/hashes: both must give the
// hash that `lookup` receives, byte for byte, or keys stored from one runtime miss on the other.
const reference = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('sha256Hex on node and web', () => {
  it('gives the FIPS 180-4 test vectors', () => {
    for (const [text, hex] of [
      ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
      ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
      [
        'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
        '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
      ],
    ] as const) {
      expect(node.sha256Hex(text)).toBe(hex);
      expect(web.sha256Hex(text)).toBe(hex);
    }
  });

  // Lengths around the padding boundaries: 55 fits one block, 56 needs two, 64 fills a block.
  it.each([1, 31, 32, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000])(
    'agrees with node:crypto on %i characters',
    (length) => {
      for (let round = 0; round < 10; round++) {
        const text = randomBytes(length).toString('base64url').slice(0, length);
        expect(node.sha256Hex(text)).toBe(reference(text));
        expect(web.sha256Hex(text)).toBe(reference(text));
      }
    },
  );

  it('encodes multi-byte and ill-formed text as UTF-8 the same way', () => {
    for (const text of [
      'é',
      '日本語のキー',
      '🔑🗝️ key',
      'ß'.repeat(28),
      '\u0000\uffff',
      'a\ud800b',
    ]) {
      expect(node.sha256Hex(text)).toBe(reference(text));
      expect(web.sha256Hex(text)).toBe(reference(text));
    }
  });

  it('gives hashApiKey() and generateApiKey() hashes on the web path too', () => {
    for (let round = 0; round < 20; round++) {
      const { key, hash } = generateApiKey({ prefix: 'pcs' });
      expect(web.sha256Hex(key)).toBe(hash);
      expect(web.sha256Hex(key)).toBe(hashApiKey(key));
    }
  });
});
