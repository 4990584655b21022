import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isWellFormedApiKey, parseApiKey } from './format.js';
import { generateApiKey, hashApiKey } from './generate.js';

const nodeSha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('generateApiKey', () => {
  it('makes <prefix>_<43 base62><6 base62> keys with a valid checksum', () => {
    for (const prefix of ['pcs', 'pcs_live', 'A', 'x'.repeat(32)]) {
      const { key } = generateApiKey({ prefix });
      expect(key).toMatch(new RegExp(`^${prefix}_[0-9A-Za-z]{49}$`));
      expect(parseApiKey(key)?.prefix).toBe(prefix);
      expect(isWellFormedApiKey(key, prefix)).toBe(true);
    }
  });

  it('returns the hash of the key', () => {
    const { key, hash } = generateApiKey({ prefix: 'pcs' });
    expect(hash).toBe(hashApiKey(key));
    expect(hash).toBe(nodeSha256(key));
  });

  it('makes a different key every time, using the whole alphabet', () => {
    const keys = new Set<string>();
    const chars = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const { key } = generateApiKey({ prefix: 'pcs' });
      keys.add(key);
      for (const c of parseApiKey(key)!.body) chars.add(c);
    }
    expect(keys.size).toBe(2000);
    expect(chars.size).toBe(62);
  });

  it.each([
    undefined,
    null,
    {},
    { prefix: '' },
    { prefix: 'pcs_' },
    { prefix: '9pcs' },
    { prefix: 'pc-s' },
    { prefix: 'x'.repeat(33) },
    { prefix: 7 },
  ])('refuses options %j with a TypeError', (options) => {
    expect(() => generateApiKey(options as { prefix: string })).toThrow(TypeError);
  });
});

describe('hashApiKey', () => {
  it('is the lowercase hex SHA-256 of the UTF-8 key', () => {
    for (const key of ['', 'pcs_abc', 'clé-🔑', 'x'.repeat(300)]) {
      const hash = hashApiKey(key);
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(hash).toBe(nodeSha256(key));
    }
  });

  it('refuses a non-string with a TypeError', () => {
    for (const bad of [undefined, null, 1, {}, Buffer.from('x')]) {
      expect(() => hashApiKey(bad as unknown as string)).toThrow(TypeError);
    }
  });
});
