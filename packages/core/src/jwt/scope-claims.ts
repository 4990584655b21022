// Scopes as providers write them: one or several claims (`scope`, `scp`, `permissions`, `roles`)
// or dotted paths into an object claim (Keycloak's `realm_access.roles`), unioned. A string is
// space-delimited (RFC 6749 §3.3), an array is taken as it is; matching stays exact and
// case-sensitive. Claims are read through own properties only: `__proto__` and `constructor` are
// data, never a walk up a prototype.
import { AuthErrorCodes } from '../error-codes.js';
import { jwtRejection } from './errors.js';
import { ownClaim } from './parse.js';

/**
 * One configured scope claim: its name as configured, and the path to it (one segment for a
 * top-level claim).
 *
 * @example
 * ```ts
 * const [roles]: readonly ScopeClaim[] = scopeClaimsOf('realm_access.roles');
 * // { name: 'realm_access.roles', path: ['realm_access', 'roles'] }
 * ```
 */
export interface ScopeClaim {
  readonly name: string;
  readonly path: readonly string[];
}

const EMPTY: readonly string[] = Object.freeze([]);
const DEFAULT: readonly ScopeClaim[] = Object.freeze([{ name: 'scope', path: ['scope'] }]);

/**
 * The validated `scopeClaim` option: a claim name or dotted path, or a non-empty array of them.
 * Throws a `TypeError` for anything else (an empty name, an empty path segment, a non-string).
 *
 * @example
 * ```ts
 * scopeClaimsOf(['scope', 'permissions']); // two one-segment claims
 * scopeClaimsOf(undefined); // the default, `scope`
 * ```
 */
export function scopeClaimsOf(value: unknown): readonly ScopeClaim[] {
  if (value === undefined) return DEFAULT;
  const names: unknown[] = Array.isArray(value) ? value : [value];
  if (names.length === 0) {
    throw new TypeError('jwt(): `scopeClaim` must name at least one claim');
  }
  const claims: ScopeClaim[] = [];
  for (const name of names) {
    if (typeof name !== 'string' || name === '') {
      throw new TypeError(
        'jwt(): `scopeClaim` must be a claim name or dotted path, or a non-empty array of them',
      );
    }
    const path = name.split('.');
    if (path.includes('')) {
      throw new TypeError(
        'jwt(): a `scopeClaim` path has an empty segment: write `realm_access.roles`, not `realm_access..roles`',
      );
    }
    if (!claims.some((c) => c.name === name)) claims.push(Object.freeze({ name, path }));
  }
  return Object.freeze(claims);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function malformed(realm: string, jti: unknown): never {
  throw jwtRejection(
    AuthErrorCodes.JWT_CLAIM_INVALID,
    'The scope claim is invalid',
    'scope',
    realm,
    jti,
  );
}

// The value at a claim's path: a top-level claim of exactly that name wins (a namespaced claim
// such as `https://example.com/roles` has dots of its own), else the dotted path, through objects
// only. Absent anywhere on the way is `undefined`; a step through anything but an object is a
// malformed claim.
function valueAt(
  payload: Record<string, unknown>,
  claim: ScopeClaim,
  realm: string,
  jti: unknown,
): unknown {
  if (claim.path.length === 1 || Object.hasOwn(payload, claim.name))
    return ownClaim(payload, claim.name);
  let value: unknown = payload;
  for (const segment of claim.path) {
    if (value === undefined) return undefined;
    if (!isObject(value)) malformed(realm, jti);
    value = ownClaim(value, segment);
  }
  return value;
}

// One client sends the same scope string over and over: remember a few splits.
const splits = new Map<string, readonly string[]>();

function splitScopes(value: string): readonly string[] {
  let scopes = splits.get(value);
  if (scopes === undefined) {
    scopes = Object.freeze(value.split(' ').filter((s) => s !== ''));
    if (splits.size >= 256) splits.clear();
    splits.set(value, scopes);
  }
  return scopes;
}

// RFC 8693 §4.2 and RFC 9068 §2.2.3 make `scope` a space-delimited string; other claims (`scp`,
// `permissions`, `roles`) may also be arrays of strings. Empty entries are dropped.
function scopesOf(
  value: unknown,
  claim: ScopeClaim,
  realm: string,
  jti: unknown,
): readonly string[] {
  if (value === undefined) return EMPTY;
  if (typeof value === 'string') return splitScopes(value);
  if (claim.name !== 'scope' && Array.isArray(value) && value.every((s) => typeof s === 'string')) {
    return Object.freeze(value.filter((s: string) => s !== ''));
  }
  return malformed(realm, jti);
}

/**
 * The scopes of a verified payload: every configured claim's, in order of first appearance and
 * without repeats across claims. An absent claim adds nothing; one that is present but malformed
 * throws 401 `ERR_JWT_CLAIM_INVALID` (audit reason `scope`).
 *
 * @example
 * ```ts
 * readScopes({ scope: 'a b', realm_access: { roles: ['b', 'c'] } }, scopeClaimsOf(['scope', 'realm_access.roles']), 'api', undefined);
 * // ['a', 'b', 'c']
 * ```
 */
export function readScopes(
  payload: Record<string, unknown>,
  claims: readonly ScopeClaim[],
  realm: string,
  jti: unknown,
): readonly string[] {
  if (claims.length === 1) {
    const claim = claims[0]!;
    return scopesOf(valueAt(payload, claim, realm, jti), claim, realm, jti);
  }
  let union: Set<string> | undefined;
  let first: readonly string[] = EMPTY;
  for (const claim of claims) {
    const scopes = scopesOf(valueAt(payload, claim, realm, jti), claim, realm, jti);
    if (scopes.length === 0) continue;
    if (first === EMPTY) first = scopes;
    else {
      union ??= new Set(first);
      for (const s of scopes) union.add(s);
    }
  }
  return union === undefined ? first : Object.freeze([...union]);
}
