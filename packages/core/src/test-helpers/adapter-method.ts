// Shared by the Express, Koa and Hono adapters' unit tests (imported by relative path: it is
// test code, never published), so the three drive the same fake credentials.
import { AuthError, AuthErrorCodes } from '../errors.js';
import type { Method, Principal } from '../types.js';

/** Keys the fake method knows: each becomes a principal with these scopes. */
export const FAKE_KEYS: Record<string, readonly string[]> = {
  fk_admin: ['billing:read', 'billing:write'],
  fk_reader: ['billing:read'],
  fk_none: [],
};

/** A value whose verify throws a plain Error with a secret in its message. */
export const FAKE_BOOM = 'fk_boom';
/** A value whose verify fails as an unavailable dependency (503). */
export const FAKE_DOWN = 'fk_down';
/** The secret FAKE_BOOM's error carries; it must never reach a response. */
export const FAKE_SECRET = 'hunter2-db-password';

/**
 * A Method that needs no crypto: `fk_<name>` values via `x-api-key` or `Authorization: Bearer`.
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
    claims: (value) => value.startsWith('fk_'),
    async verify(value, ctx): Promise<Principal> {
      if (value === FAKE_BOOM) throw new Error(`connect failed: ${FAKE_SECRET}`);
      if (value === FAKE_DOWN) {
        throw new AuthError({
          status: 503,
          error: 'temporarily_unavailable',
          code: AuthErrorCodes.LOOKUP_FAILED,
          description: 'Authentication is temporarily unavailable',
        });
      }
      const scopes = FAKE_KEYS[value];
      if (scopes === undefined) {
        throw new AuthError({
          status: 401,
          error: 'invalid_token',
          code: AuthErrorCodes.API_KEY_INVALID,
          description: 'The API key is not valid',
          realm: ctx.realm,
        });
      }
      return { method: 'api_key', subject: value.slice(3), scopes, keyId: `id_${value}` };
    },
  };
}
