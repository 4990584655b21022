import { maskedFace, maskSecret } from './mask.js';
import { checkOptions } from './options.js';
import type { CredentialProvider } from './provider.js';

/**
 * Options of {@link apiKeyAuth}.
 *
 * @example
 * ```ts
 * const options: ApiKeyAuthOptions = { env: 'BILLING_API_KEY', header: 'x-api-key' };
 * ```
 */
export interface ApiKeyAuthOptions {
  /** The environment variable read when no key is given. Default `'PORTCULLIS_API_KEY'`. */
  env?: string;
  /**
   * How the key is sent: `'authorization'` (`Authorization: Bearer <key>`, the default) or
   * `'x-api-key'` (`x-api-key: <key>`).
   */
  header?: 'authorization' | 'x-api-key';
}

/**
 * An API key as a {@link CredentialProvider}. `toString()`, `toJSON()` and `util.inspect` show the
 * key masked (`pcs_abcd…wxyz`).
 *
 * @example
 * ```ts
 * const auth: ApiKeyAuth = apiKeyAuth();
 * console.log(auth); // ApiKeyAuth {"header":"authorization","key":"pcs_4fGh…e2bX"}
 * ```
 */
export interface ApiKeyAuth extends CredentialProvider {
  /** The header the key is sent in. */
  readonly header: 'authorization' | 'x-api-key';
}

const WHERE = 'apiKeyAuth()';
const DEFAULT_ENV = 'PORTCULLIS_API_KEY';
// What a header value can carry without being mangled or split: visible ASCII.
const HEADER_SAFE = /^[\x21-\x7e]+$/;

interface ProcessLike {
  process?: { env?: Record<string, string | undefined> };
}

/** The variable `name` of `process.env`, where there is a `process` (Node, Bun, Deno 2). */
function readEnv(name: string): string | undefined {
  try {
    return (globalThis as ProcessLike).process?.env?.[name];
  } catch {
    // Deno without --allow-env throws on access: as if unset.
    return undefined;
  }
}

/**
 * Send an API key with every request: `key`, else the environment variable `env`
 * (`PORTCULLIS_API_KEY`), else a `TypeError` naming both. Surrounding whitespace (a trailing
 * newline from a file) is dropped. As `Authorization: Bearer <key>` by default, or as
 * `x-api-key: <key>`.
 *
 * @example
 * ```ts
 * const api = authFetch(apiKeyAuth()); // PORTCULLIS_API_KEY
 * const res = await api('https://api.example.com/conversations');
 *
 * const billing = apiKeyAuth(process.env.BILLING_KEY, { header: 'x-api-key' });
 * ```
 */
export function apiKeyAuth(key?: string, options: ApiKeyAuthOptions = {}): ApiKeyAuth {
  checkOptions(WHERE, options, ['env', 'header']);
  const { env = DEFAULT_ENV, header = 'authorization' } = options;
  if (typeof env !== 'string' || env === '') {
    throw new TypeError(`${WHERE}: \`env\` must be the name of an environment variable`);
  }
  if (header !== 'authorization' && header !== 'x-api-key') {
    throw new TypeError(`${WHERE}: \`header\` must be 'authorization' or 'x-api-key'`);
  }
  if (key !== undefined && typeof key !== 'string') {
    throw new TypeError(`${WHERE}: the API key must be a string`);
  }
  const value = (key === undefined || key.trim() === '' ? readEnv(env) : key)?.trim();
  if (value === undefined || value === '') {
    throw new TypeError(
      `${WHERE}: no API key: pass one, apiKeyAuth(key), or set the ${env} environment variable`,
    );
  }
  if (!HEADER_SAFE.test(value)) {
    throw new TypeError(
      `${WHERE}: the API key has characters a header cannot carry (spaces or control characters)`,
    );
  }
  const name = header === 'authorization' ? 'authorization' : 'x-api-key';
  const sent = header === 'authorization' ? `Bearer ${value}` : value;
  const masked = maskSecret(value, { prefix: true });
  const provider: ApiKeyAuth = {
    header,
    getHeaders: () => Promise.resolve({ [name]: sent }),
  };
  return maskedFace(provider, 'ApiKeyAuth', () => ({ header, key: masked }));
}
