import {
  type ApiKeyRecord,
  type AuthEvent,
  type Authenticator,
  apiKey,
  createAuthenticator,
  generateApiKey,
  type LimitStore,
} from '@portcullis/core';
import { FAKE_REALM, FAKE_SECRET } from './fake-method.js';

/** The keys of {@link tieredAuthenticator}, by name; each record's `metadata.tier` is its tier. */
export interface TieredKeys {
  /** Tier `free`. */
  free: string;
  /** Another key of tier `free`, with a bucket of its own. */
  free2: string;
  /** Tier `pro`. */
  pro: string;
  /** Tier `internal`. */
  internal: string;
}

const TIER_OF: Record<keyof TieredKeys, string> = {
  free: 'free',
  free2: 'free',
  pro: 'pro',
  internal: 'internal',
};

/**
 * An authenticator over real `apiKey()` records (realm {@link FAKE_REALM}) whose `metadata`
 * carries a tier, for limits that read `principal.metadata`: the key named `name` has subject
 * `svc-<name>` and id `key_<name>`.
 *
 * @example
 * ```ts
 * const { authenticator, keys } = tieredAuthenticator((e) => events.push(e));
 * await target.get('/limited', { 'x-api-key': keys.pro });
 * ```
 */
export function tieredAuthenticator(onEvent?: (event: AuthEvent) => void): {
  authenticator: Authenticator;
  keys: TieredKeys;
} {
  const records = new Map<string, ApiKeyRecord>();
  const keys = {} as TieredKeys;
  for (const [name, tier] of Object.entries(TIER_OF) as [keyof TieredKeys, string][]) {
    const { key, hash } = generateApiKey({ prefix: 'tk' });
    records.set(hash, {
      id: `key_${name}`,
      subject: `svc-${name}`,
      scopes: [],
      metadata: { tier },
    });
    keys[name] = key;
  }
  const authenticator = createAuthenticator({
    realm: FAKE_REALM,
    methods: [apiKey({ prefix: 'tk', lookup: (hash) => records.get(hash) ?? null })],
    ...(onEvent === undefined ? {} : { onEvent }),
  });
  return { authenticator, keys };
}

/**
 * A limit store that cannot answer: every call throws (`'throw'`) or returns a rejected promise
 * (`'reject'`, the default), with an error whose message holds {@link FAKE_SECRET}, which must
 * never reach a response or an event.
 *
 * @example
 * ```ts
 * const route = { path: '/down', rateLimit: { limit: 5, window: 60, store: failingLimitStore() } };
 * ```
 */
export function failingLimitStore(how: 'throw' | 'reject' = 'reject'): LimitStore {
  const fail = () => {
    const err = new Error(`limit store down: ${FAKE_SECRET}`);
    if (how === 'throw') throw err;
    return Promise.reject(err);
  };
  return { take: fail, spend: fail };
}
