import type { Principal } from './types.js';

/**
 * Whether the principal holds all (`'all'`) or at least one (`'any'`) of the scopes. Matching is
 * exact and case-sensitive; with `implies` (say `(g, r) => r.startsWith(g + ':')`), a granted
 * scope also satisfies every scope it implies.
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
  implies?: (granted: string, required: string) => boolean,
): boolean {
  const granted = principal.scopes;
  const holds =
    implies === undefined
      ? (s: string) => granted.includes(s)
      : (s: string) => granted.includes(s) || granted.some((g) => implies(g, s));
  return mode === 'all' ? required.every(holds) : required.some(holds);
}
