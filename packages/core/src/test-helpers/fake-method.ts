import { AuthErrorCodes } from '../error-codes.js';
import { invalidToken } from '../errors.js';
import { withDetail } from '../lib/detail.js';
import type { CredentialSource, Method, Principal, VerifyContext } from '../types.js';

/** A Method for frame tests: accepts `good-…` values, refuses the rest. */
export function fakeMethod(
  options: {
    type?: Principal['method'];
    headers?: string[];
    cookies?: string[];
    prefix?: string;
    verify?: (value: string, ctx: VerifyContext) => Promise<Principal>;
  } = {},
): Method & { seen: Array<{ value: string; source?: CredentialSource }> } {
  const type = options.type ?? 'api_key';
  const prefix = options.prefix ?? 'good';
  const seen: Array<{ value: string; source?: CredentialSource }> = [];
  return {
    type,
    headers: options.headers ?? [],
    cookies: options.cookies ?? [],
    seen,
    recognizes: (value, source) => {
      seen.push({ value, source });
      return value.startsWith(`${prefix}-`) || value.startsWith('bad-');
    },
    verify:
      options.verify ??
      (async (value, ctx) => {
        if (value.startsWith('bad-')) {
          throw withDetail(invalidToken(AuthErrorCodes.API_KEY_INVALID, 'Invalid', ctx.realm), {
            reason: 'unknown_key',
            keyId: 'k1',
          });
        }
        return {
          method: type,
          subject: value.slice(prefix.length + 1),
          scopes: ['x'],
          keyId: 'k1',
        };
      }),
  };
}
