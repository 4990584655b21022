import { checkOptions } from '@portcullis/core/adapter';
import {
  base64url,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { tamper } from './tamper.js';

/**
 * The algorithms a DPoP key can sign proofs with.
 *
 * @example
 * ```ts
 * const algorithm: DpopAlgorithm = 'EdDSA';
 * const key = await createDpopKey({ algorithm });
 * ```
 */
export type DpopAlgorithm = 'ES256' | 'EdDSA' | 'RS256' | 'PS256';

const DPOP_ALGORITHMS: readonly string[] = ['ES256', 'EdDSA', 'RS256', 'PS256'];

/**
 * The deliberately broken DPoP proofs `key.proof({ ..., broken })` can make, each one a proof a
 * correct verifier must refuse. A replayed proof needs no kind: send the same proof twice.
 *
 * @example
 * ```ts
 * it.each(DPOP_BROKEN_KINDS)('refuses a %s proof', async (broken) => {
 *   const dpop = await key.proof({ method: 'GET', url, token, broken });
 *   expect((await get(url, { authorization: `DPoP ${token}`, dpop })).status).toBe(401);
 * });
 * ```
 */
export const DPOP_BROKEN_KINDS = [
  'wrong-htm',
  'wrong-htu',
  'stale-iat',
  'future-iat',
  'no-jti',
  'wrong-ath',
  'no-ath',
  'other-key',
  'private-jwk',
  'hs256',
  'alg-none',
  'wrong-typ',
  'no-jwk',
  'bad-signature',
] as const;

/**
 * One of {@link DPOP_BROKEN_KINDS}.
 *
 * @example
 * ```ts
 * const broken: DpopBrokenKind = 'wrong-htu';
 * const dpop = await key.proof({ method: 'GET', url, token, broken });
 * ```
 */
export type DpopBrokenKind = (typeof DPOP_BROKEN_KINDS)[number];

/**
 * Options of {@link createDpopKey}.
 *
 * @example
 * ```ts
 * const options: DpopKeyOptions = { algorithm: 'RS256', now: () => Date.UTC(2030, 0, 1) };
 * ```
 */
export interface DpopKeyOptions {
  /** The proof signing algorithm. Default `'ES256'`. */
  algorithm?: DpopAlgorithm;
  /**
   * The clock for each proof's `iat`, epoch milliseconds (as in `createAuthenticator({ now })`).
   * Default `Date.now`.
   */
  now?: () => number;
}

/**
 * Options of {@link DpopKey.proof}.
 *
 * @example
 * ```ts
 * const options: DpopProofOptions = { method: 'POST', url: 'https://api.test/invoices', token };
 * ```
 */
export interface DpopProofOptions {
  /** The request's HTTP method, sent as `htm` exactly as given (`'GET'`, `'POST'`, …). */
  method: string;
  /** The request's absolute URL; `htu` is this URL without its query and fragment. */
  url: string | URL;
  /** The access token sent with the proof: adds `ath`, its base64url SHA-256 hash. */
  token?: string;
  /** The server-provided nonce (`DPoP-Nonce`), sent as `nonce`. */
  nonce?: string;
  /** The `iat`, epoch seconds. Default the key's clock. */
  iat?: number;
  /** The `jti`. Default a random UUID. */
  jti?: string;
  /** Make a proof a verifier must refuse; see {@link DPOP_BROKEN_KINDS}. */
  broken?: DpopBrokenKind;
}

/**
 * A DPoP (RFC 9449) key pair, made by {@link createDpopKey}: its public JWK, its RFC 7638
 * thumbprint (the `cnf.jkt` of the tokens bound to it) and `proof()` to sign DPoP proofs.
 *
 * @example
 * ```ts
 * const key: DpopKey = await createDpopKey();
 * const token = await issuer.sign({}, { dpop: key }); // cnf: { jkt: key.thumbprint }
 * const dpop = await key.proof({ method: 'GET', url: 'https://api.test/invoices', token });
 * ```
 */
export interface DpopKey {
  readonly algorithm: DpopAlgorithm;
  /** The public key as a JWK (`kty` and its key members only), as each proof's header has it. */
  readonly publicJwk: JWK;
  /** The RFC 7638 thumbprint of {@link DpopKey.publicJwk}: base64url SHA-256. */
  readonly thumbprint: string;
  /** Sign a DPoP proof JWT for one request, to send as the `DPoP` header. */
  proof(options: DpopProofOptions): Promise<string>;
}

const PROOF_OPTIONS = ['method', 'url', 'token', 'nonce', 'iat', 'jti', 'broken'];
const FAR = 3600;

/**
 * Make a DPoP key for tests: a fresh key pair on every call, its public JWK and RFC 7638
 * thumbprint, and `proof()` for good and deliberately broken DPoP proofs (RFC 9449).
 *
 * @example
 * ```ts
 * const key = await createDpopKey(); // ES256
 * const token = await issuer.sign({ scope: 'billing:read' }, { dpop: key });
 * const url = 'https://api.test/invoices?page=2'; // htu: https://api.test/invoices
 * const headers = {
 *   authorization: `DPoP ${token}`,
 *   dpop: await key.proof({ method: 'GET', url, token }),
 * };
 * ```
 */
export async function createDpopKey(options: DpopKeyOptions = {}): Promise<DpopKey> {
  checkOptions('createDpopKey()', options, ['algorithm', 'now']);
  const algorithm = options.algorithm ?? 'ES256';
  if (typeof algorithm !== 'string' || !DPOP_ALGORITHMS.includes(algorithm)) {
    throw new TypeError(
      `createDpopKey(): \`algorithm\` must be one of ${DPOP_ALGORITHMS.join(', ')}`,
    );
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TypeError('createDpopKey(): `now` must be a function');
  // Extractable only so that a `private-jwk` proof can show the private members.
  const { privateKey, publicKey } = await generateKeyPair(algorithm, { extractable: true });
  const publicJwk: JWK = Object.freeze(await exportJWK(publicKey));
  const thumbprint = await calculateJwkThumbprint(publicJwk, 'sha256');
  let otherKey: Promise<CryptoKey> | undefined;

  async function proof(opts: DpopProofOptions): Promise<string> {
    checkOptions('proof()', opts, PROOF_OPTIONS);
    const { method, token, nonce, broken } = opts;
    if (typeof method !== 'string' || method === '') {
      throw new TypeError('proof(): `method` must be a non-empty string');
    }
    const htu = targetUri(opts.url);
    for (const [name, value] of Object.entries({ token, nonce, jti: opts.jti })) {
      if (value !== undefined && (typeof value !== 'string' || value === '')) {
        throw new TypeError(`proof(): \`${name}\` must be a non-empty string`);
      }
    }
    const iat = opts.iat ?? Math.floor(now() / 1000);
    if (!Number.isFinite(iat)) throw new TypeError('proof(): `iat` must be epoch seconds');
    if ((broken === 'wrong-ath' || broken === 'no-ath') && token === undefined) {
      throw new TypeError(`proof(): a \`${broken}\` proof needs the \`token\``);
    }

    const header: JWTHeaderParameters = { typ: 'dpop+jwt', alg: algorithm, jwk: { ...publicJwk } };
    const payload: JWTPayload = { jti: opts.jti ?? crypto.randomUUID(), htm: method, htu, iat };
    if (token !== undefined) payload.ath = await sha256(token);
    if (nonce !== undefined) payload.nonce = nonce;
    let signWith: CryptoKey | Uint8Array = privateKey;
    switch (broken) {
      case undefined:
      case 'bad-signature':
        break;
      case 'wrong-htm':
        payload.htm = method.toUpperCase() === 'POST' ? 'GET' : 'POST';
        break;
      case 'wrong-htu': {
        const url = new URL(htu);
        url.pathname = `/wrong${url.pathname}`;
        payload.htu = url.href;
        break;
      }
      case 'stale-iat':
        payload.iat = iat - FAR;
        break;
      case 'future-iat':
        payload.iat = iat + FAR;
        break;
      case 'no-jti':
        delete payload.jti;
        break;
      case 'wrong-ath':
        payload.ath = await sha256(`${token}.wrong`);
        break;
      case 'no-ath':
        delete payload.ath;
        break;
      case 'other-key':
        otherKey ??= generateKeyPair(algorithm).then((pair) => pair.privateKey);
        signWith = await otherKey;
        break;
      case 'private-jwk':
        header.jwk = await exportJWK(privateKey);
        break;
      case 'hs256': {
        const secret = crypto.getRandomValues(new Uint8Array(32));
        Object.assign(header, { alg: 'HS256', jwk: { kty: 'oct', k: base64url.encode(secret) } });
        signWith = secret;
        break;
      }
      case 'alg-none':
        return unsigned({ ...header, alg: 'none' }, payload);
      case 'wrong-typ':
        header.typ = 'JWT';
        break;
      case 'no-jwk':
        delete header.jwk;
        break;
      default:
        throw new TypeError(`proof(): \`broken\` must be one of ${DPOP_BROKEN_KINDS.join(', ')}`);
    }
    const jws = await new SignJWT(payload).setProtectedHeader(header).sign(signWith);
    return broken === 'bad-signature' ? tamper(jws) : jws;
  }

  return { algorithm, publicJwk, thumbprint, proof };
}

/** `url` without its query and fragment (RFC 9449 §4.2 `htu`). */
function targetUri(value: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' || value instanceof URL ? new URL(value) : undefined;
  } catch {}
  if (url === undefined) throw new TypeError('proof(): `url` must be an absolute URL');
  url.search = '';
  url.hash = '';
  return url.href;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return base64url.encode(new Uint8Array(digest));
}

function unsigned(header: Record<string, unknown>, payload: JWTPayload): string {
  const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${encode(header)}.${encode(payload)}.`;
}
