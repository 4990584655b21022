import type { AuthState } from '@portcullis/core';
import type { Context } from 'hono';
import type { ErrorsMode } from './types.js';

interface Remembered {
  state: AuthState;
  errors: ErrorsMode;
}

// Kept off `c.var`, which application code can set.
const states = new WeakMap<Context, Remembered>();

/** Record that `authenticate()` ran on this request, for the scope guards after it. */
export function remember(c: Context, state: AuthState, errors: ErrorsMode): void {
  states.set(c, { state, errors });
}

/** What `authenticate()` recorded for this request, if it ran. */
export function recall(c: Context): Remembered | undefined {
  return states.get(c);
}
