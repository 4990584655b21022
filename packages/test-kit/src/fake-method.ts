import {
  AuthErrorCodes,
  type Authenticator,
  createAuthenticator,
  type Method,
  type Principal,
} from '@portcullis/core';
import { invalidApiKey, unavailable } from '@portcullis/core/adapter';

/** Keys the fake method knows: each becomes a principal with these scopes. */
export const FAKE_KEYS: Readonly<Record<string, readonly string[]>> = {
  fk_admin: ['billing:read', 'billing:write'],
  fk_reader: ['billing:read'],
  fk_none: [],
  /** A broad scope: with `scopeHierarchy: ':'` it satisfies `billing:read` and `billing:write`. */
  fk_billing: ['billing'],
};

/** A value whose verify throws a plain Error with {@link FAKE_SECRET} in its message (a bug: 500). */
export const FAKE_BOOM = 'fk_boom';
/** A value whose verify fails as an unavailable dependency (503). */
export const FAKE_DOWN = 'fk_down';
/** The secret {@link FAKE_BOOM}'s error carries; it must never reach a response or an event. */
export const FAKE_SECRET = 'hunter2-db-password';
/** The realm of {@link fakeKeysAuthenticator}. */
export const FAKE_REALM = 'test';

/**
 * A Method that needs no crypto and no store: `fk_<name>` values, from `x-api-key` or
 * `Authorization: Bearer`, become the principal `{ subject: '<name>', scopes: FAKE_KEYS[value] }`;
 * any other `fk_` value is an unknown key (401), {@link FAKE_BOOM} a bug (500) and
 * {@link FAKE_DOWN} an outage (503).
 *
 * @example
 * ```ts
 * const authenticator = createAuthenticator({ methods: [fakeMethod()], realm: 'test' });
 * ```
 */
export function fakeMethod(): Method {
  return {
    type: 'api_key',
    headers: ['x-api-key'],
    cookies: [],
    recognizes: (value) => value.startsWith('fk_'),
    async verify(value, ctx): Promise<Principal> {
      if (value === FAKE_BOOM) throw new Error(`connect failed: ${FAKE_SECRET}`);
      if (value === FAKE_DOWN) {
        throw unavailable(AuthErrorCodes.LOOKUP_FAILED);
      }
      const scopes = FAKE_KEYS[value];
      if (scopes === undefined) {
        throw invalidApiKey(ctx.realm);
      }
      return { method: 'api_key', subject: value.slice(3), scopes, keyId: `id_${value}` };
    },
  };
}

/**
 * An authenticator over {@link fakeMethod} alone, realm {@link FAKE_REALM}.
 *
 * @example
 * ```ts
 * app.get('/me', authenticate(fakeKeysAuthenticator()), handler);
 * ```
 */
export function fakeKeysAuthenticator(): Authenticator {
  return createAuthenticator({ methods: [fakeMethod()], realm: FAKE_REALM });
}
