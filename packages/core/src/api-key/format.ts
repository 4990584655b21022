// The key format of `generateApiKey()`: `<prefix>_<body><checksum>`, where the body is 256 random
// bits in base62 (43 characters) and the checksum is the CRC-32 of `<prefix>_<body>` in base62
// (6 characters), as GitHub's tokens do, so a mistyped key is refused before any lookup and
// secret scanners can recognise the shape.

import type { ApiKeyFailureReason } from '../audit-reasons.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const PREFIX = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;
const TAIL = /^[0-9A-Za-z]{49}$/;

/**
 * Characters of the base62 body: 62^43 ≥ 2^256.
 *
 * @example
 * ```ts
 * const body = toBase62(random256, BODY_LENGTH);
 * ```
 */
export const BODY_LENGTH = 43;
/**
 * Characters of the base62 checksum: 62^6 ≥ 2^32.
 *
 * @example
 * ```ts
 * const checksum = key.slice(-CHECKSUM_LENGTH);
 * ```
 */
export const CHECKSUM_LENGTH = 6;

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/**
 * CRC-32 (IEEE 802.3) of an ASCII string, as an unsigned integer.
 *
 * @example
 * ```ts
 * crc32('123456789'); // 0xcbf43926
 * ```
 */
export function crc32(ascii: string): number {
  let crc = -1;
  for (let i = 0; i < ascii.length; i++) {
    crc = CRC_TABLE[(crc ^ ascii.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ -1) >>> 0;
}

/**
 * `value` in base62 (`0-9A-Za-z`), left-padded with `0` to `width` characters.
 *
 * @example
 * ```ts
 * toBase62(62n, 3); // '010'
 * ```
 */
export function toBase62(value: bigint, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0n) {
    out = ALPHABET[Number(rest % 62n)] + out;
    rest /= 62n;
  }
  return out.padStart(width, '0');
}

/**
 * The checksum of a key: CRC-32 of `<prefix>_<body>` in base62, 6 characters.
 *
 * @example
 * ```ts
 * const key = signed + checksumOf(signed); // signed = `${prefix}_${body}`
 * ```
 */
export function checksumOf(prefixAndBody: string): string {
  let rest = crc32(prefixAndBody);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

/**
 * Whether `prefix` is a valid key prefix: 1–32 of `[A-Za-z0-9_]`, a letter first, no `_` last.
 *
 * @example
 * ```ts
 * isValidPrefix('pcs_live'); // true
 * isValidPrefix('pcs_'); // false
 * ```
 */
export function isValidPrefix(prefix: unknown): prefix is string {
  return typeof prefix === 'string' && PREFIX.test(prefix) && !prefix.endsWith('_');
}

/**
 * The parts of a key in the `generateApiKey()` format.
 *
 * @example
 * ```ts
 * const { prefix, body, checksum }: ParsedApiKey = parseApiKey(key)!;
 * ```
 */
export interface ParsedApiKey {
  prefix: string;
  body: string;
  checksum: string;
}

/**
 * Split a key in the `generateApiKey()` format at its last `_` (the base62 body has none). Checks
 * the shape only, not the checksum; returns `null` for any other shape.
 *
 * @example
 * ```ts
 * parseApiKey(key)?.prefix; // 'pcs'
 * ```
 */
export function parseApiKey(key: string): ParsedApiKey | null {
  if (typeof key !== 'string') return null;
  const at = key.lastIndexOf('_');
  if (at < 0) return null;
  const prefix = key.slice(0, at);
  const tail = key.slice(at + 1);
  if (!isValidPrefix(prefix) || !TAIL.test(tail)) return null;
  return {
    prefix,
    body: tail.slice(0, BODY_LENGTH),
    checksum: tail.slice(BODY_LENGTH),
  };
}

/**
 * Why a key fails the format checks, for the audit event.
 *
 * @example
 * ```ts
 * const problem: FormatProblem | undefined = apiKeyProblem(key, 'pcs');
 * ```
 */
export type FormatProblem = Extract<
  ApiKeyFailureReason,
  'malformed' | 'wrong_prefix' | 'bad_checksum'
>;

// Digit values of the base62 alphabet by character code; -1 for any other ASCII character.
const DIGITS = (() => {
  const digits = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) digits[ALPHABET.charCodeAt(i)] = i;
  return digits;
})();

function digit(code: number): number {
  return code < 128 ? DIGITS[code]! : -1;
}

// Why a key that missed the fast path is refused.
function classify(key: string, prefix: string | undefined): FormatProblem {
  if (parseApiKey(key) !== null) return 'wrong_prefix';
  return prefix !== undefined && !key.startsWith(`${prefix}_`) ? 'wrong_prefix' : 'malformed';
}

/**
 * Check a key's shape, prefix (when given) and checksum, with no lookup. Returns the problem, or
 * `undefined` for a well-formed key. One pass over the key, no allocation on the accepting path:
 * it runs on every request.
 *
 * @example
 * ```ts
 * apiKeyProblem('pcs_…', 'pcs'); // undefined, 'malformed', 'wrong_prefix' or 'bad_checksum'
 * ```
 */
export function apiKeyProblem(key: string, prefix?: string): FormatProblem | undefined {
  const at = key.lastIndexOf('_');
  const prefixOk =
    prefix === undefined
      ? at > 0 && isValidPrefix(key.slice(0, at))
      : at === prefix.length && key.startsWith(prefix);
  if (!prefixOk || key.length - at - 1 !== BODY_LENGTH + CHECKSUM_LENGTH) {
    return classify(key, prefix);
  }
  const signed = key.length - CHECKSUM_LENGTH;
  let crc = -1;
  for (let i = 0; i < signed; i++) {
    const code = key.charCodeAt(i);
    if (i > at && digit(code) < 0) return 'malformed';
    crc = CRC_TABLE[(crc ^ code) & 0xff]! ^ (crc >>> 8);
  }
  let checksum = 0;
  for (let i = signed; i < key.length; i++) {
    const d = digit(key.charCodeAt(i));
    if (d < 0) return 'malformed';
    checksum = checksum * 62 + d;
  }
  return checksum === (crc ^ -1) >>> 0 ? undefined : 'bad_checksum';
}

/**
 * Whether `key` is in the `generateApiKey()` format with a valid checksum (and, when given, the
 * prefix `prefix`). A cheap pre-check, e.g. before storing or for a secret scanner; no lookup.
 *
 * @example
 * ```ts
 * if (!isWellFormedApiKey(input, 'pcs')) return 'That does not look like a pcs_ key';
 * ```
 */
export function isWellFormedApiKey(key: string, prefix?: string): boolean {
  return typeof key === 'string' && apiKeyProblem(key, prefix) === undefined;
}
