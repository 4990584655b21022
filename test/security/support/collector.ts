import { afterAll, expect } from 'vitest';

/** Something the suite produced that a client, a log or an audit trail could see. */
export interface Observed {
  /** Where it came from: `response`, `event`, `error`. */
  kind: string;
  /** What it said, as text. */
  text: string;
}

const MIN_SECRET_LENGTH = 8;
const secrets = new Set<string>();
const observed: Observed[] = [];
// Most answers repeat byte for byte (every 401 of a fuzz run): keep each distinct one once.
const seen = new Set<string>();

/**
 * Mark a value as secret: a token, key, key hash, signing secret or claim value. The leak check
 * fails if it shows up in anything the suite observed. Short values are ignored (they would
 * match by chance). Returns the value, so it can wrap an expression.
 *
 * @example
 * ```ts
 * const token = secret(await sign(claims));
 * ```
 */
export function secret<T extends string>(value: T): T {
  if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
  return value;
}

/**
 * Record something a client, log or audit trail could see: a response (status, headers, body),
 * an `onEvent` event, an error message.
 *
 * @example
 * ```ts
 * observe('error', err.message);
 * ```
 */
export function observe(kind: string, value: unknown): void {
  const text = typeof value === 'string' ? value : safeStringify(value);
  const key = `${kind}\u0000${text}`;
  if (seen.has(key)) return;
  seen.add(key);
  observed.push({ kind, text });
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A secret found in something observed: where, which (abbreviated), and the text around it. */
export interface Leak {
  kind: string;
  secret: string;
  excerpt: string;
}

/**
 * Every secret that appears in any of the observed texts (pure: the check itself is tested).
 *
 * @example
 * ```ts
 * scanForLeaks([{ kind: 'response', text: body }], [token]); // [] when clean
 * ```
 */
export function scanForLeaks(items: readonly Observed[], watched: Iterable<string>): Leak[] {
  const leaks: Leak[] = [];
  const list = [...watched];
  for (const item of items) {
    for (const s of list) {
      const at = item.text.indexOf(s);
      if (at < 0) continue;
      leaks.push({
        kind: item.kind,
        secret: `${s.slice(0, 12)}…(${s.length} chars)`,
        excerpt: item.text.slice(Math.max(0, at - 40), at + 40),
      });
    }
  }
  return leaks;
}

/**
 * Every watched secret that appears in something this file observed (empty when nothing leaked).
 *
 * @example
 * ```ts
 * expect(findLeaks()).toEqual([]);
 * ```
 */
export function findLeaks(): Leak[] {
  return scanForLeaks(observed, secrets);
}

/** How many things were observed and how many secrets are watched (to prove the check ran). */
export function collectorSize(): { observed: number; secrets: number } {
  return { observed: observed.length, secrets: secrets.size };
}

/**
 * Register, once per test file, the check that nothing the file observed contains a secret.
 * Vitest runs each file in its own module graph, so each file checks what it produced.
 *
 * @example
 * ```ts
 * useLeakCheck();
 * ```
 */
export function useLeakCheck(): void {
  afterAll(() => {
    const size = collectorSize();
    expect(
      size.observed,
      'the leak check observed nothing: the suite did not feed it',
    ).toBeGreaterThan(0);
    expect(findLeaks()).toEqual([]);
  });
}
