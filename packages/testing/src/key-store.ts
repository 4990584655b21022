import { type ApiKeyRecord, generateApiKey } from '@portcullis/core';
import { checkOptions } from '@portcullis/core/adapter';

const ADD_OPTIONS = ['subject', 'scopes', 'tenant', 'expiresAt', 'prefix', 'id'];

/** Options of {@link createKeyStore}. */
export interface KeyStoreOptions {
  /** The prefix of the keys `add()` makes. Default `'test'` (keys look like `test_…`). */
  prefix?: string;
  /** The clock, epoch milliseconds, used by `expire()` and `revoke()`. Default `Date.now`. */
  now?: () => number;
}

/** What {@link KeyStore.add} takes. */
export interface AddKeyInput {
  subject: string;
  scopes?: readonly string[];
  tenant?: string;
  /** A Date or epoch seconds. */
  expiresAt?: Date | number | null;
  /** The key's prefix, when it differs from the store's. */
  prefix?: string;
  /** The record id. Default `key_1`, `key_2`, … */
  id?: string;
}

/** A key `add()` made: show `key` to the test client; `hash` is what `lookup` receives. */
export interface AddedKey {
  key: string;
  hash: string;
  id: string;
}

/**
 * An in-memory API key store, made by {@link createKeyStore}.
 *
 * @example
 * ```ts
 * const store: KeyStore = createKeyStore();
 * const { key } = store.add({ subject: 'svc', scopes: ['a'] });
 * ```
 */
export interface KeyStore {
  readonly prefix: string;
  /** Spread into `apiKey()`: `{ lookup, prefix, cache: false }`, so changes show on the next request. */
  readonly apiKeyOptions: {
    lookup: (hash: string) => Promise<ApiKeyRecord | null>;
    prefix: string;
    cache: false;
  };
  /** Make a key with core's `generateApiKey()` and keep its record. */
  add(input: AddKeyInput): AddedKey;
  /** Make the key expired, as of the store's clock. */
  expire(id: string): void;
  /** Mark the key revoked, as of the store's clock. */
  revoke(id: string): void;
  /** Forget the key, so it becomes unknown. */
  remove(id: string): void;
  /** The record of a key, by id (a copy). */
  get(id: string): ApiKeyRecord | undefined;
  /** The `lookup` for `apiKey()`: an arrow function, safe to pass around unbound. */
  readonly lookup: (hash: string) => Promise<ApiKeyRecord | null>;
  /** How many times `lookup` was called (to test caching and no-lookup rejections). */
  readonly lookups: number;
  /** Make every `lookup` reject (a database outage) until called with `false`. */
  fail(on?: boolean): void;
}

/**
 * An in-memory store of fake API keys for tests: real keys from `generateApiKey()`, a `lookup`
 * to plug into `apiKey()`, and one-line expiry, revocation and removal.
 *
 * @example
 * ```ts
 * const store = createKeyStore({ prefix: 'test' });
 * const { key, id } = store.add({ subject: 'svc-reports', scopes: ['reports:read'] });
 * const authenticator = createAuthenticator({ methods: [apiKey(store.apiKeyOptions)] });
 * store.revoke(id); // the next request with `key` answers 401
 * ```
 */
export function createKeyStore(options: KeyStoreOptions = {}): KeyStore {
  checkOptions('createKeyStore()', options, ['prefix', 'now']);
  const prefix = options.prefix ?? 'test';
  const now = options.now ?? Date.now;
  const byHash = new Map<string, ApiKeyRecord>();
  const hashById = new Map<string, string>();
  let sequence = 0;
  let lookups = 0;
  let failing = false;

  function recordOf(id: string): ApiKeyRecord {
    const hash = hashById.get(id);
    const record = hash === undefined ? undefined : byHash.get(hash);
    if (hash === undefined || record === undefined) {
      throw new TypeError(`KeyStore: no key with id ${JSON.stringify(id)}`);
    }
    return record;
  }

  const lookup = async (hash: string): Promise<ApiKeyRecord | null> => {
    lookups += 1;
    if (failing) throw new Error('KeyStore: simulated lookup failure');
    const record = byHash.get(hash);
    return record === undefined ? null : { ...record, scopes: [...record.scopes] };
  };

  return {
    prefix,
    apiKeyOptions: { lookup, prefix, cache: false },
    add(input) {
      checkOptions('KeyStore.add()', input, ADD_OPTIONS);
      if (typeof input.subject !== 'string' || input.subject === '') {
        throw new TypeError('KeyStore.add(): `subject` must be a non-empty string');
      }
      sequence += 1;
      const id = input.id ?? `key_${sequence}`;
      if (hashById.has(id)) throw new TypeError(`KeyStore.add(): id ${JSON.stringify(id)} exists`);
      const { key, hash } = generateApiKey({ prefix: input.prefix ?? prefix });
      const record: ApiKeyRecord = {
        id,
        subject: input.subject,
        scopes: [...(input.scopes ?? [])],
      };
      if (input.tenant !== undefined) record.tenant = input.tenant;
      if (input.expiresAt !== undefined) record.expiresAt = input.expiresAt;
      byHash.set(hash, record);
      hashById.set(id, hash);
      return { key, hash, id };
    },
    expire(id) {
      recordOf(id).expiresAt = new Date(now() - 1000);
    },
    revoke(id) {
      recordOf(id).revokedAt = new Date(now());
    },
    remove(id) {
      recordOf(id);
      byHash.delete(hashById.get(id) as string);
      hashById.delete(id);
    },
    get(id) {
      const hash = hashById.get(id);
      const record = hash === undefined ? undefined : byHash.get(hash);
      return record && { ...record, scopes: [...record.scopes] };
    },
    lookup,
    get lookups() {
      return lookups;
    },
    fail(on = true) {
      failing = on;
    },
  };
}
