// The JWT verifier, parameterised by its crypto implementation so one test suite runs against
// both node.ts and web.ts. `jwt()` binds it to `#crypto`.
import type { JwtCrypto, SignatureCheck } from '../crypto/types.js';
import { AuthErrorCodes } from '../error-codes.js';
import { serverError } from '../errors.js';
import { type Awaitable, isPromiseLike } from '../lib/awaitable.js';
import { deepFreeze } from '../lib/deep-freeze.js';
import { verifyFrom } from '../lib/sync.js';
import type { Principal, VerifyContext } from '../types.js';
import { answerFromCache, type CacheHit } from './cache-hit.js';
import { checkClaims, type Verified } from './claims.js';
import { type DpopCrypto, resolveDpopOptions } from './dpop-options.js';
import { dpopNotAccepted, invalidSignature, malformedToken } from './errors.js';
import { headerReader } from './header.js';
import { buildKeys } from './keys.js';
import { validateOptions } from './options.js';
import { parseObject } from './parse.js';
import { jwtPrincipal } from './principal.js';
import type { RemoteKeySet } from './remote-jwks.js';
import { revocationCheck } from './revocation.js';
import { bindToRequest } from './sender.js';
import { type SplitToken, splitToken } from './split.js';
import type { JwtMethod, JwtOptions } from './types.js';
import { VerifiedCache } from './verified-cache.js';

/**
 * What tests reach besides the method.
 *
 * @example
 * ```ts
 * const verifier: JwtVerifier = createJwtVerifier(options, web);
 * await verifier.remote?.refresh(Date.now());
 * ```
 */
export interface JwtVerifier extends JwtMethod {
  /** The remote key set, when `jwks` is a URL. */
  readonly remote: RemoteKeySet | undefined;
}

// The clock, in epoch seconds with the milliseconds kept (a token with exp T + 0.5 has expired at
// T + 0.9); a broken clock must not make every token look unexpired.
function epochMs(ctx: VerifyContext): number {
  const nowMs = ctx.now();
  if (!(nowMs > 0 && nowMs < Number.POSITIVE_INFINITY)) {
    throw serverError(
      AuthErrorCodes.INTERNAL,
      new TypeError('now() must return epoch milliseconds'),
    );
  }
  return nowMs;
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
  // Proofs are checked on the same crypto path as tokens (node.ts and web.ts both hash too).
  const dpopImpl = 'sha256Hex' in impl ? (impl as JwtCrypto & DpopCrypto) : undefined;
  const dpop =
    options.dpop === undefined ? undefined : resolveDpopOptions('jwt()', options.dpop, dpopImpl);
  const { source, remote } = buildKeys(options, config.algorithms, impl);
  const readHeader = headerReader(new Set<string>(config.algorithms), config.typ, impl);
  const revoked = revocationCheck(config);
  const cache = config.cache === false ? undefined : new VerifiedCache(config.cache);
  const serve = (v: Verified, realm: string): Awaitable<Principal> =>
    revoked === undefined ? jwtPrincipal(v) : revoked(v, realm).then(() => jwtPrincipal(v));
  const hits: CacheHit = {
    config,
    // Keys given as a secret, a public key or a local set never change: no need to ask again.
    source: remote === undefined ? undefined : source,
    serve,
    verifyAfresh: (token, ctx) => verifyAwaitable(token, ctx),
    forget: (token) => cache?.delete(token),
  };

  // Everything from here to a principal runs without a promise unless something must be awaited
  // (a remote key set loading, a Web Crypto check, a revocation check): see lib/sync.ts.
  function verifyAwaitable(token: string, ctx: VerifyContext): Awaitable<Principal> {
    const realm = ctx.realm;
    if (typeof token !== 'string' || token.length > config.maxTokenLength) {
      throw malformedToken('too_long', realm);
    }
    const nowMs = epochMs(ctx);
    const hit = cache?.get(token);
    if (hit !== undefined) {
      const answer = answerFromCache(token, hit, ctx, nowMs, hits);
      if (answer !== undefined) return answer;
      cache?.delete(token);
    }
    const split = splitToken(token, readHeader, impl, realm);
    const check = source(split.alg, split.kid, nowMs, realm);
    return isPromiseLike(check)
      ? check.then((loaded) => checkSignature(loaded, split, nowMs / 1000, realm))
      : checkSignature(check, split, nowMs / 1000, realm);
  }

  function checkSignature(
    check: SignatureCheck,
    s: SplitToken,
    now: number,
    realm: string,
  ): Awaitable<Principal> {
    let ok: Awaitable<boolean>;
    try {
      ok = check(s.token.slice(0, s.second), s.signature);
    } catch {
      ok = false;
    }
    return isPromiseLike(ok)
      ? ok.then(
          (answer) => accept(answer, s, check, now, realm),
          () => accept(false, s, check, now, realm),
        )
      : accept(ok, s, check, now, realm);
  }

  function accept(
    ok: boolean,
    s: SplitToken,
    check: SignatureCheck,
    now: number,
    realm: string,
  ): Awaitable<Principal> {
    if (!ok) throw invalidSignature(realm);
    const payload = parseObject(s.payload, impl, realm);
    const verified = checkClaims(payload, config, now, realm);
    // Cached only once it is known not to be revoked.
    const done = (): Principal => {
      if (cache?.admits(s.token)) {
        // Frozen whole before it is shared: a handler cannot change what a later hit is served.
        deepFreeze(payload);
        cache.add(s.token, { verified, alg: s.alg, kid: s.kid, check });
      }
      return jwtPrincipal(verified);
    };
    return revoked === undefined ? done() : revoked(verified, realm).then(done);
  }

  // With `dpop`, every answer is bound to its request's proof (jwt/sender.ts); without it, a
  // `DPoP` request is refused: this method cannot check its proof.
  function verifyRequest(token: string, ctx: VerifyContext): Awaitable<Principal> {
    const request = ctx.request;
    if (dpop === undefined) {
      if (request?.scheme === 'dpop') throw dpopNotAccepted(ctx.realm);
      return verifyAwaitable(token, ctx);
    }
    const bind = (principal: Principal) =>
      bindToRequest(principal, token, request, dpop, epochMs(ctx), ctx.realm);
    const verified = verifyAwaitable(token, ctx);
    return isPromiseLike(verified) ? verified.then(bind) : bind(verified);
  }

  return {
    type: 'jwt',
    dpop: dpop !== undefined,
    // Read by createAuthenticator() to route each token to the method of its issuer.
    issuers: Object.freeze([...config.issuers]),
    audiences: Object.freeze([...config.audiences]),
    headers: Object.freeze([]),
    cookies: Object.freeze(config.cookie === undefined ? [] : [config.cookie]),
    // Any dotted bearer value is ours (API keys have no dots), so a malformed, oversized or
    // `alg: none` token is refused by the verifier with its precise code.
    recognizes: (value) => value.includes('.'),
    // What verifies is canonical base64url segments and dots: all b64token.
    tokenSafe: true,
    verify: verifyFrom(verifyRequest),
    clearCache: () => cache?.clear(),
    remote,
  };
}
