// The default branch of the `#crypto` subpath import, for runtimes without the `node` condition
// (Cloudflare Workers, browsers, others): Web Crypto, and @noble/hashes for the synchronous
// SHA-256 of API keys. Bun and Deno take `node.ts`. Exports the same names as `node.ts`. Keys are
// described synchronously (so an unfit key is refused at construction) and imported into Web
// Crypto once, on first use.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { misfit } from './algorithms.js';
import { decodeBase64url, isCanonicalBase64url } from './base64url.js';
import { readPem } from './spki.js';
import type { Algorithm, Curve, JWK, KeyInfo, KeyObject, SignatureCheck } from './types.js';
import { describeCryptoKey, fitsCryptoKey, signatureLength, webParams } from './web-params.js';

/**
 * Which implementation this is, for diagnostics and benchmarks.
 *
 * @example
 * ```ts
 * import { runtime } from '#crypto'; // 'web' here, 'node' on Node
 * ```
 */
export const runtime = 'web' as const;

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decode a JWS segment if it is canonical, unpadded base64url; `undefined` otherwise.
 *
 * @example
 * ```ts
 * decodeSegment('aGk'); // Uint8Array [104, 105]
 * decodeSegment('aGl'); // undefined: non-zero unused bits
 * ```
 */
export function decodeSegment(segment: string): Uint8Array | undefined {
  return isCanonicalBase64url(segment) ? decodeBase64url(segment) : undefined;
}

/**
 * Decode strict UTF-8; `undefined` when the bytes are not UTF-8.
 *
 * @example
 * ```ts
 * utf8(new TextEncoder().encode('{"sub":"a"}')); // '{"sub":"a"}'
 * ```
 */
export function utf8(bytes: Uint8Array): string | undefined {
  try {
    return strict.decode(bytes);
  } catch {
    return undefined;
  }
}

const encoder = new TextEncoder();

/**
 * Lowercase hex SHA-256 of the UTF-8 encoding of `data`: synchronous, as `hashApiKey` is, where
 * Web Crypto's digest is not, so through @noble/hashes.
 *
 * @example
 * ```ts
 * sha256Hex('abc'); // 'ba7816bf…'
 * ```
 */
export function sha256Hex(data: string): string {
  return bytesToHex(sha256(encoder.encode(data)));
}

/**
 * `length` cryptographically random bytes.
 *
 * @example
 * ```ts
 * const body = randomBytes(32);
 * ```
 */
export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

type Handle =
  | { raw: Uint8Array }
  | { spki: Uint8Array }
  | { jwk: JsonWebKey }
  | { cryptoKey: CryptoKey };

const bytesOf = (b64url: unknown) =>
  typeof b64url === 'string' && /^[A-Za-z0-9_-]*$/.test(b64url) ? decodeBase64url(b64url) : null;

function isKeyObject(value: unknown): value is KeyObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as KeyObject).export === 'function' &&
    typeof (value as KeyObject).type === 'string'
  );
}

/**
 * Import an HMAC secret once.
 *
 * @example
 * ```ts
 * const key = importSecret(new TextEncoder().encode(secret));
 * ```
 */
export function importSecret(secret: Uint8Array | KeyObject): KeyInfo {
  if (isKeyObject(secret)) {
    if (secret.type !== 'secret') throw new TypeError('`secret` must be a secret KeyObject');
    return importSecret(new Uint8Array(secret.export()));
  }
  if (!(secret instanceof Uint8Array)) throw new TypeError('`secret` must be bytes');
  const handle: Handle = { raw: secret.slice() };
  return { kind: 'secret', size: secret.length, handle };
}

/**
 * Import a public key once: PEM (SPKI or X.509 certificate), KeyObject or CryptoKey.
 *
 * @example
 * ```ts
 * const key = importPublicKey(pem);
 * ```
 */
export function importPublicKey(key: string | KeyObject | CryptoKey): KeyInfo {
  if (typeof key === 'string') {
    if (key.includes('PRIVATE KEY')) {
      throw new TypeError('`publicKey` holds a private key; pass the public key');
    }
    let info: ReturnType<typeof readPem>;
    try {
      info = readPem(key);
    } catch {
      throw new TypeError('`publicKey` is not a PEM public key or certificate');
    }
    // Web Crypto cannot import id-RSASSA-PSS SubjectPublicKeyInfo everywhere: refuse it here.
    const kind = info.kind === 'rsa-pss' ? 'unsupported' : info.kind;
    return { kind, curve: info.curve, size: info.size, handle: { spki: info.spki } };
  }
  if (isKeyObject(key)) {
    if (key.type !== 'public') throw new TypeError('`publicKey` must be a public KeyObject');
    return importJwk(key.export({ format: 'jwk' }) as JWK);
  }
  if (typeof CryptoKey === 'function' && key instanceof CryptoKey) {
    if (key.type !== 'public') throw new TypeError('`publicKey` must be a public CryptoKey');
    return { ...describeCryptoKey(key), handle: { cryptoKey: key } };
  }
  throw new TypeError('`publicKey` must be a PEM string, a JWK, a KeyObject or a CryptoKey');
}

/**
 * Import a JWK once: a public key (private members are ignored), or an `oct` secret.
 *
 * @example
 * ```ts
 * const key = importJwk({ kty: 'OKP', crv: 'Ed25519', x: '…' });
 * ```
 */
export function importJwk(jwk: JWK): KeyInfo {
  if (typeof jwk !== 'object' || jwk === null) throw new TypeError('a JWK must be an object');
  const bad = () => new TypeError('a JWK is not a usable RSA, EC, Ed25519 or oct key');
  if (jwk.kty === 'oct') {
    const k = bytesOf(jwk.k);
    if (k === null) throw bad();
    return importSecret(k);
  }
  if (jwk.kty === 'RSA') {
    const n = bytesOf(jwk.n);
    if (n === null || bytesOf(jwk.e) === null) throw bad();
    let first = 0;
    while (first < n.length && n[first] === 0) first++;
    const top = n[first] ?? 0;
    const size = (n.length - first - 1) * 8 + (top === 0 ? 0 : 32 - Math.clz32(top));
    return { kind: 'rsa', size, handle: { jwk: { kty: 'RSA', n: jwk.n, e: jwk.e } } };
  }
  if (jwk.kty === 'EC') {
    const curve = jwk.crv as Curve;
    if (!['P-256', 'P-384', 'P-521'].includes(curve) || !bytesOf(jwk.x) || !bytesOf(jwk.y)) {
      throw bad();
    }
    const handle = { jwk: { kty: 'EC', crv: curve, x: jwk.x, y: jwk.y } };
    return { kind: 'ec', curve, size: 0, handle };
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && bytesOf(jwk.x)?.length === 32) {
    return { kind: 'ed25519', size: 0, handle: { jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x } } };
  }
  throw bad();
}

/**
 * Build, once, the signature check of `key` for `alg` (throws `TypeError` when they do not fit).
 * The Web Crypto key is imported on first use and kept.
 *
 * @example
 * ```ts
 * const check = verifier(importSecret(bytes), 'HS256');
 * await check('eyJ….eyJ…', signature); // true or false
 * ```
 */
export function verifier(key: KeyInfo, alg: Algorithm): SignatureCheck {
  const problem = misfit(key, alg);
  if (problem !== undefined) throw new TypeError(problem);
  const { importAs, verifyAs } = webParams(key, alg);
  const handle = key.handle as Handle;
  let imported: Promise<CryptoKey>;
  if ('cryptoKey' in handle) {
    if (!fitsCryptoKey(handle.cryptoKey, importAs)) {
      throw new TypeError(`the CryptoKey was not imported for ${alg}`);
    }
    imported = Promise.resolve(handle.cryptoKey);
  }
  const load = () => {
    if (imported !== undefined) return imported;
    if ('raw' in handle) {
      imported = crypto.subtle.importKey('raw', handle.raw as BufferSource, importAs, false, [
        'verify',
      ]);
    } else if ('spki' in handle) {
      imported = crypto.subtle.importKey('spki', handle.spki as BufferSource, importAs, false, [
        'verify',
      ]);
    } else if ('jwk' in handle) {
      imported = crypto.subtle.importKey('jwk', handle.jwk, importAs, false, ['verify']);
    }
    return imported;
  };
  const length = signatureLength(key, alg);
  return async (data, signature) => {
    if (length !== 0 && signature.length !== length) return false;
    return crypto.subtle.verify(
      verifyAs,
      await load(),
      signature as BufferSource,
      encoder.encode(data),
    );
  };
}
