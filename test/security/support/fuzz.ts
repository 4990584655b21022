import fc from 'fast-check';
import { expect } from 'vitest';
import type { ObservedAnswer } from './harness.js';

/** Runs per property: `FUZZ_RUNS` (the `pnpm fuzz` script sets 20,000), else a quick 200. */
export const RUNS = Math.max(1, Number(process.env['FUZZ_RUNS'] ?? '') || 200);

/** A test timeout that grows with the number of runs (a few ms a request, three frameworks). */
export const FUZZ_TIMEOUT = Math.max(60_000, RUNS * 30);

/**
 * fast-check parameters for every property. A failure prints its seed and path; replay it with
 * `FUZZ_SEED=<seed> FUZZ_PATH=<path>`.
 */
export const PARAMS: fc.Parameters<unknown> = {
  numRuns: RUNS,
  verbose: 1,
  ...(process.env['FUZZ_SEED'] ? { seed: Number(process.env['FUZZ_SEED']) } : {}),
  ...(process.env['FUZZ_PATH'] ? { path: process.env['FUZZ_PATH'] } : {}),
};

/**
 * Assert what holds for every fuzzed request: an answer was made (no crash, nothing escaped the
 * adapter), never a 500 for bad input, and the status is one of `allowed`.
 *
 * @example
 * ```ts
 * expectSafe(answer, [400, 401]);
 * ```
 */
export function expectSafe(answer: ObservedAnswer, allowed: readonly number[]): void {
  const context = `${answer.status} ${answer.body.slice(0, 200)} code=${answer.code}`;
  if (answer.status === -1) return; // the HTTP client refused to send it: nothing reached the app
  expect(answer.headers['x-escaped'], context).toBeUndefined();
  expect(allowed, context).toContain(answer.status);
  if (answer.status >= 400 && answer.status < 500) {
    expect(answer.headers['www-authenticate'] ?? '', context).toMatch(/^Bearer\b/);
  }
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Characters a mutation may insert: base64url, the separators, and the usual suspects. */
export const MUTATION_CHARS = `${B64URL}.=+/ ~`;

/** One edit to a string. */
export type Mutation =
  | { kind: 'replace'; at: number; char: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'swap-segments'; a: number; b: number }
  | { kind: 'duplicate-segment'; index: number }
  | { kind: 'replace-segment'; index: number; text: string };

const char = fc.constantFrom(...MUTATION_CHARS.split(''));

/**
 * Arbitrary edits to a compact token: characters replaced, deleted, inserted; the token cut;
 * segments swapped, duplicated or replaced.
 *
 * @example
 * ```ts
 * fc.asyncProperty(mutations, async (ms) => { const bad = mutate(token, ms); ... });
 * ```
 */
export const mutations: fc.Arbitrary<Mutation[]> = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), char }),
    fc.record({
      kind: fc.constant('delete' as const),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 8 }),
    }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.string({ unit: char, minLength: 1, maxLength: 8 }),
    }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('swap-segments' as const), a: fc.nat(2), b: fc.nat(2) }),
    fc.record({ kind: fc.constant('duplicate-segment' as const), index: fc.nat(2) }),
    fc.record({
      kind: fc.constant('replace-segment' as const),
      index: fc.nat(2),
      text: fc.oneof(
        fc.string({ unit: fc.constantFrom(...B64URL.split('')), maxLength: 64 }),
        fc.json().map((j) => Buffer.from(j).toString('base64url')),
      ),
    }),
  ),
  { minLength: 1, maxLength: 4 },
);

/**
 * Apply edits to a token.
 *
 * @example
 * ```ts
 * mutate('a.b.c', [{ kind: 'truncate', at: 3 }]); // 'a.b'
 * ```
 */
export function mutate(token: string, edits: readonly Mutation[]): string {
  let out = token;
  for (const m of edits) {
    const at = (n: number) => (out.length === 0 ? 0 : n % (out.length + 1));
    const segments = out.split('.');
    switch (m.kind) {
      case 'replace': {
        const i = out.length === 0 ? 0 : m.at % out.length;
        out = out.slice(0, i) + m.char + out.slice(i + 1);
        break;
      }
      case 'delete':
        out = out.slice(0, at(m.at)) + out.slice(at(m.at) + m.length);
        break;
      case 'insert':
        out = out.slice(0, at(m.at)) + m.text + out.slice(at(m.at));
        break;
      case 'truncate':
        out = out.slice(0, at(m.at));
        break;
      case 'swap-segments': {
        const a = segments[m.a % segments.length]!;
        segments[m.a % segments.length] = segments[m.b % segments.length]!;
        segments[m.b % segments.length] = a;
        out = segments.join('.');
        break;
      }
      case 'duplicate-segment':
        segments.splice(m.index % segments.length, 0, segments[m.index % segments.length]!);
        out = segments.join('.');
        break;
      case 'replace-segment':
        segments[m.index % segments.length] = m.text;
        out = segments.join('.');
        break;
    }
  }
  return out;
}
