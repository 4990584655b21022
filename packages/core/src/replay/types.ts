/**
 * A store that lets each id through once: one-time tokens, DPoP proof `jti`s. `claim()` answers
 * `true` the first time an id is claimed before `expiresAt`, `false` for every later claim. A store
 * that cannot answer must throw or reject, never answer `true`.
 *
 * @example
 * ```ts
 * const replay: ReplayStore = memoryReplayStore();
 * const first = await replay.claim('proof-1', Math.floor(Date.now() / 1000) + 300);
 * ```
 */
export interface ReplayStore {
  /** Claim `id` until `expiresAt` (epoch seconds): `true` once, then `false`. */
  claim(id: string, expiresAt: number): boolean | Promise<boolean>;
}

/**
 * Options of {@link memoryReplayStore}.
 *
 * @example
 * ```ts
 * const replay = memoryReplayStore({ now: () => clock.now() });
 * ```
 */
export interface MemoryReplayStoreOptions {
  /** The clock, in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
}
