import { checkOptions } from '../lib/options.js';
import { isValidPrefix } from './format.js';
import type { ApiKeyOptions } from './types.js';

// RFC 9110 §5.1: field-name = token
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const RESERVED_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const MAX_LOOKUP_TIMEOUT = 60_000;
const API_KEY_OPTIONS = [
  'lookup',
  'prefix',
  'header',
  'bearer',
  'checksum',
  'cache',
  'lookupTimeout',
  'invalidation',
];
const CACHE_OPTIONS = ['max', 'ttl', 'negativeMax', 'negativeTtl'];

/**
 * {@link ApiKeyOptions} checked, with defaults filled in.
 *
 * @example
 * ```ts
 * const { lookup, header, cache } = resolveApiKeyOptions(options);
 * ```
 */
export interface ResolvedApiKeyOptions {
  lookup: ApiKeyOptions['lookup'];
  prefix: string | undefined;
  header: string;
  bearer: boolean;
  checksum: boolean;
  lookupTimeout: number;
  cache: { max: number; ttl: number; negativeMax: number; negativeTtl: number };
  invalidation: ApiKeyOptions['invalidation'];
}

function throwOptionError(message: string): never {
  throw new TypeError(`apiKey(): ${message}`);
}

function count(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throwOptionError(`\`cache.${name}\` must be a whole number ≥ 0 (0 turns that cache off)`);
  }
  return value;
}

function millis(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throwOptionError(
      `\`cache.${name}\` must be a finite number of milliseconds ≥ 0 (0 turns that cache off)`,
    );
  }
  return value;
}

function resolveCache(cache: ApiKeyOptions['cache']): ResolvedApiKeyOptions['cache'] {
  if (cache === false) return { max: 0, ttl: 0, negativeMax: 0, negativeTtl: 0 };
  if (cache !== undefined && (typeof cache !== 'object' || cache === null)) {
    throwOptionError('`cache` must be an object ({ max, ttl, negativeMax, negativeTtl }) or false');
  }
  const c = cache ?? {};
  checkOptions('apiKey()', c, CACHE_OPTIONS, 'cache');
  return {
    max: count(c.max, 'max', 10_000),
    ttl: millis(c.ttl, 'ttl', 30_000),
    negativeMax: count(c.negativeMax, 'negativeMax', 10_000),
    negativeTtl: millis(c.negativeTtl, 'negativeTtl', 5_000),
  };
}

function optionalBoolean(value: unknown, name: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean')
    throwOptionError(`\`${name}\` must be a boolean`);
  return value;
}

/**
 * Check `apiKey()`'s options once, at construction, and fill in the defaults. Every mistake
 * throws a `TypeError` that says what to fix.
 *
 * @example
 * ```ts
 * const resolved = resolveApiKeyOptions({ lookup, prefix: 'pcs' });
 * ```
 */
export function resolveApiKeyOptions(options: ApiKeyOptions): ResolvedApiKeyOptions {
  if (typeof options !== 'object' || options === null) {
    throwOptionError('needs an options object: apiKey({ lookup, prefix })');
  }
  checkOptions('apiKey()', options, API_KEY_OPTIONS);
  const { lookup, prefix, header, lookupTimeout } = options;
  if (typeof lookup !== 'function') {
    throwOptionError('`lookup` must be a function (hash) => record | null, sync or async');
  }
  if (prefix !== undefined && !isValidPrefix(prefix)) {
    throwOptionError(
      '`prefix` must be 1–32 characters of [A-Za-z0-9_], start with a letter and not end with `_`',
    );
  }
  if (header !== undefined && (typeof header !== 'string' || !TOKEN.test(header))) {
    throwOptionError('`header` must be a valid HTTP header name, such as `x-api-key`');
  }
  const name = (header ?? 'x-api-key').toLowerCase();
  if (RESERVED_HEADERS.has(name)) {
    throwOptionError(
      `\`header\` cannot be \`${name}\`; keys in Authorization are read with \`bearer\``,
    );
  }
  const bearer = optionalBoolean(options.bearer, 'bearer');
  if (bearer === true && prefix === undefined) {
    throwOptionError(
      '`bearer: true` needs a `prefix`: a bearer value is routed to API keys by its prefix',
    );
  }
  const checksum = optionalBoolean(options.checksum, 'checksum');
  if (
    lookupTimeout !== undefined &&
    (typeof lookupTimeout !== 'number' ||
      !Number.isFinite(lookupTimeout) ||
      lookupTimeout <= 0 ||
      lookupTimeout > MAX_LOOKUP_TIMEOUT)
  ) {
    throwOptionError(
      `\`lookupTimeout\` must be a number of milliseconds above 0, at most ${MAX_LOOKUP_TIMEOUT}`,
    );
  }
  const { invalidation } = options;
  if (
    invalidation !== undefined &&
    (typeof invalidation !== 'object' ||
      invalidation === null ||
      typeof invalidation.attach !== 'function')
  ) {
    throwOptionError('`invalidation` must have `attach()`, like redisInvalidation()');
  }
  return {
    lookup,
    prefix,
    header: name,
    bearer: bearer ?? prefix !== undefined,
    checksum: checksum ?? true,
    lookupTimeout: lookupTimeout ?? 5000,
    cache: resolveCache(options.cache),
    invalidation,
  };
}
