// Construction-time validation of `jwt()` options: every mistake is a TypeError saying what to
// fix, so nothing about the configuration can fail on a request.
import { type ActorCheck, actorRule } from '../actors.js';
import { ALGORITHMS } from '../crypto/algorithms.js';
import type { Algorithm } from '../crypto/types.js';
import { checkOptions } from '../lib/options.js';
import { throwOptionError } from './errors.js';
import { type ScopeClaim, scopeClaimsOf } from './scope-claims.js';
import type { DenyList, JwtOptions } from './types.js';

/**
 * The options after validation, with defaults filled in.
 *
 * @example
 * ```ts
 * const { algorithms, issuers, tolerance } = validateOptions(options);
 * ```
 */
export interface JwtConfig {
  /** Whether `dpop` is configured: then a `cnf` claim is checked against a proof, not refused. */
  senderConstrained: boolean;
  algorithms: readonly Algorithm[];
  issuers: readonly string[];
  audiences: readonly string[];
  tolerance: number;
  maxTokenAge: number | undefined;
  requiredClaims: readonly string[];
  /** The configured `typ`, normalised by {@link normalizeTyp}. */
  typ: string | undefined;
  denyList: DenyList | undefined;
  isRevoked: JwtOptions['isRevoked'];
  revocationTimeout: number;
  /** Where scopes come from: every configured claim or path, unioned (see `scope-claims.ts`). */
  scopeClaims: readonly ScopeClaim[];
  tenantClaim: string | undefined;
  subjectClaim: string;
  cache: { max: number; maxBytes: number } | false;
  maxTokenLength: number;
  cookie: string | undefined;
  /** The most actors a delegation chain may hold (`act`, `act.act`, …). Default 5. */
  maxActorDepth: number;
  /** The check of `actors`, when configured. */
  actors: ActorCheck | undefined;
}

const KNOWN = [
  'algorithms',
  'issuer',
  'audience',
  'secret',
  'publicKey',
  'jwks',
  'discovery',
  'jwksOptions',
  'clockTolerance',
  'maxTokenAge',
  'requiredClaims',
  'typ',
  'denyList',
  'isRevoked',
  'revocationTimeout',
  'scopeClaim',
  'tenantClaim',
  'subjectClaim',
  'cache',
  'maxTokenLength',
  'cookie',
  'dpop',
  // Delegation (RFC 8693 `act`).
  'maxActorDepth',
  'actors',
];
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';
const isPositiveInt = (value: unknown) => Number.isSafeInteger(value) && (value as number) > 0;

function strings(value: unknown, name: string): readonly string[] {
  if (isText(value)) return [value];
  if (Array.isArray(value) && value.length > 0 && value.every(isText)) return [...value];
  return throwOptionError(
    `\`${name}\` is required: a non-empty string or a non-empty array of them`,
  );
}

function optionalText(value: unknown, name: string): string | undefined {
  if (value !== undefined && !isText(value))
    throwOptionError(`\`${name}\` must be a non-empty string`);
  return value;
}

/**
 * A `typ` value as a comparable media type: lower case, without an `application/` prefix.
 *
 * @example
 * ```ts
 * normalizeTyp('application/AT+JWT'); // 'at+jwt'
 * ```
 */
export function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice(12) : lower;
}

function algorithmsOf(value: unknown): readonly Algorithm[] {
  if (!Array.isArray(value) || value.length === 0) {
    throwOptionError('`algorithms` is required: a non-empty array such as ["RS256"]');
  }
  for (const alg of value) {
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') {
      throwOptionError('`none` is never accepted; list signature algorithms such as "RS256"');
    }
    if (typeof alg !== 'string' || !ALGORITHMS.has(alg)) {
      throwOptionError(`unknown algorithm in \`algorithms\`; use ${[...ALGORITHMS].join(', ')}`);
    }
  }
  return [...new Set(value as Algorithm[])];
}

function cacheOf(value: JwtOptions['cache']): JwtConfig['cache'] {
  if (value === false) return false;
  if (value === undefined) return { max: 10_000, maxBytes: 8 * 1024 * 1024 };
  if (typeof value !== 'object' || value === null)
    throwOptionError('`cache` must be an object or false');
  checkOptions('jwt()', value, ['max', 'maxBytes'], 'cache');
  const { max = 10_000, maxBytes = 8 * 1024 * 1024 } = value;
  if (!isPositiveInt(max)) throwOptionError('`cache.max` must be a positive integer');
  if (!isPositiveInt(maxBytes)) throwOptionError('`cache.maxBytes` must be a positive integer');
  return { max, maxBytes };
}

/**
 * Validate everything but the keys (see `keys.ts`), filling in defaults.
 *
 * @example
 * ```ts
 * const config = validateOptions({ algorithms: ['ES256'], issuer: 'https://id', audience: 'api', publicKey });
 * ```
 */
export function validateOptions(options: JwtOptions): JwtConfig {
  if (typeof options !== 'object' || options === null) throwOptionError('needs an options object');
  checkOptions('jwt()', options, KNOWN);
  const o = options;
  const algorithms = algorithmsOf(o.algorithms);
  const issuers = strings(o.issuer, 'issuer');
  const audiences = strings(o.audience, 'audience');
  const tolerance = o.clockTolerance ?? 5;
  if (typeof tolerance !== 'number' || !(tolerance >= 0 && tolerance <= 300)) {
    throwOptionError('`clockTolerance` must be a number of seconds from 0 to 300');
  }
  const maxTokenAge = o.maxTokenAge;
  if (
    maxTokenAge !== undefined &&
    !(typeof maxTokenAge === 'number' && maxTokenAge > 0 && Number.isFinite(maxTokenAge))
  ) {
    throwOptionError('`maxTokenAge` must be a positive number of seconds');
  }
  const requiredClaims = o.requiredClaims ?? [];
  if (!Array.isArray(requiredClaims) || !requiredClaims.every(isText)) {
    throwOptionError('`requiredClaims` must be an array of claim names');
  }
  const typ = optionalText(o.typ, 'typ');
  const denyList = o.denyList;
  if (
    denyList !== undefined &&
    (typeof denyList !== 'object' ||
      denyList === null ||
      typeof denyList.isRevoked !== 'function' ||
      typeof denyList.revoke !== 'function')
  ) {
    throwOptionError('`denyList` must have `revoke()` and `isRevoked()`, like memoryDenyList()');
  }
  if (o.isRevoked !== undefined && typeof o.isRevoked !== 'function') {
    throwOptionError('`isRevoked` must be a function (jti, claims) => boolean');
  }
  const revocationTimeout = o.revocationTimeout ?? 5_000;
  if (
    typeof revocationTimeout !== 'number' ||
    !(revocationTimeout > 0) ||
    revocationTimeout > 60_000
  ) {
    throwOptionError('`revocationTimeout` must be a number of milliseconds from 1 to 60,000');
  }
  const maxTokenLength = o.maxTokenLength ?? 8192;
  if (!isPositiveInt(maxTokenLength))
    throwOptionError('`maxTokenLength` must be a positive integer');
  const cookie = optionalText(o.cookie, 'cookie');
  if (cookie !== undefined && !COOKIE_NAME.test(cookie))
    throwOptionError('`cookie` is not a valid cookie name');
  const maxActorDepth = o.maxActorDepth ?? 5;
  if (!(Number.isSafeInteger(maxActorDepth) && maxActorDepth >= 0 && maxActorDepth <= 64)) {
    throwOptionError('`maxActorDepth` must be an integer from 0 (no delegated tokens) to 64');
  }
  const actors = o.actors === undefined ? undefined : actorRule(o.actors, 'jwt(): `actors`');
  if (o.dpop !== undefined && (typeof o.dpop !== 'object' || o.dpop === null)) {
    throwOptionError(
      '`dpop` must be an object: { origin, required?, replay?, maxAge?, algorithms?, nonce? }',
    );
  }
  return {
    senderConstrained: o.dpop !== undefined,
    algorithms,
    issuers,
    audiences,
    tolerance,
    maxTokenAge,
    requiredClaims: [...requiredClaims],
    typ: typ === undefined ? undefined : normalizeTyp(typ),
    denyList,
    isRevoked: o.isRevoked,
    revocationTimeout,
    scopeClaims: scopeClaimsOf(o.scopeClaim),
    tenantClaim: optionalText(o.tenantClaim, 'tenantClaim'),
    subjectClaim: optionalText(o.subjectClaim, 'subjectClaim') ?? 'sub',
    cache: cacheOf(o.cache),
    maxTokenLength,
    cookie,
    maxActorDepth,
    actors,
  };
}
