import { randomBytes, sha256Hex } from '#crypto';
import { checkOptions } from '../lib/options.js';
import { BODY_LENGTH, checksumOf, isValidPrefix, toBase62 } from './format.js';

const KEY_BYTES = 32;

/**
 * Make a new API key: 256 random bits in the `<prefix>_<base62 body><checksum>` shape.
 * Show `key` to its owner once; store only `hash`.
 *
 * @example
 * ```ts
 * const { key, hash } = generateApiKey({ prefix: 'pcs' });
 * await db.apiKeys.insert({ hash, subject: 'svc-reports', scopes: ['reports:read'] });
 * ```
 */
export function generateApiKey(options: { prefix: string }): { key: string; hash: string } {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('generateApiKey() needs an options object: generateApiKey({ prefix })');
  }
  checkOptions('generateApiKey()', options, ['prefix']);
  const { prefix } = options;
  if (!isValidPrefix(prefix)) {
    throw new TypeError(
      'generateApiKey(): `prefix` must be 1–32 characters of [A-Za-z0-9_], start with a letter ' +
        'and not end with `_` (e.g. `pcs` or `pcs_live`)',
    );
  }
  let value = 0n;
  for (const byte of randomBytes(KEY_BYTES)) value = (value << 8n) | BigInt(byte);
  const signed = `${prefix}_${toBase62(value, BODY_LENGTH)}`;
  const key = signed + checksumOf(signed);
  return { key, hash: sha256Hex(key) };
}

/**
 * The lowercase hex SHA-256 of the UTF-8 key: what `lookup` receives and what you store.
 *
 * @example
 * ```ts
 * hashApiKey('pcs_…'); // 'e3b0c442…'
 * ```
 */
export function hashApiKey(key: string): string {
  if (typeof key !== 'string') {
    throw new TypeError('hashApiKey(): `key` must be a string');
  }
  return sha256Hex(key);
}
