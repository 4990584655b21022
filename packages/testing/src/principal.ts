import type { AuthMethodName, JWTPayload, Principal } from '@portcullis/core';

/**
 * What {@link testPrincipal} takes; everything has a default.
 *
 * @example
 * ```ts
 * const input: TestPrincipalInput = { method: 'jwt', scopes: ['billing:read'] };
 * ```
 */
export interface TestPrincipalInput {
  /** Default `'test-subject'`. */
  subject?: string;
  /** Default none. */
  scopes?: readonly string[];
  /** Default `'api_key'`. */
  method?: AuthMethodName;
  tenant?: string;
  /** JWTs: the OAuth client (`client_id`), as `Principal.client`. Default none. */
  client?: string;
  /** API keys: default `'test-key'`. */
  keyId?: string;
  /** JWTs: default `{ sub, scope }` from `subject` and `scopes` (and `client_id` from `client`). */
  claims?: JWTPayload;
  expiresAt?: Date;
}

/**
 * Make a {@link Principal} as the verifiers would, for unit tests that need no token at all.
 *
 * @example
 * ```ts
 * const principal = testPrincipal({ subject: 'agent-7', scopes: ['billing:read'] });
 * app.use(authenticate(fakeAuthenticator(principal)));
 * ```
 */
export function testPrincipal(input: TestPrincipalInput = {}): Principal {
  const method = input.method ?? 'api_key';
  if (method !== 'api_key' && method !== 'jwt') {
    throw new TypeError("testPrincipal(): `method` must be 'api_key' or 'jwt'");
  }
  const subject = input.subject ?? 'test-subject';
  const scopes = Object.freeze([...(input.scopes ?? [])]);
  const principal: Principal = { method, subject, scopes };
  if (input.tenant !== undefined) principal.tenant = input.tenant;
  if (input.expiresAt !== undefined) principal.expiresAt = input.expiresAt;
  if (method === 'api_key') {
    principal.keyId = input.keyId ?? 'test-key';
  } else {
    principal.claims = input.claims ?? {
      sub: subject,
      scope: scopes.join(' '),
      ...(input.client === undefined ? {} : { client_id: input.client }),
    };
    if (input.client !== undefined) principal.client = input.client;
  }
  return principal;
}
