// DPoP proof verification (RFC 9449 §4.3), as a pure function of the proof, the request, the
// validated `dpop` options and the clock: the proof's key is imported and checked once per
// distinct header (a client signs every proof with the same key), its claims are bound to the
// request, and its id is claimed once in the replay store, last, so a refused proof claims nothing.
import type { Algorithm, JWK, SignatureCheck } from '../crypto/types.js';
import { AuthErrorCodes } from '../error-codes.js';
import { serverError } from '../errors.js';
import { base64urlOfHex } from './base64url-encode.js';
import { invalidDpopProof, replayStoreFailure, useDpopNonce } from './dpop-errors.js';
import { normalizeHtu, requestHtu } from './dpop-htu.js';
import type { DpopConfig } from './dpop-options.js';
import type { DpopCheckOptions, DpopFailureReason, DpopProof, DpopRequest } from './dpop-types.js';
import { jwkThumbprint } from './jwk-thumbprint.js';
import { objectOf, ownClaim } from './parse.js';

export { dpopChallenge } from './dpop-errors.js';
export { type DpopConfig, resolveDpopOptions } from './dpop-options.js';
export { jwkThumbprint } from './jwk-thumbprint.js';

/** Longest proof read, in characters: an RSA-4096 key and a long `htu` fit several times over. */
const MAX_PROOF_LENGTH = 8192;
const MAX_JTI_LENGTH = 256;
/** Distinct proof headers (keys) remembered per configuration. */
const REMEMBERED = 256;
/** RFC 7517/7518: members only a private or symmetric JWK has. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

const KTY: Record<string, string> = { ES: 'EC', RS: 'RSA', PS: 'RSA', Ed: 'OKP' };

/** What a proof header that passed gives every proof signed under it. */
interface ProofKey {
  check: SignatureCheck;
  jkt: string;
}

const keysOf = new WeakMap<DpopConfig, Map<string, ProofKey>>();

type Refusal = Exclude<DpopFailureReason, 'dpop_nonce' | 'replay_store_failed'>;

/** Read and check the protected header, import its key, and build its signature check. */
function readKey(
  segment: string,
  config: DpopConfig,
  refuse: (reason: Refusal) => Error,
): ProofKey {
  const { impl } = config;
  const bytes = impl.decodeSegment(segment);
  const header = bytes === undefined ? undefined : objectOf(bytes, impl);
  if (header === undefined || Object.hasOwn(header, 'crit')) throw refuse('dpop_malformed');
  if (ownClaim(header, 'typ') !== 'dpop+jwt') throw refuse('dpop_typ');
  const alg = ownClaim(header, 'alg');
  if (typeof alg !== 'string' || !config.algorithms.includes(alg as Algorithm)) {
    throw refuse('dpop_alg');
  }
  const jwk = ownClaim(header, 'jwk');
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw refuse('dpop_jwk');
  for (const name of PRIVATE_MEMBERS)
    if (Object.hasOwn(jwk, name)) throw refuse('dpop_private_key');
  if (ownClaim(jwk as Record<string, unknown>, 'kty') !== KTY[alg.slice(0, 2)]) {
    throw refuse('dpop_jwk');
  }
  try {
    const check = impl.verifier(impl.importJwk(jwk as JWK), alg as Algorithm);
    return { check, jkt: jwkThumbprint(jwk, impl) };
  } catch {
    // Not a usable key, or not one `alg` may use (curve, RSA size): misfit() says which, to no one.
    throw refuse('dpop_jwk');
  }
}

function keyFor(segment: string, config: DpopConfig, refuse: (r: Refusal) => Error): ProofKey {
  let keys = keysOf.get(config);
  if (keys === undefined) {
    keys = new Map();
    keysOf.set(config, keys);
  }
  const known = keys.get(segment);
  if (known !== undefined) return known;
  const key = readKey(segment, config, refuse);
  if (keys.size >= REMEMBERED) keys.clear();
  keys.set(segment, key);
  return key;
}

/**
 * The `ath` of an access token: base64url(SHA-256(token)), RFC 9449 §4.2.
 *
 * @example
 * ```ts
 * accessTokenHash('Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU', impl); // 'fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo'
 * ```
 */
export function accessTokenHash(token: string, impl: DpopConfig['impl']): string {
  return base64urlOfHex(impl.sha256Hex(token));
}

/**
 * Verify one DPoP proof (the `DPoP` header's value) for a request, per RFC 9449 §4.3: a compact
 * JWS, `typ` exactly `dpop+jwt`, an accepted asymmetric `alg`, a public `jwk` of the kind `alg`
 * needs whose signature verifies; `jti` (1 to 256 characters), `htm` equal to the method, `htu`
 * equal to the configured origin and the request path (query and fragment ignored, both sides
 * normalised, the Host header never read), `iat` at most `maxAge` seconds old and at most 5
 * seconds ahead, `ath` when an access token is given, the server nonce when configured; then the
 * proof is claimed once in the replay store by key thumbprint and `jti`.
 *
 * Resolves to the key's thumbprint (to compare with the token's `cnf.jkt`), `jti` and `iat`.
 * Rejects with a 401 `AuthError`: `invalid_dpop_proof` (`ERR_DPOP_PROOF_INVALID`, or
 * `ERR_DPOP_PROOF_REPLAYED`), or `use_dpop_nonce` (`ERR_DPOP_NONCE_REQUIRED`) with a fresh
 * `DPoP-Nonce` header, each with a `WWW-Authenticate: DPoP` challenge; or a 503
 * `ERR_REPLAY_STORE_FAILED` when the replay store cannot answer.
 *
 * @example
 * ```ts
 * const config = resolveDpopOptions('jwt()', { origin: 'https://api.example.com' });
 * const { jkt } = await verifyDpopProof(
 *   request.headers.dpop,
 *   { method: 'GET', url: '/orders/7' },
 *   config,
 *   { accessToken, now: Date.now() },
 * );
 * ```
 */
export async function verifyDpopProof(
  proof: string,
  request: DpopRequest,
  config: DpopConfig,
  options: DpopCheckOptions,
): Promise<DpopProof> {
  const { impl, algorithms, maxAge, tolerance } = config;
  const { now, realm, accessToken } = options;
  if (!(typeof now === 'number' && now > 0 && Number.isFinite(now))) {
    const problem = new TypeError('verifyDpopProof(): `now` must be epoch milliseconds');
    throw serverError(AuthErrorCodes.INTERNAL, problem);
  }
  const refuse = (reason: Refusal) => invalidDpopProof(reason, algorithms, realm);

  if (typeof proof !== 'string' || proof.length > MAX_PROOF_LENGTH) throw refuse('dpop_malformed');
  const first = proof.indexOf('.');
  const second = proof.indexOf('.', first + 1);
  if (first < 0 || second < 0 || proof.indexOf('.', second + 1) !== -1) {
    throw refuse('dpop_malformed');
  }
  const { check, jkt } = keyFor(proof.slice(0, first), config, refuse);
  const payload = impl.decodeSegment(proof.slice(first + 1, second));
  const signature = impl.decodeSegment(proof.slice(second + 1));
  if (payload === undefined || signature === undefined) throw refuse('dpop_malformed');

  let ok: boolean;
  try {
    ok = await check(proof.slice(0, second), signature);
  } catch {
    ok = false;
  }
  if (!ok) throw refuse('dpop_signature');

  const claims = objectOf(payload, impl);
  if (claims === undefined) throw refuse('dpop_malformed');
  const jti = ownClaim(claims, 'jti');
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH)
    throw refuse('dpop_jti');
  const htm = ownClaim(claims, 'htm');
  if (typeof htm !== 'string' || htm !== request.method) throw refuse('dpop_htm');
  const htu = ownClaim(claims, 'htu');
  const expected =
    typeof request.url === 'string' ? requestHtu(config.origin, request.url) : undefined;
  if (typeof htu !== 'string' || expected === undefined || normalizeHtu(htu) !== expected) {
    throw refuse('dpop_htu');
  }
  const iat = ownClaim(claims, 'iat');
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw refuse('dpop_iat');
  const nowSeconds = now / 1000;
  if (iat > nowSeconds + tolerance) throw refuse('dpop_issued_in_future');
  if (iat < nowSeconds - maxAge) throw refuse('dpop_too_old');
  if (accessToken !== undefined) {
    const ath = ownClaim(claims, 'ath');
    if (typeof ath !== 'string' || ath !== accessTokenHash(accessToken, impl)) {
      throw refuse('dpop_ath');
    }
  }
  const { nonce } = config;
  if (nonce !== undefined && !nonce.checkNonce(ownClaim(claims, 'nonce'), now)) {
    throw useDpopNonce(nonce.issueNonce(now), algorithms, realm);
  }

  // Last: only a proof that passed everything else is remembered.
  let claimed: unknown;
  try {
    claimed = await config.claim(`${jkt}:${jti}`, iat + maxAge + tolerance, now);
  } catch (err) {
    throw replayStoreFailure(err);
  }
  if (claimed === false) throw refuse('dpop_replayed');
  if (claimed !== true) {
    throw replayStoreFailure(new TypeError('the replay store answered neither true nor false'));
  }
  return { jkt, jti, iat };
}
