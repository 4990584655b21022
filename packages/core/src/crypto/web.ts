// The default branch of the `#crypto` subpath import, for Bun, Deno, Workers and browsers:
// Web Crypto (through jose for signatures). Exports the same names as `node.ts`.
import { sha256 } from './sha256.js';

/** Which implementation this is, for diagnostics and benchmarks. */
export const runtime = 'web' as const;

const encoder = new TextEncoder();
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex SHA-256 of the UTF-8 encoding of `data` (synchronous, as `hashApiKey` is). */
export function sha256Hex(data: string): string {
  const digest = sha256(encoder.encode(data));
  let out = '';
  for (const byte of digest) out += HEX[byte];
  return out;
}

/** `length` cryptographically random bytes. */
export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}
