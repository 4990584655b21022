// Turning `secret`, `publicKey`, `jwks` or `discovery` into the one question the verifier asks per token:
// which signature check serves this `alg` and `kid`? Keys are imported here, once.
import { isHmac } from '../crypto/algorithms.js';
import type {
  Algorithm,
  JWK,
  JwtCrypto,
  KeyInfo,
  KeyObject,
  SignatureCheck,
} from '../crypto/types.js';
import type { Awaitable } from '../lib/awaitable.js';
import { checkOptions } from '../lib/options.js';
import { Discovery, discoveryIssuer } from './discovery.js';
import { noMatchingKey, throwOptionError } from './errors.js';
import { safeTransport } from './fetch-jwks.js';
import { KeySet } from './key-set.js';
import { RemoteKeySet, type RemoteSettings } from './remote-jwks.js';
import type { JwtOptions } from './types.js';

/**
 * Picks the signature check for a token; throws an `AuthError` when there is none.
 *
 * @example
 * ```ts
 * const check = await source('RS256', header.kid, Date.now(), 'api');
 * ```
 */
export type KeySource = (
  alg: Algorithm,
  kid: string | undefined,
  now: number,
  realm: string,
) => Awaitable<SignatureCheck>;

function checksFor(key: KeyInfo, algorithms: readonly Algorithm[], impl: JwtCrypto, what: string) {
  const checks = new Map<Algorithm, SignatureCheck>();
  for (const alg of algorithms) {
    try {
      checks.set(alg, impl.verifier(key, alg));
    } catch (err) {
      throwOptionError(`\`${what}\` cannot serve ${alg}: ${(err as Error).message}`);
    }
  }
  return checks;
}

function importSecret(secret: unknown, impl: JwtCrypto): KeyInfo {
  if (typeof secret === 'string') return impl.importSecret(new TextEncoder().encode(secret));
  if (secret instanceof Uint8Array || (typeof secret === 'object' && secret !== null)) {
    try {
      return impl.importSecret(secret as Uint8Array | KeyObject);
    } catch {
      return throwOptionError('`secret` must be a string, a Uint8Array or a secret KeyObject');
    }
  }
  return throwOptionError('`secret` must be a string, a Uint8Array or a secret KeyObject');
}

function importPublic(key: unknown, impl: JwtCrypto): KeyInfo {
  try {
    const isJwk = typeof key === 'object' && key !== null && typeof (key as JWK).kty === 'string';
    if (isJwk && (key as JWK).kty === 'oct')
      throwOptionError('`publicKey` is a secret; pass it as `secret`');
    return isJwk ? impl.importJwk(key as JWK) : impl.importPublicKey(key as string);
  } catch (err) {
    return throwOptionError((err as Error).message.replace(/^jwt\(\): /, ''));
  }
}

const JWKS_OPTIONS = [
  'timeout',
  'cooldown',
  'cacheMaxAge',
  'maxBytes',
  'headers',
  'fetch',
  'allowHttp',
];

function remoteSettings(options: JwtOptions['jwksOptions']): RemoteSettings {
  const o = options ?? {};
  if (typeof o !== 'object' || o === null) throwOptionError('`jwksOptions` must be an object');
  checkOptions('jwt()', o, JWKS_OPTIONS, 'jwksOptions');
  const positive = (value: unknown, name: string, fallback: number) => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
      throwOptionError(`\`jwksOptions.${name}\` must be a positive number`);
    }
    return value;
  };
  if (o.allowHttp !== undefined && typeof o.allowHttp !== 'boolean') {
    throwOptionError('`jwksOptions.allowHttp` must be a boolean');
  }
  if (o.fetch !== undefined && typeof o.fetch !== 'function')
    throwOptionError('`jwksOptions.fetch` must be a function');
  if (o.headers !== undefined && (typeof o.headers !== 'object' || o.headers === null)) {
    throwOptionError('`jwksOptions.headers` must be an object of strings');
  }
  return {
    timeout: positive(o.timeout, 'timeout', 5_000),
    cooldown: positive(o.cooldown, 'cooldown', 30_000),
    cacheMaxAge: positive(o.cacheMaxAge, 'cacheMaxAge', 600_000),
    maxBytes: positive(o.maxBytes, 'maxBytes', 512 * 1024),
    headers: { ...o.headers },
    fetch: o.fetch,
  };
}

function remoteUrl(value: string | URL, allowHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return throwOptionError('`jwks` is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throwOptionError('`jwks` must be an https URL');
  if (!safeTransport(url, allowHttp)) {
    throwOptionError(
      '`jwks` must be an https URL (http is allowed for localhost, or with `jwksOptions.allowHttp`)',
    );
  }
  return url;
}

/** Every configured algorithm finds a key in a local set, else it is a configuration mistake. */
function localSource(keys: unknown, algorithms: readonly Algorithm[], impl: JwtCrypto): KeySource {
  if (!Array.isArray(keys)) throwOptionError('`jwks` must be a URL or an object `{ keys: [...] }`');
  const set = KeySet.from(keys, algorithms, impl);
  if (set.usable === 0)
    throwOptionError('`jwks` holds no key usable with the configured `algorithms`');
  return (alg, kid, _now, realm) => {
    const found = set.select(alg, kid);
    if (typeof found === 'function') return found;
    throw noMatchingKey(found === 'ambiguous' ? 'ambiguous_key' : 'unknown_kid', realm);
  };
}

/**
 * The key source and, for a remote set, its loader (for tests and diagnostics).
 *
 * @example
 * ```ts
 * const { source, remote }: Keys = buildKeys(options, ['RS256'], impl);
 * ```
 */
export interface Keys {
  source: KeySource;
  remote: RemoteKeySet | undefined;
}

/**
 * Import the configured key material once and return how a token finds its key.
 *
 * @example
 * ```ts
 * const { source } = buildKeys(options, ['RS256'], impl);
 * const check = await source('RS256', header.kid, Date.now(), 'api');
 * ```
 */
export function buildKeys(
  options: JwtOptions,
  algorithms: readonly Algorithm[],
  impl: JwtCrypto,
): Keys {
  const given = ['secret', 'publicKey', 'jwks'].filter(
    (name) => options[name as keyof JwtOptions] !== undefined,
  );
  const discovery = options.discovery as unknown;
  if (discovery !== undefined && typeof discovery !== 'boolean')
    throwOptionError('`discovery` must be true (or left out)');
  if (discovery === true) return discoveredKeys(options, given, algorithms, impl);
  if (given.length !== 1)
    throwOptionError('give exactly one of `secret`, `publicKey` or `jwks`, or `discovery: true`');
  if (options.jwksOptions !== undefined && given[0] !== 'jwks') {
    throwOptionError('`jwksOptions` only applies with a `jwks` URL or `discovery: true`');
  }
  if (options.secret !== undefined) {
    const checks = checksFor(importSecret(options.secret, impl), algorithms, impl, 'secret');
    return { source: (alg) => checks.get(alg)!, remote: undefined };
  }
  if (options.publicKey !== undefined) {
    const checks = checksFor(importPublic(options.publicKey, impl), algorithms, impl, 'publicKey');
    return { source: (alg) => checks.get(alg)!, remote: undefined };
  }
  const jwks = options.jwks as unknown;
  if (typeof jwks === 'string' || jwks instanceof URL) {
    if (algorithms.some(isHmac))
      throwOptionError('HS* algorithms need a `secret`, not a remote `jwks`');
    const url = remoteUrl(jwks, options.jwksOptions?.allowHttp === true);
    return remoteKeys(new RemoteKeySet(url, algorithms, impl, remoteSettings(options.jwksOptions)));
  }
  if (options.jwksOptions !== undefined)
    throwOptionError('`jwksOptions` only applies with a `jwks` URL or `discovery: true`');
  if (typeof jwks !== 'object' || jwks === null)
    throwOptionError('`jwks` must be a URL or `{ keys: [...] }`');
  return {
    source: localSource((jwks as { keys?: unknown }).keys, algorithms, impl),
    remote: undefined,
  };
}

const remoteKeys = (remote: RemoteKeySet): Keys => ({
  source: (alg, kid, now, realm) => remote.select(alg, kid, now, realm),
  remote,
});

/** `discovery: true`: a remote key set at the `jwks_uri` of the issuer's metadata. */
function discoveredKeys(
  options: JwtOptions,
  given: readonly string[],
  algorithms: readonly Algorithm[],
  impl: JwtCrypto,
): Keys {
  if (given.length > 0) {
    throwOptionError(
      `\`discovery: true\` finds the issuer's key set: leave out \`${given.join('`, `')}\``,
    );
  }
  if (algorithms.some(isHmac))
    throwOptionError('HS* algorithms need a `secret`; `discovery` finds public keys only');
  const settings = remoteSettings(options.jwksOptions);
  const allowHttp = options.jwksOptions?.allowHttp === true;
  const discovery = new Discovery(discoveryIssuer(options.issuer, allowHttp), settings, allowHttp);
  return remoteKeys(new RemoteKeySet(discovery, algorithms, impl, settings));
}
