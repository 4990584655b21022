import { describe, expect, it } from 'vitest';
import { toSeconds } from './duration.js';

describe('toSeconds', () => {
  it.each([
    [60, 60],
    ['30s', 30],
    ['5m', 300],
    ['2 hours', 7200],
    ['1d', 86400],
    ['-1h', -3600],
    ['90', 90],
  ])('%s is %i seconds', (input, seconds) => {
    expect(toSeconds(input)).toBe(seconds);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, 'soon', '5 fortnights', ''])(
    'refuses %s',
    (input) => {
      expect(() => toSeconds(input as number | string)).toThrow(TypeError);
    },
  );
});
