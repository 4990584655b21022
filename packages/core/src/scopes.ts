import type { Principal } from './types.js';

/**
 * Whether the principal holds all (`'all'`) or at least one (`'any'`) of the scopes.
 * Matching is exact and case-sensitive.
 *
 * @example
 * ```ts
 * hasScopes(principal, ['billing:read', 'billing:write'], 'any');
 * ```
 */
export function hasScopes(
  principal: Pick<Principal, 'scopes'>,
  required: readonly string[],
  mode: 'all' | 'any' = 'all',
): boolean {
  const granted = principal.scopes;
  return mode === 'all'
    ? required.every((s) => granted.includes(s))
    : required.some((s) => granted.includes(s));
}
