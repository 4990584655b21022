// The types an adapter works with: its options, and what it records for a request once
// `authenticate()` has run, for the scope guards after it.
import type { Authenticator, Principal } from '../types.js';

/**
 * How an adapter answers a failure: send the response itself, or throw into the framework's
 * error flow.
 *
 * @example
 * ```ts
 * const errors: ErrorsMode = options.errors ?? 'respond';
 * ```
 */
export type ErrorsMode = 'respond' | 'throw';

/**
 * The options every adapter's `authenticate()` takes.
 *
 * @example
 * ```ts
 * const options: AdapterOptions = { optional: true, errors: 'throw' };
 * ```
 */
export interface AdapterOptions {
  optional?: boolean;
  errors?: ErrorsMode;
}

/**
 * What a scope guard checks: what `authenticate()` found for the request.
 *
 * @example
 * ```ts
 * const state: AuthState = { principal, realm: authenticator.realm, authenticator };
 * ```
 */
export interface AuthState {
  /** The principal, or `null` when an optional route saw no credential. */
  principal: Principal | null;
  /** The authenticator's realm, for the challenge of a 401 or 403. */
  realm: string;
  /**
   * The authenticator that ran, when known: a 403 is reported to its `onEvent` as one `denied`
   * event. Without it the guard answers the same and reports nothing.
   */
  authenticator?: Authenticator;
}

/**
 * What an adapter records for one request once `authenticate()` has run (see `rememberAuth()`).
 * Record the `authenticator` too, so the scope guards report their 403s to its `onEvent`.
 *
 * @example
 * ```ts
 * rememberAuth(req, { principal, realm: authenticator.realm, errors: 'respond', authenticator });
 * ```
 */
export interface RequestAuth extends AuthState {
  /** How the scope guards after it answer, the same way as `authenticate()`. */
  errors: ErrorsMode;
}
