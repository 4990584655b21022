// A minimal DER reader for the web crypto path: it finds the SubjectPublicKeyInfo of a PEM key
// or certificate and says what kind of key it holds, synchronously, so `jwt()` can refuse an
// unfit key at construction where Web Crypto could only tell it asynchronously.
import type { Curve, KeyKind } from './types.js';

interface Node {
  at: number; // the tag byte
  tag: number;
  start: number; // first content byte
  end: number; // one past the last content byte
  next: number; // one past this node
}

function read(der: Uint8Array, at: number): Node {
  const tag = der[at];
  let length = der[at + 1];
  if (tag === undefined || length === undefined) throw new TypeError('truncated DER');
  let start = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new TypeError('bad DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[start + i] ?? 0);
    start += count;
  }
  const end = start + length;
  if (end > der.length) throw new TypeError('truncated DER');
  return { at, tag, start, end, next: end };
}

function children(der: Uint8Array, node: Node): Node[] {
  const out: Node[] = [];
  for (let at = node.start; at < node.end; ) {
    const child = read(der, at);
    out.push(child);
    at = child.next;
  }
  return out;
}

const hex = (der: Uint8Array, node: Node) =>
  Array.from(der.subarray(node.start, node.end), (b) => b.toString(16).padStart(2, '0')).join('');

const KINDS: Record<string, KeyKind> = {
  '2a864886f70d010101': 'rsa',
  '2a864886f70d01010a': 'rsa-pss',
  '2a8648ce3d0201': 'ec',
  '2b6570': 'ed25519',
};
const CURVES: Record<string, Curve> = {
  '2a8648ce3d030107': 'P-256',
  '2b81040022': 'P-384',
  '2b81040023': 'P-521',
};

/**
 * What a SubjectPublicKeyInfo holds.
 *
 * @example
 * ```ts
 * const { kind, curve, size, spki }: SpkiInfo = readPem(pem);
 * ```
 */
export interface SpkiInfo {
  kind: KeyKind;
  curve?: Curve | undefined;
  /** RSA modulus bits, else 0. */
  size: number;
  /** The SubjectPublicKeyInfo DER, for `crypto.subtle.importKey('spki', …)`. */
  spki: Uint8Array;
}

/**
 * Read a PEM public key (`PUBLIC KEY`) or certificate (`CERTIFICATE`). Throws `TypeError`.
 *
 * @example
 * ```ts
 * const { kind, size } = readPem(pem); // { kind: 'rsa', size: 2048, … }
 * ```
 */
export function readPem(pem: string): SpkiInfo {
  const match = /-----BEGIN (PUBLIC KEY|CERTIFICATE)-----([A-Za-z0-9+/=\s]+)-----END \1-----/.exec(
    pem,
  );
  if (match === null) throw new TypeError('not a PEM public key or certificate');
  const der = Uint8Array.from(atob(match[2]!.replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  let spki = read(der, 0);
  if (match[1] === 'CERTIFICATE') {
    const tbs = read(der, spki.start);
    const fields = children(der, tbs);
    const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
    const found = fields[offset + 5];
    if (found === undefined) throw new TypeError('certificate without a public key');
    spki = found;
  }
  const [algorithm, bits] = children(der, spki);
  if (algorithm === undefined || bits === undefined || bits.tag !== 0x03) {
    throw new TypeError('not a SubjectPublicKeyInfo');
  }
  const [oid, params] = children(der, algorithm);
  const kind = (oid && KINDS[hex(der, oid)]) ?? 'unsupported';
  const curve = kind === 'ec' && params?.tag === 0x06 ? CURVES[hex(der, params)] : undefined;
  let size = 0;
  if (kind === 'rsa' || kind === 'rsa-pss') {
    const rsa = read(der, bits.start + 1);
    const modulus = read(der, rsa.start);
    let first = modulus.start;
    while (first < modulus.end && der[first] === 0) first++;
    const top = der[first] ?? 0;
    size = (modulus.end - first - 1) * 8 + (top === 0 ? 0 : 32 - Math.clz32(top));
  }
  return { kind, curve, size, spki: der.slice(spki.at, spki.end) };
}
