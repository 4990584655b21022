import { type Awaitable, isPromiseLike } from '../lib/awaitable.js';
import { withDeadline } from '../lib/deadline.js';
import { InvalidRecordError, type KeyRecord, toKeyRecord } from './record.js';

/**
 * What one `lookup` call came to.
 *
 * @example
 * ```ts
 * if (outcome.kind === 'found') records.set(hash, outcome.record, now);
 * ```
 */
export type LookupOutcome =
  | { readonly kind: 'found'; readonly record: KeyRecord }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'failed'; readonly cause: unknown }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'invalid'; readonly cause: InvalidRecordError };

const UNKNOWN: LookupOutcome = Object.freeze({ kind: 'unknown' });
const TIMEOUT: LookupOutcome = Object.freeze({ kind: 'timeout' });
const TIMED_OUT = Symbol('timed out');

function settle(value: unknown): LookupOutcome {
  if (value === null || value === undefined) return UNKNOWN;
  try {
    return { kind: 'found', record: toKeyRecord(value) };
  } catch (cause) {
    const err = cause instanceof InvalidRecordError ? cause : new InvalidRecordError(String(cause));
    return { kind: 'invalid', cause: err };
  }
}

/**
 * Where the time of a cache write comes from (a `VerifyContext`).
 *
 * @example
 * ```ts
 * flights.run(hash, { now: () => Date.now() });
 * ```
 */
export interface Clock {
  now(): number;
}

/**
 * Runs lookups; see {@link singleFlight}.
 *
 * @example
 * ```ts
 * const outcome = await flights.run(hash, ctx);
 * flights.forget(hash); // after invalidate(hash)
 * ```
 */
export interface Flights {
  /** The outcome for `hash`: synchronously for a synchronous `lookup`, else a shared promise. */
  run(hash: string, clock: Clock): Awaitable<LookupOutcome>;
  /** Detach the lookup in flight for `hash`: later callers start a new one, its result is not kept. */
  forget(hash: string): void;
  /** {@link Flights.forget} every hash. */
  forgetAll(): void;
}

/**
 * Call `lookup` with a timeout, sharing one call among concurrent callers of the same hash, and
 * hand each `found`/`unknown` outcome to `keep` (the cache) unless the flight was forgotten
 * meanwhile (an `invalidate()` during the lookup must win over its possibly stale answer).
 *
 * @example
 * ```ts
 * const flights = singleFlight(options.lookup, 5000, (hash, outcome, now) => store(hash, outcome, now));
 * const outcome = await flights.run(hash, ctx);
 * ```
 */
export function singleFlight(
  lookup: (hash: string) => unknown,
  timeoutMs: number,
  keep: (hash: string, outcome: LookupOutcome, now: number) => void,
): Flights {
  const inflight = new Map<string, Promise<LookupOutcome>>();

  function start(
    hash: string,
    pending: PromiseLike<unknown>,
    clock: Clock,
  ): Promise<LookupOutcome> {
    const flight = withDeadline(pending, timeoutMs, TIMED_OUT)
      .then(
        (value): LookupOutcome => (value === TIMED_OUT ? TIMEOUT : settle(value)),
        (cause: unknown): LookupOutcome => ({ kind: 'failed', cause }),
      )
      .then((outcome) => {
        if (inflight.get(hash) === flight) {
          inflight.delete(hash);
          if (outcome.kind === 'found' || outcome.kind === 'unknown')
            keep(hash, outcome, clock.now());
        }
        return outcome;
      });
    inflight.set(hash, flight);
    return flight;
  }

  return {
    run(hash, clock) {
      const shared = inflight.get(hash);
      if (shared !== undefined) return shared;
      let result: unknown;
      try {
        result = lookup(hash);
      } catch (cause) {
        return { kind: 'failed', cause };
      }
      if (isPromiseLike(result)) return start(hash, result, clock);
      const outcome = settle(result);
      if (outcome.kind === 'found' || outcome.kind === 'unknown') keep(hash, outcome, clock.now());
      return outcome;
    },
    forget(hash) {
      inflight.delete(hash);
    },
    forgetAll() {
      inflight.clear();
    },
  };
}
