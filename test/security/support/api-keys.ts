import { type ApiKeyRecord, apiKey, generateApiKey, type LookupResult } from '@portcullis/core';
import { type AddKeyInput, createKeyStore } from '@portcullis/testing';
import { secret } from './collector.js';

/** The key prefix the scenarios use. */
export const PREFIX = 'pcs';

/** A key the store knows, and its hash. */
export interface StoredKey {
  key: string;
  hash: string;
  record: ApiKeyRecord;
}

/**
 * The public test key store (`createKeyStore()` from @portcullis/testing) with what the attacks
 * need on top: every hash `lookup` saw, and `lookup` answers that can be replaced.
 */
export interface KeyStore {
  /** Every hash `lookup` was called with. */
  calls: string[];
  /** Replace how `lookup` answers (default: the stored record or `null`). */
  behave: ((hash: string) => Promise<LookupResult> | LookupResult) | undefined;
  /** Add a key (default subject `svc-<n>`, scopes `['read']`). */
  add(input?: Partial<AddKeyInput>): StoredKey;
  /** Mark a key revoked, as of now. */
  revoke(id: string): void;
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
  const inner = createKeyStore({ prefix: PREFIX });
  let n = 0;
  const store: KeyStore = {
    calls: [],
    behave: undefined,
    add(input = {}) {
      n++;
      const { key, hash, id } = inner.add({ subject: `svc-${n}`, scopes: ['read'], ...input });
      secret(key);
      secret(hash);
      return { key, hash, record: inner.get(id)! };
    },
    revoke: (id) => inner.revoke(id),
    lookup(hash) {
      store.calls.push(hash);
      if (store.behave !== undefined) return store.behave(hash);
      return inner.lookup(hash);
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
