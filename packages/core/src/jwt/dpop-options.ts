// Construction-time validation of `jwt({ dpop })`: every mistake is a TypeError naming the
// option, so nothing about the DPoP configuration can fail on a request.
import * as cryptoImpl from '#crypto';
import { ALGORITHMS } from '../crypto/algorithms.js';
import type { Algorithm, JwtCrypto } from '../crypto/types.js';
import type { Awaitable } from '../lib/awaitable.js';
import { checkOptions } from '../lib/options.js';
import { memoryReplayStore } from '../replay/memory.js';
import type { ReplayStore } from '../replay/types.js';
import { type DpopNonces, dpopNonces } from './dpop-nonce.js';
import type { DpopOptions } from './dpop-types.js';
import { safeTransport } from './fetch-jwks.js';
import type { ThumbprintHash } from './jwk-thumbprint.js';

/**
 * What DPoP verification needs from the crypto implementation (`#crypto` by default).
 *
 * @example
 * ```ts
 * import * as web from '../crypto/web.js';
 * const config = resolveDpopOptions('jwt()', { origin }, web satisfies DpopCrypto);
 * ```
 */
export type DpopCrypto = Pick<JwtCrypto, 'decodeSegment' | 'utf8' | 'importJwk' | 'verifier'> &
  ThumbprintHash;

/**
 * The `dpop` options after validation, with defaults filled in.
 *
 * @example
 * ```ts
 * const config: DpopConfig = resolveDpopOptions('jwt()', options.dpop);
 * ```
 */
export interface DpopConfig {
  readonly required: boolean;
  /** The configured origin as `URL#origin` gives it: `https://api.example.com`. */
  readonly origin: string;
  readonly replay: ReplayStore;
  /** Claim a proof id in `replay` until `expiresAt` (epoch s), at `now` (epoch ms). */
  readonly claim: (id: string, expiresAt: number, now: number) => Awaitable<boolean>;
  /** Seconds a proof is accepted after its `iat`. */
  readonly maxAge: number;
  /** Seconds a proof's `iat` may be ahead of the clock. */
  readonly tolerance: number;
  readonly algorithms: readonly Algorithm[];
  /** Server nonces, when configured. */
  readonly nonce: DpopNonces | undefined;
  readonly impl: DpopCrypto;
}

/**
 * The proof algorithms accepted by default: what clients use, and every runtime verifies.
 *
 * @example
 * ```ts
 * jwt({ ..., dpop: { origin, algorithms: [...DPOP_ALGORITHMS, 'ES384'] } });
 * ```
 */
export const DPOP_ALGORITHMS: readonly Algorithm[] = Object.freeze([
  'ES256',
  'EdDSA',
  'RS256',
  'PS256',
]);

const KNOWN = ['required', 'origin', 'replay', 'maxAge', 'algorithms', 'nonce'];
const TOLERANCE = 5;
const PRINTABLE = /^[\x21-\x7e]+$/;

function originOf(where: string, value: unknown): string {
  const fail = (): never => {
    throw new TypeError(
      `${where}: \`dpop.origin\` must be an absolute https: origin such as "https://api.example.com" (http: only on localhost), with no path, query or fragment`,
    );
  };
  if (typeof value !== 'string' || !PRINTABLE.test(value) || /[?#]/.test(value)) return fail();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail();
  }
  if (!safeTransport(url, false) || url.username !== '' || url.password !== '') return fail();
  return url.pathname === '/' ? url.origin : fail();
}

function algorithmsOf(where: string, value: unknown): readonly Algorithm[] {
  if (value === undefined) return DPOP_ALGORITHMS;
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(
      `${where}: \`dpop.algorithms\` must be a non-empty array such as ["ES256"]`,
    );
  }
  for (const alg of value) {
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') {
      throw new TypeError(`${where}: \`none\` is never accepted in \`dpop.algorithms\``);
    }
    if (typeof alg === 'string' && alg.startsWith('HS')) {
      throw new TypeError(
        `${where}: \`dpop.algorithms\` takes asymmetric algorithms only (a DPoP proof is signed with the client's private key); ${alg} is HMAC`,
      );
    }
    if (typeof alg !== 'string' || !ALGORITHMS.has(alg)) {
      const asymmetric = [...ALGORITHMS].filter((a) => !a.startsWith('HS'));
      throw new TypeError(
        `${where}: unknown algorithm in \`dpop.algorithms\`; use ${asymmetric.join(', ')}`,
      );
    }
  }
  return Object.freeze([...new Set(value as Algorithm[])]);
}

function nonceOf(where: string, value: unknown): DpopNonces | undefined {
  if (value === undefined) return undefined;
  checkOptions(where, value, ['secret', 'lifetime'], 'dpop.nonce');
  const { secret, lifetime = 300 } = value as { secret?: unknown; lifetime?: unknown };
  if (!(secret instanceof Uint8Array) || secret.length < 32) {
    throw new TypeError(`${where}: \`dpop.nonce.secret\` must be at least 32 random bytes`);
  }
  if (
    !Number.isSafeInteger(lifetime) ||
    (lifetime as number) < 1 ||
    (lifetime as number) > 86_400
  ) {
    throw new TypeError(`${where}: \`dpop.nonce.lifetime\` must be whole seconds from 1 to 86,400`);
  }
  return dpopNonces(secret, lifetime as number);
}

function replayOf(where: string, value: unknown): Pick<DpopConfig, 'replay' | 'claim'> {
  if (value !== undefined) {
    if (typeof (value as ReplayStore | null)?.claim !== 'function') {
      throw new TypeError(
        `${where}: \`dpop.replay\` must have \`claim(id, expiresAt)\`, like memoryReplayStore()`,
      );
    }
    const replay = value as ReplayStore;
    return { replay, claim: (id, expiresAt) => replay.claim(id, expiresAt) };
  }
  // The default store runs on the clock of the request being verified (an injected test clock
  // included), not on its own `Date.now`: its claims are synchronous, so the clock is set and
  // read within one call.
  let clock = 0;
  const replay = memoryReplayStore({ now: () => clock });
  return {
    replay,
    claim: (id, expiresAt, now) => {
      clock = now;
      return replay.claim(id, expiresAt);
    },
  };
}

/**
 * Validate `jwt({ dpop })`, filling in defaults; `where` names the factory in each `TypeError`.
 * `impl` is the crypto implementation (`#crypto` unless a test passes another).
 *
 * @example
 * ```ts
 * const config = resolveDpopOptions('jwt()', { origin: 'https://api.example.com' });
 * config.algorithms; // ['ES256', 'EdDSA', 'RS256', 'PS256']
 * ```
 */
export function resolveDpopOptions(
  where: string,
  options: unknown,
  impl: DpopCrypto = cryptoImpl,
): DpopConfig {
  checkOptions(where, options, KNOWN, 'dpop');
  const o = options as DpopOptions;
  if (o.required !== undefined && typeof o.required !== 'boolean') {
    throw new TypeError(`${where}: \`dpop.required\` must be true or false`);
  }
  const maxAge = o.maxAge ?? 300;
  if (typeof maxAge !== 'number' || !(maxAge >= 1 && maxAge <= 3600)) {
    throw new TypeError(`${where}: \`dpop.maxAge\` must be a number of seconds from 1 to 3,600`);
  }
  return Object.freeze({
    required: o.required ?? false,
    origin: originOf(where, o.origin),
    ...replayOf(where, o.replay),
    maxAge,
    tolerance: TOLERANCE,
    algorithms: algorithmsOf(where, o.algorithms),
    nonce: nonceOf(where, o.nonce),
    impl,
  });
}
