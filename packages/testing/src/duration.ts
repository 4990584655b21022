const UNITS: Record<string, number> = {
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
};

const DURATION = /^(-?\d+(?:\.\d+)?)\s*([a-z]*)$/i;

/**
 * Seconds in a duration: a number of seconds, or a string like `'30s'`, `'5m'`, `'2h'`, `'1d'`
 * (negative for the past: `'-1h'`). Used so relative times follow the issuer's own clock.
 *
 * @example
 * ```ts
 * toSeconds('5m'); // 300
 * toSeconds(-60); // -60
 * ```
 */
export function toSeconds(value: number | string, what = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${what} must be a finite number of seconds`);
    return value;
  }
  const match = typeof value === 'string' ? DURATION.exec(value.trim()) : null;
  const factor = match ? UNITS[(match[2] ?? '').toLowerCase() || 's'] : undefined;
  if (!match || factor === undefined) {
    throw new TypeError(`${what} must be seconds or a string like '30s', '5m', '2h', '1d'`);
  }
  return Math.round(Number(match[1]) * factor);
}
