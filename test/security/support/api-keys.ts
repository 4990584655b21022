import { type ApiKeyRecord, apiKey, generateApiKey, type LookupResult } from '@portcullis/core';
import { secret } from './collector.js';

/** The key prefix the scenarios use. */
export const PREFIX = 'pcs';

/** A key the store knows, and its hash. */
export interface StoredKey {
  key: string;
  hash: string;
  record: ApiKeyRecord;
}

/** An in-memory key store whose lookups are counted and whose behaviour can be changed. */
export interface KeyStore {
  /** Every hash `lookup` was called with. */
  calls: string[];
  /** Replace how `lookup` answers (default: the stored record or `null`). */
  behave: ((hash: string) => Promise<LookupResult> | LookupResult) | undefined;
  add(record?: Partial<ApiKeyRecord>): StoredKey;
  lookup: (hash: string) => Promise<LookupResult> | LookupResult;
}

/**
 * An in-memory API key store for the scenarios; every key and hash it makes is watched by the
 * leak check.
 *
 * @example
 * ```ts
 * const store = keyStore();
 * const { key } = store.add({ scopes: ['admin'] });
 * ```
 */
export function keyStore(): KeyStore {
  const records = new Map<string, ApiKeyRecord>();
  let n = 0;
  const store: KeyStore = {
    calls: [],
    behave: undefined,
    add(partial = {}) {
      const { key, hash } = generateApiKey({ prefix: PREFIX });
      secret(key);
      secret(hash);
      n++;
      const record: ApiKeyRecord = {
        id: `key_${n}`,
        subject: `svc-${n}`,
        scopes: ['read'],
        ...partial,
      };
      records.set(hash, record);
      return { key, hash, record };
    },
    lookup(hash) {
      store.calls.push(hash);
      if (store.behave !== undefined) return store.behave(hash);
      return records.get(hash) ?? null;
    },
  };
  return store;
}

/**
 * A well-formed key (right prefix, valid checksum) that no store knows.
 *
 * @example
 * ```ts
 * const stranger = unknownKey();
 * ```
 */
export function unknownKey(): string {
  const { key, hash } = generateApiKey({ prefix: PREFIX });
  secret(hash);
  return secret(key);
}

/**
 * The API key method over a store, with the cache off so every request reaches `lookup`
 * unless the format is refused first.
 *
 * @example
 * ```ts
 * const method = keyMethod(store, { lookupTimeout: 50 });
 * ```
 */
export function keyMethod(store: KeyStore, extra: Partial<Parameters<typeof apiKey>[0]> = {}) {
  return apiKey({ prefix: PREFIX, lookup: store.lookup, cache: false, ...extra });
}
