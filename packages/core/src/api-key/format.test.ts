import { describe, expect, it } from 'vitest';
import {
  apiKeyProblem,
  checksumOf,
  crc32,
  isValidPrefix,
  isWellFormedApiKey,
  parseApiKey,
  toBase62,
} from './format.js';
import { generateApiKey } from './generate.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Replace the character at `index` by another base62 character. */
function mutate(key: string, index: number, step = 1): string {
  const next = BASE62[(BASE62.indexOf(key[index]!) + step) % 62]!;
  return key.slice(0, index) + next + key.slice(index + 1);
}

describe('crc32 and base62', () => {
  it('computes the standard CRC-32 check value', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('')).toBe(0);
  });

  it('encodes base62 with fixed width', () => {
    expect(toBase62(0n, 6)).toBe('000000');
    expect(toBase62(61n, 3)).toBe('00z');
    expect(toBase62(62n, 3)).toBe('010');
    expect(toBase62(2n ** 256n - 1n, 43)).toHaveLength(43);
    expect(checksumOf('pcs_x')).toMatch(/^[0-9A-Za-z]{6}$/);
    expect(checksumOf('123456789')).toBe(toBase62(0xcbf43926n, 6));
  });
});

describe('isValidPrefix', () => {
  it.each(['a', 'pcs', 'pcs_live', 'A1', 'x'.repeat(32)])('accepts %s', (p) => {
    expect(isValidPrefix(p)).toBe(true);
  });
  it.each(['', '1pcs', '_pcs', 'pcs_', 'pc-s', 'pcs!', 'x'.repeat(33), 'ключ', 3, null])(
    'refuses %s',
    (p) => {
      expect(isValidPrefix(p)).toBe(false);
    },
  );
});

describe('parseApiKey / apiKeyProblem', () => {
  const { key } = generateApiKey({ prefix: 'pcs_live' });

  it('splits at the last underscore', () => {
    const parsed = parseApiKey(key)!;
    expect(parsed.prefix).toBe('pcs_live');
    expect(parsed.body).toHaveLength(43);
    expect(parsed.checksum).toHaveLength(6);
    expect(`${parsed.prefix}_${parsed.body}${parsed.checksum}`).toBe(key);
  });

  it('returns null for other shapes', () => {
    for (const bad of ['', 'pcs', 'pcs_', `${key}x`, key.slice(0, -1), `${key.slice(0, -1)}-`]) {
      expect(parseApiKey(bad)).toBeNull();
    }
    expect(parseApiKey(42 as unknown as string)).toBeNull();
  });

  it('accepts a generated key, with or without its prefix', () => {
    expect(apiKeyProblem(key)).toBeUndefined();
    expect(apiKeyProblem(key, 'pcs_live')).toBeUndefined();
    expect(isWellFormedApiKey(key, 'pcs_live')).toBe(true);
  });

  it('names the problem', () => {
    expect(apiKeyProblem(key, 'pcs')).toBe('wrong_prefix');
    expect(apiKeyProblem(key, 'other')).toBe('wrong_prefix');
    expect(apiKeyProblem('pcs_live_short', 'pcs_live')).toBe('malformed');
    expect(apiKeyProblem(mutate(key, key.length - 1), 'pcs_live')).toBe('bad_checksum');
    expect(isWellFormedApiKey(null as unknown as string)).toBe(false);
  });

  it('refuses every single-character change of body or checksum', () => {
    const start = 'pcs_live_'.length;
    for (let i = start; i < key.length; i++) {
      for (const step of [1, 17, 61]) {
        expect(apiKeyProblem(mutate(key, i, step), 'pcs_live')).toBe('bad_checksum');
      }
    }
  });

  it('refuses a swap of two adjacent different characters', () => {
    const start = 'pcs_live_'.length;
    for (let i = start; i < key.length - 1; i++) {
      if (key[i] === key[i + 1]) continue;
      const swapped = key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
      expect(apiKeyProblem(swapped)).toBe('bad_checksum');
    }
  });
});

describe('apiKeyProblem agrees with the reference definition', () => {
  const reference = (key: string, prefix?: string) => {
    const parsed = parseApiKey(key);
    return (
      parsed !== null &&
      (prefix === undefined || parsed.prefix === prefix) &&
      checksumOf(key.slice(0, -6)) === parsed.checksum
    );
  };
  const pool = `${BASE62}_-.~+/= é日\u0000\u007f🔑`;
  const pick = () => [...pool][Math.floor(Math.random() * [...pool].length)]!;

  it('on random edits of generated keys', () => {
    for (let round = 0; round < 3000; round++) {
      const prefix = round % 2 === 0 ? 'pcs' : 'pcs_live';
      let key = generateApiKey({ prefix }).key;
      const at = Math.floor(Math.random() * key.length);
      const edit = round % 4;
      if (edit === 1) key = key.slice(0, at) + pick() + key.slice(at + 1);
      else if (edit === 2) key = key.slice(0, at) + pick() + key.slice(at);
      else if (edit === 3) key = key.slice(0, at) + key.slice(at + 1);
      for (const expected of [undefined, 'pcs', 'pcs_live']) {
        expect(apiKeyProblem(key, expected) === undefined).toBe(reference(key, expected));
      }
    }
  });
});
