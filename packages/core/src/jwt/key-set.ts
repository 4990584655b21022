// A set of JWKs imported once, indexed by algorithm, and the selection of one key for a token:
// by `kid` (string equality) and by the algorithms the key's type allows.
//
// A set built from a refetched JWKS keeps the signature checks of the keys that did not change
// (the same JWK, member for member), so what those keys verified stays valid; a key that was
// dropped or changed leaves its checks behind, and what they verified with it.
import type { Algorithm, JWK, JwtCrypto, SignatureCheck } from '../crypto/types.js';

interface Entry {
  kid: string | undefined;
  check: SignatureCheck;
}

/**
 * What selecting a key found: the check, nothing, or several keys and no `kid` to choose.
 *
 * @example
 * ```ts
 * const found: Selection = set.select('RS256', kid);
 * if (typeof found === 'function') return found;
 * ```
 */
export type Selection = SignatureCheck | 'none' | 'ambiguous';

/** A JWK's checks, one per configured algorithm it may serve. */
type Checks = ReadonlyMap<Algorithm, SignatureCheck>;

const NO_CHECKS: Checks = new Map();

/** Whether a JWK may verify at all, before importing it. */
function verifies(jwk: JWK): boolean {
  const { kid, use, key_ops: ops } = jwk;
  if (kid !== undefined && typeof kid !== 'string') return false;
  if (use !== undefined && use !== 'sig') return false;
  return ops === undefined || (Array.isArray(ops) && ops.includes('verify'));
}

/** Import a JWK once and build its check for each algorithm it fits; none when it fits none. */
function checksOf(jwk: JWK, algorithms: readonly Algorithm[], impl: JwtCrypto): Checks {
  let key: ReturnType<JwtCrypto['importJwk']>;
  try {
    key = impl.importJwk(jwk);
  } catch {
    return NO_CHECKS;
  }
  const checks = new Map<Algorithm, SignatureCheck>();
  for (const algorithm of algorithms) {
    if (jwk.alg !== undefined && jwk.alg !== algorithm) continue;
    try {
      checks.set(algorithm, impl.verifier(key, algorithm));
    } catch {
      // This key's type does not serve this algorithm.
    }
  }
  return checks;
}

/** The JWK's members as text: equal prints, the same key for every purpose. */
function fingerprint(jwk: JWK): string | undefined {
  try {
    return JSON.stringify(jwk);
  } catch {
    return undefined;
  }
}

/**
 * Keys usable for verification, indexed by the algorithms they may serve.
 *
 * @example
 * ```ts
 * const set = KeySet.from(jwks.keys, ['RS256'], impl);
 * const check = set.select('RS256', header.kid);
 * const next = KeySet.from(refetched.keys, ['RS256'], impl, set); // unchanged keys keep their checks
 * ```
 */
export class KeySet {
  readonly #byAlg = new Map<Algorithm, Entry[]>();
  /** Each JWK's checks by its fingerprint, for the set built after the next fetch. */
  readonly #checks = new Map<string, Checks>();
  /** How many keys fit at least one configured algorithm. */
  readonly usable: number;

  private constructor(
    keys: readonly unknown[],
    algorithms: readonly Algorithm[],
    impl: JwtCrypto,
    previous: KeySet | undefined,
  ) {
    let usable = 0;
    for (const jwk of keys) {
      if (typeof jwk !== 'object' || jwk === null || !verifies(jwk as JWK)) continue;
      const print = fingerprint(jwk as JWK);
      const kept =
        print === undefined || previous === undefined ? undefined : previous.#checks.get(print);
      const checks = kept ?? checksOf(jwk as JWK, algorithms, impl);
      if (print !== undefined) this.#checks.set(print, checks);
      if (checks.size > 0) usable++;
      const kid = (jwk as JWK).kid as string | undefined;
      for (const [algorithm, check] of checks) {
        const list = this.#byAlg.get(algorithm) ?? [];
        list.push({ kid, check });
        this.#byAlg.set(algorithm, list);
      }
    }
    this.usable = usable;
  }

  /**
   * Import every usable key of `keys` for `algorithms`; unusable keys are skipped. Keys found,
   * unchanged, in `previous` (a set built for the same algorithms and crypto) keep its checks.
   */
  static from(
    keys: readonly unknown[],
    algorithms: readonly Algorithm[],
    impl: JwtCrypto,
    previous?: KeySet,
  ): KeySet {
    return new KeySet(keys, algorithms, impl, previous);
  }

  /** The key for a token's `alg` and `kid`; without `kid`, only when one key fits. */
  select(alg: Algorithm, kid: string | undefined): Selection {
    const list = this.#byAlg.get(alg);
    if (list === undefined) return 'none';
    if (kid === undefined) {
      if (list.length === 1) return list[0]!.check;
      return list.length === 0 ? 'none' : 'ambiguous';
    }
    for (const entry of list) if (entry.kid === kid) return entry.check;
    return 'none';
  }
}
