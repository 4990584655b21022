// The JWT verifier, parameterised by its crypto implementation so one test suite runs against
// both node.ts and web.ts. `jwt()` binds it to `#crypto`.
import { AuthErrorCodes, serverError, unavailable } from '../errors.js';
import { withDeadline } from '../lib/deadline.js';
import { deepFreeze } from '../lib/deep-freeze.js';
import { withDetail } from '../lib/detail.js';
import { type Now, verifyFrom } from '../lib/sync.js';
import type { Principal, VerifyContext } from '../types.js';
import type { Algorithm } from './algorithms.js';
import { checkClaims, checkTimes, reject, type Verified } from './claims.js';
import type { JwtCrypto, SignatureCheck } from './crypto-api.js';
import { headerReader } from './header.js';
import type { JwtMethod, JwtOptions } from './jwt.js';
import { buildKeys } from './keys.js';
import { validateOptions } from './options.js';
import { decodeSegment, malformed, parseObject } from './parse.js';
import type { RemoteKeySet } from './remote-jwks.js';
import { type Cached, VerifiedCache } from './verified-cache.js';

const TIMED_OUT = Symbol('timed out');

/** A token whose header and segments passed, on its way to the signature check. */
interface Signed {
  token: string;
  alg: Algorithm;
  kid: string | undefined;
  /** Index of the second dot: the signing input is `token.slice(0, second)`. */
  second: number;
  signature: Uint8Array;
  /** The payload's bytes, parsed only once the signature verified. */
  payload: Uint8Array;
  now: number;
  realm: string;
}

function principalOf(v: Verified): Principal {
  const principal: Principal = {
    method: 'jwt',
    subject: v.subject,
    scopes: v.scopes,
    claims: v.claims,
    expiresAt: new Date(v.exp * 1000),
  };
  if (v.tenant !== undefined) principal.tenant = v.tenant;
  return principal;
}

/** What tests reach besides the method. */
export interface JwtVerifier extends JwtMethod {
  /** The remote key set, when `jwks` is a URL. */
  readonly remote: RemoteKeySet | undefined;
}

/**
 * Build a JWT verifier on a given crypto implementation (internal; `jwt()` is the public face).
 *
 * @example
 * ```ts
 * import * as web from '../crypto/web.js';
 * const method = createJwtVerifier({ algorithms: ['HS256'], issuer, audience, secret }, web);
 * ```
 */
export function createJwtVerifier(options: JwtOptions, impl: JwtCrypto): JwtVerifier {
  const config = validateOptions(options);
  const { source, remote } = buildKeys(options, config.algorithms, impl);
  const allowed = new Set<string>(config.algorithms);
  const { maxTokenLength, typ, denyList, isRevoked, revocationTimeout } = config;
  const readHeader = headerReader(allowed, typ, impl);
  const checksRevocation = denyList !== undefined || isRevoked !== undefined;
  const cache = config.cache === false ? undefined : new VerifiedCache(config.cache);

  async function revoked(v: Verified, realm: string): Promise<void> {
    const jti = v.jti as string;
    let hit: unknown;
    try {
      hit = denyList === undefined ? false : denyList.isRevoked(jti);
      if (typeof hit !== 'boolean')
        hit = await withDeadline(hit as PromiseLike<unknown>, revocationTimeout, TIMED_OUT);
      if (hit === false && isRevoked !== undefined) {
        hit = isRevoked(jti, v.claims);
        if (typeof hit !== 'boolean')
          hit = await withDeadline(hit as PromiseLike<unknown>, revocationTimeout, TIMED_OUT);
      }
    } catch (err) {
      throw withDetail(unavailable(AuthErrorCodes.DENY_LIST_FAILED, err), {
        reason: 'deny_list_failed',
        jti,
      });
    }
    if (hit === true) {
      throw reject(AuthErrorCodes.JWT_REVOKED, 'The token has been revoked', 'revoked', realm, jti);
    }
    if (hit === TIMED_OUT) {
      const err = new Error(`a revocation check did not answer within ${revocationTimeout} ms`);
      throw withDetail(unavailable(AuthErrorCodes.DENY_LIST_FAILED, err), {
        reason: 'deny_list_timeout',
        jti,
      });
    }
    if (hit !== false) {
      const err = new TypeError('a revocation check answered neither true nor false');
      throw withDetail(unavailable(AuthErrorCodes.DENY_LIST_FAILED, err), {
        reason: 'deny_list_failed',
        jti,
      });
    }
  }

  // Everything from here to a principal runs synchronously unless something must be awaited (a
  // remote key set loading, a Web Crypto check, a revocation check): see lib/sync.ts.
  function verifyNow(token: string, ctx: VerifyContext): Now<Principal> {
    const realm = ctx.realm;
    if (typeof token !== 'string' || token.length > maxTokenLength) {
      throw malformed('too_long', realm);
    }
    const nowMs = ctx.now();
    if (!(nowMs > 0 && nowMs < Number.POSITIVE_INFINITY)) {
      // A broken clock must not make every token look unexpired.
      throw serverError(
        AuthErrorCodes.INTERNAL,
        new TypeError('now() must return epoch milliseconds'),
      );
    }
    // Seconds with the milliseconds kept: a token with exp T + 0.5 has expired at T + 0.9.
    const now = nowMs / 1000;
    if (cache !== undefined) {
      const hit = cache.get(token);
      if (hit !== undefined) {
        const answer = fromCache(token, hit, ctx, nowMs);
        if (answer !== undefined) return answer;
        cache.delete(token);
      }
    }

    const first = token.indexOf('.');
    const second = token.indexOf('.', first + 1);
    if (first < 0 || second < 0 || token.indexOf('.', second + 1) !== -1) {
      throw malformed('segments', realm);
    }
    const { alg, kid } = readHeader(token, first, realm);
    const payload = decodeSegment(token.slice(first + 1, second), impl, realm);
    const signature = decodeSegment(token.slice(second + 1), impl, realm);
    const signed: Signed = { token, alg, kid, second, signature, payload, now, realm };
    const check = source(alg, kid, nowMs, realm);
    return typeof check === 'function'
      ? checkSignature(check, signed)
      : check.then((loaded) => checkSignature(loaded, signed));
  }

  // A cached verification is served while the token's times hold and the key source still answers
  // its `alg` and `kid` with the very check that verified it: a key set refresh that drops or
  // changes that key drops the entry. `undefined`: verify the token afresh.
  function fromCache(
    token: string,
    hit: Cached,
    ctx: VerifyContext,
    nowMs: number,
  ): Now<Principal> | undefined {
    const { verified, check } = hit;
    const now = nowMs / 1000;
    if (!(now < verified.exp)) return undefined;
    try {
      checkTimes(verified.exp, verified.nbf, verified.iat, verified.jti, config, now, ctx.realm);
    } catch {
      return undefined;
    }
    let current: SignatureCheck | Promise<SignatureCheck>;
    try {
      current = source(hit.alg, hit.kid, nowMs, ctx.realm);
    } catch (err) {
      cache?.delete(token);
      throw err;
    }
    if (current === check) return served(verified, ctx.realm);
    if (typeof current === 'function') return undefined;
    // A stale remote set is being refetched: answer with what it holds afterwards.
    return current.then(
      (loaded) => {
        if (loaded === check) return served(verified, ctx.realm);
        cache?.delete(token);
        return verifyNow(token, ctx);
      },
      (err: unknown) => {
        cache?.delete(token);
        throw err;
      },
    );
  }

  function served(v: Verified, realm: string): Now<Principal> {
    return checksRevocation ? revoked(v, realm).then(() => principalOf(v)) : principalOf(v);
  }

  function checkSignature(check: SignatureCheck, s: Signed): Now<Principal> {
    let ok: boolean | Promise<boolean>;
    try {
      ok = check(s.token.slice(0, s.second), s.signature);
    } catch {
      ok = false;
    }
    return typeof ok === 'boolean'
      ? accept(ok, s, check)
      : ok.then(
          (answer) => accept(answer, s, check),
          () => accept(false, s, check),
        );
  }

  function accept(ok: boolean, s: Signed, check: SignatureCheck): Now<Principal> {
    if (!ok) {
      throw reject(
        AuthErrorCodes.JWT_SIGNATURE_INVALID,
        'The token signature is invalid',
        'signature',
        s.realm,
      );
    }
    const payload = parseObject(s.payload, impl, s.realm);
    const verified = checkClaims(payload, config, s.now, s.realm);
    const done = () => {
      if (cache?.admits(s.token)) {
        // Frozen whole before it is shared: a handler cannot change what a later hit is served.
        deepFreeze(payload);
        cache.add(s.token, { verified, alg: s.alg, kid: s.kid, check });
      }
      return principalOf(verified);
    };
    return checksRevocation ? revoked(verified, s.realm).then(done) : done();
  }

  const cookies: readonly string[] = Object.freeze(
    config.cookie === undefined ? [] : [config.cookie],
  );
  return {
    type: 'jwt',
    headers: Object.freeze([]),
    cookies,
    // Any dotted bearer value is ours (API keys have no dots), so a malformed, oversized or
    // `alg: none` token is refused by the verifier with its precise code.
    claims: (value) => value.includes('.'),
    // What verifies is canonical base64url segments and dots: all b64token.
    tokenSafe: true,
    verify: verifyFrom(verifyNow),
    clearCache: () => cache?.clear(),
    remote,
  };
}
