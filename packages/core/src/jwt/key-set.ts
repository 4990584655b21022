// A set of JWKs imported once, indexed by algorithm, and the selection of one key for a token:
// by `kid` (string equality) and by the algorithms the key's type allows.
import type { Algorithm } from './algorithms.js';
import type { JwtCrypto, SignatureCheck } from './crypto-api.js';
import type { JWK } from './key-types.js';

interface Entry {
  kid: string | undefined;
  check: SignatureCheck;
}

/** What selecting a key found: the check, nothing, or several keys and no `kid` to choose. */
export type Selection = SignatureCheck | 'none' | 'ambiguous';

/**
 * Keys usable for verification, indexed by the algorithms they may serve.
 *
 * @example
 * ```ts
 * const set = KeySet.from(jwks.keys, ['RS256'], impl);
 * const check = set.select('RS256', header.kid);
 * ```
 */
export class KeySet {
  readonly #byAlg = new Map<Algorithm, Entry[]>();
  /** How many keys fit at least one configured algorithm. */
  readonly usable: number;

  private constructor(keys: readonly unknown[], algorithms: readonly Algorithm[], impl: JwtCrypto) {
    let usable = 0;
    for (const jwk of keys) {
      if (typeof jwk !== 'object' || jwk === null) continue;
      const { kid, use, key_ops: ops, alg } = jwk as JWK;
      if (kid !== undefined && typeof kid !== 'string') continue;
      if (use !== undefined && use !== 'sig') continue;
      if (ops !== undefined && !(Array.isArray(ops) && ops.includes('verify'))) continue;
      let key: ReturnType<JwtCrypto['importJwk']>;
      try {
        key = impl.importJwk(jwk as JWK);
      } catch {
        continue;
      }
      let fits = false;
      for (const algorithm of algorithms) {
        if (alg !== undefined && alg !== algorithm) continue;
        let check: SignatureCheck;
        try {
          check = impl.verifier(key, algorithm);
        } catch {
          continue;
        }
        fits = true;
        const list = this.#byAlg.get(algorithm) ?? [];
        list.push({ kid, check });
        this.#byAlg.set(algorithm, list);
      }
      if (fits) usable++;
    }
    this.usable = usable;
  }

  /** Import every usable key of `keys` for `algorithms`; unusable keys are skipped. */
  static from(keys: readonly unknown[], algorithms: readonly Algorithm[], impl: JwtCrypto): KeySet {
    return new KeySet(keys, algorithms, impl);
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
