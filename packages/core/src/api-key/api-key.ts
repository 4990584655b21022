import type { ApiKeyRecord, Method } from '../types.js';

/** What `lookup` may return. */
export type LookupResult = ApiKeyRecord | null | undefined;

/** Options of {@link apiKey}. */
export interface ApiKeyOptions {
  /**
   * Find a key's record by the lowercase hex SHA-256 of the presented key (see `hashApiKey`).
   * Return `null`/`undefined` for an unknown hash. Throwing or rejecting answers 503, never 401.
   */
  lookup: (hash: string) => Promise<LookupResult> | LookupResult;
  /**
   * The key prefix (`pcs` for keys like `pcs_…`). With a prefix, a `Bearer` value that starts with
   * `<prefix>_` is routed to this method, and a key with another prefix is refused without lookup.
   */
  prefix?: string;
  /** The header that carries the key. Default `'x-api-key'`. */
  header?: string;
  /** Accept the key as `Authorization: Bearer <key>` too. Default `true` (needs `prefix`). */
  bearer?: boolean;
  /**
   * Check the checksum of keys made by `generateApiKey()`, refusing a mistyped or forged key with
   * no lookup. Default `true`; set `false` for keys of another format.
   */
  checksum?: boolean;
  /** Cache of records by hash, and of unknown hashes. `false` turns both off. */
  cache?: ApiKeyCacheOptions | false;
  /** Milliseconds to wait for `lookup` before answering 503. Default 5000. */
  lookupTimeout?: number;
}

/** Bounds of the API key record cache. */
export interface ApiKeyCacheOptions {
  /** Most records kept. Default 10,000. */
  max?: number;
  /** Milliseconds a found record is reused without a lookup. Default 30,000. */
  ttl?: number;
  /** Most unknown hashes remembered. Default 10,000. */
  negativeMax?: number;
  /** Milliseconds an unknown hash is answered 401 without a lookup. Default 5,000. */
  negativeTtl?: number;
}

/** The method `apiKey()` returns: a {@link Method} you can also tell about revocations. */
export interface ApiKeyMethod extends Method {
  readonly type: 'api_key';
  /** Forget the cached record (or unknown mark) of one key hash, effective on the next request. */
  invalidate(hash: string): void;
  /** Forget every cached record and unknown mark. */
  clearCache(): void;
}

/**
 * Verify API keys: hash the presented key, find its record with your `lookup`, check expiry and
 * revocation, and make a principal.
 *
 * @example
 * ```ts
 * const keys = apiKey({ prefix: 'pcs', lookup: (hash) => db.apiKeys.findOne({ hash }) });
 * ```
 */
export function apiKey(options: ApiKeyOptions): ApiKeyMethod {
  void options;
  throw new Error('not implemented yet');
}
