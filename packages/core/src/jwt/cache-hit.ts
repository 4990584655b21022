// A cached verification is served while the token's times hold and the key source still answers
// its `alg` and `kid` with the very check that verified it: a key set refresh that drops or
// changes that key drops the entry (RFC 8725 §3.8; "an entry never outlives its key").
import type { SignatureCheck } from '../crypto/types.js';
import { type Awaitable, isPromiseLike } from '../lib/awaitable.js';
import type { Principal, VerifyContext } from '../types.js';
import { checkTimes, type Verified } from './claims.js';
import type { KeySource } from './keys.js';
import type { JwtConfig } from './options.js';
import type { Cached } from './verified-cache.js';

/**
 * Whether a cached verification's times still hold at `now` (epoch seconds, with a fraction):
 * before `exp`, and within `nbf`, `iat` and `maxTokenAge`.
 *
 * @example
 * ```ts
 * if (!timesHold(hit.verified, config, Date.now() / 1000)) cache.delete(token);
 * ```
 */
export function timesHold(v: Verified, config: JwtConfig, now: number): boolean {
  if (!(now < v.exp)) return false;
  try {
    checkTimes(v.exp, v.nbf, v.iat, v.jti, config, now, '');
    return true;
  } catch {
    return false;
  }
}

/**
 * What a cache hit needs from its verifier.
 *
 * @example
 * ```ts
 * const hits: CacheHit = { config, source, serve, verifyAfresh, forget: (t) => cache.delete(t) };
 * ```
 */
export interface CacheHit {
  config: JwtConfig;
  /** Where the token's key is found again; `undefined` when the keys can never change. */
  source: KeySource | undefined;
  /** The principal of a verification still valid, after the revocation check when configured. */
  serve(verified: Verified, realm: string): Awaitable<Principal>;
  /** Verify the token from scratch (after the key that verified it went away). */
  verifyAfresh(token: string, ctx: VerifyContext): Awaitable<Principal>;
  /** Drop the token's entry. */
  forget(token: string): void;
}

/**
 * The answer to a token found in the cache, or `undefined` when it must be verified afresh.
 * Throws (dropping the entry) when the key source itself fails.
 *
 * @example
 * ```ts
 * const answer = answerFromCache(token, hit, ctx, nowMs, hits);
 * if (answer !== undefined) return answer;
 * ```
 */
export function answerFromCache(
  token: string,
  hit: Cached,
  ctx: VerifyContext,
  nowMs: number,
  deps: CacheHit,
): Awaitable<Principal> | undefined {
  const { verified, check } = hit;
  if (!timesHold(verified, deps.config, nowMs / 1000)) return undefined;
  if (deps.source === undefined) return deps.serve(verified, ctx.realm);
  let current: Awaitable<SignatureCheck>;
  try {
    current = deps.source(hit.alg, hit.kid, nowMs, ctx.realm);
  } catch (err) {
    deps.forget(token);
    throw err;
  }
  if (current === check) return deps.serve(verified, ctx.realm);
  if (!isPromiseLike(current)) return undefined;
  // A stale remote set is being refetched: answer with what it holds afterwards.
  return current.then(
    (loaded) => {
      if (loaded === check) return deps.serve(verified, ctx.realm);
      deps.forget(token);
      return deps.verifyAfresh(token, ctx);
    },
    (err: unknown) => {
      deps.forget(token);
      throw err;
    },
  );
}
