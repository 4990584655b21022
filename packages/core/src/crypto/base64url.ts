// Base64url in plain JavaScript, for runtimes without Buffer (the web crypto path).

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const SEGMENT = /^[A-Za-z0-9_-]+$/;
const VALUE = new Uint8Array(128);
for (let i = 0; i < 64; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

/**
 * Whether `segment` is canonical, unpadded base64url: the one encoding of its bytes.
 *
 * @example
 * ```ts
 * isCanonicalBase64url('aGk'); // true
 * isCanonicalBase64url('aGl'); // false: non-zero unused bits
 * ```
 */
export function isCanonicalBase64url(segment: string): boolean {
  const rest = segment.length & 3;
  if (rest === 1 || !SEGMENT.test(segment)) return false;
  if (rest === 0) return true;
  const last = VALUE[segment.charCodeAt(segment.length - 1)]!;
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

/**
 * Decode base64url (already checked to be canonical by the caller).
 *
 * @example
 * ```ts
 * decodeBase64url('aGk'); // Uint8Array [104, 105]
 * ```
 */
export function decodeBase64url(value: string): Uint8Array {
  const out = new Uint8Array((value.length * 3) >> 2);
  let bits = 0;
  let buffer = 0;
  let o = 0;
  for (let i = 0; i < value.length; i++) {
    buffer = ((buffer << 6) | VALUE[value.charCodeAt(i) & 127]!) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}
