// The one check every factory runs on its options object: an unknown key is a TypeError that names
// it and the nearest known key, so `apiKey({ prefx })` or `createAuthenticator({ onevent })` fails
// at construction instead of silently dropping a setting.

/** Edit distance between two strings (insertions, deletions, substitutions, transpositions). */
function distance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        d[(i - 1) * cols + j]! + 1,
        d[i * cols + j - 1]! + 1,
        d[(i - 1) * cols + j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

/**
 * The known name nearest to `name`, compared without case, when it is close enough to be the one
 * meant (at most a third of its letters differ, and never more than three).
 *
 * @example
 * ```ts
 * nearest('prefx', ['lookup', 'prefix']); // 'prefix'
 * ```
 */
export function nearest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const allowed = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  return bestDistance <= allowed ? best : undefined;
}

/**
 * Throw a `TypeError` when `options` is not an options object or has a key outside `known`; the
 * message names the unknown key and the nearest known one. `where` names the factory; `path`
 * names a nested options object (`'cache'`), whose keys are then written `cache.max`.
 *
 * @example
 * ```ts
 * checkOptions('apiKey()', options, ['lookup', 'prefix', 'header', 'bearer', 'checksum', 'cache']);
 * // apiKey({ lookup, prefx: 'pcs' }) → TypeError: apiKey(): unknown option `prefx`; did you mean `prefix`?
 * ```
 */
export function checkOptions(
  where: string,
  options: unknown,
  known: readonly string[],
  path?: string,
): void {
  const name = (key: string) => `\`${path === undefined ? key : `${path}.${key}`}\``;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    const what = path === undefined ? 'options' : `\`${path}\``;
    throw new TypeError(`${where}: ${what} must be an object`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const guess = nearest(key, known);
    const hint =
      guess === undefined
        ? `known options are ${known.map(name).join(', ')}`
        : `did you mean ${name(guess)}?`;
    throw new TypeError(`${where}: unknown option ${name(key)}; ${hint}`);
  }
}
