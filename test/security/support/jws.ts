import { constants, createHmac, type KeyObject, sign } from 'node:crypto';

/** base64url without padding, of bytes or a UTF-8 string. */
export function b64url(data: string | Uint8Array): string {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  return bytes.toString('base64url');
}

/** Signs a JWS signing input (`header.payload`) and returns the raw signature bytes. */
export type Signer = (input: string) => Uint8Array;

const HASH = { '256': 'sha256', '384': 'sha384', '512': 'sha512' } as const;
type Bits = keyof typeof HASH;

/**
 * HMAC with any bytes as the secret, including a public key's PEM (the key-confusion attack).
 *
 * @example
 * ```ts
 * forge({ header: { alg: 'HS256' }, payload, signer: hmac(pem) });
 * ```
 */
export function hmac(secret: string | Uint8Array, bits: Bits = '256'): Signer {
  return (input) => createHmac(HASH[bits], secret).update(input).digest();
}

/** RSASSA-PKCS1-v1_5 (RS*). */
export function rsa(privateKey: KeyObject, bits: Bits = '256'): Signer {
  return (input) => sign(HASH[bits], Buffer.from(input), privateKey);
}

/** RSASSA-PSS (PS*), salt as long as the hash. */
export function pss(privateKey: KeyObject, bits: Bits = '256'): Signer {
  return (input) =>
    sign(HASH[bits], Buffer.from(input), {
      key: privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: Number(bits) / 8,
    });
}

/** ECDSA (ES*): `ieee-p1363` is JWS's r‖s; `der` is the ASN.1 form JWS forbids. */
export function ecdsa(
  privateKey: KeyObject,
  bits: Bits = '256',
  encoding: 'ieee-p1363' | 'der' = 'ieee-p1363',
): Signer {
  return (input) =>
    sign(HASH[bits], Buffer.from(input), { key: privateKey, dsaEncoding: encoding });
}

/** A fixed signature, whatever the input (`r = s = 0`, empty, garbage). */
export function fixed(signature: Uint8Array): Signer {
  return () => signature;
}

/** What {@link forge} builds a compact JWS from. */
export interface ForgeInput {
  /** The protected header: an object, or raw JSON text (for duplicate names, odd numbers). */
  header: Record<string, unknown> | string;
  /** The payload: an object, raw text, or raw bytes (for invalid UTF-8). */
  payload: Record<string, unknown> | string | Uint8Array;
  signer: Signer;
}

function segment(value: Record<string, unknown> | string | Uint8Array): string {
  if (value instanceof Uint8Array) return b64url(value);
  return b64url(typeof value === 'string' ? value : JSON.stringify(value));
}

/**
 * Build a compact JWS from any header and payload, signed by any signer: the way an attacker
 * makes tokens no honest library would.
 *
 * @example
 * ```ts
 * const token = forge({ header: { alg: 'RS256', kid: '../../dev/null' }, payload, signer: rsa(key) });
 * ```
 */
export function forge(input: ForgeInput): string {
  const signingInput = `${segment(input.header)}.${segment(input.payload)}`;
  return `${signingInput}.${b64url(input.signer(signingInput))}`;
}

/** The three segments of a compact JWS. */
export function parts(token: string): [string, string, string] {
  const [h = '', p = '', s = ''] = token.split('.');
  return [h, p, s];
}
