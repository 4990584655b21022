// The client's private key for private_key_jwt (RFC 7523 §2.2): a Web Crypto CryptoKey, one with
// its `kid`, or a private JWK that is imported, not extractable, on first use.
import type { CryptoKey, JWK } from 'oauth4webapi';

/**
 * The private key of a client that authenticates with `private_key_jwt`: a private `CryptoKey`,
 * the same with the `kid` to name in the assertion's header, or a private JWK with `alg` (RS256,
 * PS256, ES256, ES384, ES512 or EdDSA/Ed25519; its `kid` is used).
 *
 * @example
 * ```ts
 * const privateKey: ClientPrivateKey = JSON.parse(process.env.CLIENT_JWK!); // { kty, d, alg, kid, … }
 * ```
 */
export type ClientPrivateKey = CryptoKey | { key: CryptoKey; kid?: string } | JWK;

type ImportParams = RsaHashedImportParams | EcKeyImportParams | Algorithm;

const JWK_ALGORITHMS: Readonly<Record<string, ImportParams>> = {
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  PS256: { name: 'RSA-PSS', hash: 'SHA-256' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  ES384: { name: 'ECDSA', namedCurve: 'P-384' },
  ES512: { name: 'ECDSA', namedCurve: 'P-521' },
  EdDSA: { name: 'Ed25519' },
  Ed25519: { name: 'Ed25519' },
};

const isPrivateCryptoKey = (value: unknown): value is CryptoKey =>
  typeof value === 'object' &&
  value !== null &&
  (value as CryptoKey).type === 'private' &&
  typeof (value as CryptoKey).algorithm === 'object';

/**
 * Check `input` now (a TypeError names what is wrong, never a key member) and return how to get
 * `{ key, kid }` when the first assertion is signed.
 */
export function privateKeyLoader(
  where: string,
  input: unknown,
): () => Promise<{ key: CryptoKey; kid?: string }> {
  if (isPrivateCryptoKey(input)) return () => Promise.resolve({ key: input });
  const object = input as { key?: unknown; kid?: unknown } & JWK;
  if (typeof object === 'object' && object !== null && 'key' in object) {
    if (!isPrivateCryptoKey(object.key)) {
      throw new TypeError(`${where}: \`privateKey.key\` must be a private CryptoKey`);
    }
    if (object.kid !== undefined && typeof object.kid !== 'string') {
      throw new TypeError(`${where}: \`privateKey.kid\` must be a string`);
    }
    const pair = { key: object.key, ...(object.kid !== undefined && { kid: object.kid }) };
    return () => Promise.resolve(pair);
  }
  if (typeof object === 'object' && object !== null && typeof object.kty === 'string') {
    if (typeof object.d !== 'string') {
      throw new TypeError(
        `${where}: \`privateKey\` is a public JWK: private_key_jwt needs the private one`,
      );
    }
    const params = JWK_ALGORITHMS[String(object.alg)];
    if (params === undefined) {
      throw new TypeError(
        `${where}: \`privateKey\` JWK needs \`alg\`: RS256, PS256, ES256, ES384, ES512 or EdDSA`,
      );
    }
    const { alg: _alg, key_ops: _ops, use: _use, ext: _ext, kid, ...members } = object;
    let loaded: Promise<{ key: CryptoKey; kid?: string }> | undefined;
    return () => {
      loaded ??= crypto.subtle
        .importKey('jwk', members as JsonWebKey, params, false, ['sign'])
        .then(
          (key) => ({ key, ...(typeof kid === 'string' && { kid }) }),
          () => {
            loaded = undefined;
            throw new TypeError(
              `${where}: \`privateKey\` JWK could not be imported as ${object.alg}`,
            );
          },
        );
      return loaded;
    };
  }
  throw new TypeError(
    `${where}: \`privateKey\` must be a private CryptoKey, { key, kid }, or a private JWK with \`alg\``,
  );
}
