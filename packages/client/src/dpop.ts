// DPoP proofs (RFC 9449 §4.2) for resource requests, signed with Web Crypto: one compact JWS per
// request, with `htm`, `htu` (the URL without query and fragment), `iat`, a fresh `jti`, `ath` (the
// access token's SHA-256) and the server's nonce when it asked for one. The token endpoint's proofs
// are oauth4webapi's, from the same key pair.
import type { CryptoKeyPair } from 'oauth4webapi';

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const encodeJson = (value: object): string => base64url(encoder.encode(JSON.stringify(value)));

type SignParams = AlgorithmIdentifier | EcdsaParams | RsaPssParams;

/** The JWS `alg` and the Web Crypto sign parameters for a private key, or undefined. */
function algorithmOf(key: CryptoKey): { alg: string; params: SignParams } | undefined {
  const algorithm = key.algorithm as KeyAlgorithm & {
    namedCurve?: string;
    hash?: { name: string };
  };
  switch (algorithm.name) {
    case 'ECDSA': {
      const curves: Record<string, string> = { 'P-256': '256', 'P-384': '384', 'P-521': '512' };
      const bits = curves[algorithm.namedCurve ?? ''];
      return bits === undefined
        ? undefined
        : { alg: `ES${bits}`, params: { name: 'ECDSA', hash: `SHA-${bits}` } };
    }
    case 'Ed25519':
      return { alg: 'EdDSA', params: { name: 'Ed25519' } };
    case 'RSASSA-PKCS1-v1_5':
      return algorithm.hash?.name === 'SHA-256'
        ? { alg: 'RS256', params: { name: 'RSASSA-PKCS1-v1_5' } }
        : undefined;
    case 'RSA-PSS':
      return algorithm.hash?.name === 'SHA-256'
        ? { alg: 'PS256', params: { name: 'RSA-PSS', saltLength: 32 } }
        : undefined;
    default:
      return undefined;
  }
}

/** The public members of a JWK, as a proof's header carries it. */
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
  RSA: ['kty', 'e', 'n'],
};

/** Signs DPoP proofs with one key pair. */
export interface DpopSigner {
  readonly keyPair: CryptoKeyPair;
  /** A proof for one request: `method` as sent, the absolute `url`, the token it carries. */
  proof(
    method: string,
    url: string,
    accessToken: string,
    nonce: string | undefined,
  ): Promise<string>;
}

/**
 * Make a fresh DPoP key pair: ES256, the private key not extractable (the public key always is).
 */
export async function generateDpopKeyPair(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
}

/** Check a user's key pair; throws a TypeError naming what is wrong. */
export function checkDpopKeyPair(where: string, keyPair: unknown): CryptoKeyPair {
  const pair = keyPair as Partial<CryptoKeyPair> | null;
  const { privateKey, publicKey } = pair ?? {};
  if (
    typeof privateKey !== 'object' ||
    privateKey === null ||
    privateKey.type !== 'private' ||
    !privateKey.usages.includes('sign') ||
    typeof publicKey !== 'object' ||
    publicKey === null ||
    publicKey.type !== 'public'
  ) {
    throw new TypeError(
      `${where}: \`dpop.key\` must be a Web Crypto CryptoKeyPair whose private key can sign`,
    );
  }
  if (algorithmOf(privateKey as CryptoKey) === undefined) {
    throw new TypeError(
      `${where}: \`dpop.key\` must be an ES256, ES384, ES512, Ed25519, RS256 or PS256 key pair`,
    );
  }
  return pair as CryptoKeyPair;
}

/** A signer for `keyPair` (checked by {@link checkDpopKeyPair}), on the clock `now` (ms). */
export function dpopSigner(keyPair: CryptoKeyPair, now: () => number): DpopSigner {
  const privateKey = keyPair.privateKey as CryptoKey;
  const { alg, params } = algorithmOf(privateKey)!;
  let header: Promise<string> | undefined;
  // The `ath` of the last token: one SHA-256 per token, not per request.
  let lastToken: string | undefined;
  let lastAth: Promise<string> | undefined;

  const encodedHeader = () => {
    header ??= crypto.subtle.exportKey('jwk', keyPair.publicKey as CryptoKey).then((jwk) => {
      const members = PUBLIC_MEMBERS[jwk.kty ?? ''] ?? [];
      const publicJwk = Object.fromEntries(
        members.map((m) => [m, (jwk as Record<string, unknown>)[m]]),
      );
      return encodeJson({ typ: 'dpop+jwt', alg, jwk: publicJwk });
    });
    return header;
  };

  const athOf = (token: string): Promise<string> => {
    if (token !== lastToken || lastAth === undefined) {
      lastToken = token;
      lastAth = crypto.subtle
        .digest('SHA-256', encoder.encode(token))
        .then((d) => base64url(new Uint8Array(d)));
    }
    return lastAth;
  };

  return {
    keyPair,
    async proof(method, url, accessToken, nonce) {
      const target = new URL(url);
      const payload = {
        jti: crypto.randomUUID(),
        htm: method,
        htu: `${target.origin}${target.pathname}`,
        iat: Math.floor(now() / 1000),
        ath: await athOf(accessToken),
        ...(nonce !== undefined && { nonce }),
      };
      const input = `${await encodedHeader()}.${encodeJson(payload)}`;
      const signature = await crypto.subtle.sign(params, privateKey, encoder.encode(input));
      return `${input}.${base64url(new Uint8Array(signature))}`;
    },
  };
}
