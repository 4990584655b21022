import type { AuthState } from '@portcullis/core';
import type { Context } from 'hono';
import type { ErrorsMode } from './types.js';

interface Remembered {
  state: AuthState;
  errors: ErrorsMode;
}

// Kept off `c.var`, which application code can set.
const states = new WeakMap<Context, Remembered>();

/**
 * Record that `authenticate()` ran on this request, for the scope guards after it.
 *
 * @example
 * ```ts
 * remember(c, { principal, realm: authenticator.realm }, 'respond');
 * ```
 */
export function remember(c: Context, state: AuthState, errors: ErrorsMode): void {
  states.set(c, { state, errors });
}

/**
 * What `authenticate()` recorded for this request, if it ran.
 *
 * @example
 * ```ts
 * const err = check(recall(c)?.state);
 * ```
 */
export function recall(c: Context): Remembered | undefined {
  return states.get(c);
}
