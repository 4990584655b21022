import { checkOptions } from '../lib/options.js';
import type { Authenticator } from '../types.js';
import type { AdapterOptions, ErrorsMode } from './types.js';

const ADAPTER_OPTIONS = ['optional', 'errors'] as const;

/**
 * Check an adapter's `authenticate(authenticator, options)` arguments once, at construction, and
 * settle the defaults. Throws `TypeError` for a mistake, an unknown option included. `where` names
 * the adapter's function in messages, and `more` lists the options it takes besides
 * `optional` and `errors`.
 *
 * @example
 * ```ts
 * const { optional, errors } = adapterOptions(authenticator, options, 'respond');
 * ```
 */
export function adapterOptions(
  authenticator: Authenticator,
  options: AdapterOptions,
  defaultErrors: ErrorsMode,
  where = 'authenticate()',
  more: readonly string[] = [],
): { optional: boolean; errors: ErrorsMode } {
  if (typeof authenticator?.authenticate !== 'function') {
    throw new TypeError(`${where} needs the authenticator made by createAuthenticator()`);
  }
  checkOptions(where, options, [...ADAPTER_OPTIONS, ...more]);
  const { optional, errors } = options;
  if (optional !== undefined && typeof optional !== 'boolean') {
    throw new TypeError(`${where}: \`optional\` must be a boolean`);
  }
  if (errors !== undefined && errors !== 'respond' && errors !== 'throw') {
    throw new TypeError(`${where}: \`errors\` must be 'respond' or 'throw'`);
  }
  return { optional: optional === true, errors: errors ?? defaultErrors };
}
