import type { AuthState } from '@portcullis/core';
import type { ErrorsMode } from './types.js';

interface Remembered {
  state: AuthState;
  errors: ErrorsMode;
}

// Keyed by Node's request, which every mounted sub-app shares; kept off `ctx.state`, which
// application code writes to.
const states = new WeakMap<object, Remembered>();

/**
 * Record that `authenticate()` ran on this request, for the scope guards after it.
 *
 * @example
 * ```ts
 * remember(ctx.req, { principal, realm: authenticator.realm }, 'respond');
 * ```
 */
export function remember(req: object, state: AuthState, errors: ErrorsMode): void {
  states.set(req, { state, errors });
}

/**
 * What `authenticate()` recorded for this request, if it ran.
 *
 * @example
 * ```ts
 * const err = check(recall(ctx.req)?.state);
 * ```
 */
export function recall(req: object): Remembered | undefined {
  return states.get(req);
}
