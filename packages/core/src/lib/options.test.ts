import { describe, expect, it } from 'vitest';
import { checkOptions, nearest } from './options.js';

describe('checkOptions()', () => {
  const known = ['lookup', 'prefix', 'header', 'cache'];

  it('passes an object whose keys are all known, and an empty one', () => {
    expect(() => checkOptions('f()', { lookup: 1, prefix: 'p' }, known)).not.toThrow();
    expect(() => checkOptions('f()', {}, known)).not.toThrow();
  });

  it('names an unknown key and the nearest known one', () => {
    expect(() => checkOptions('apiKey()', { lookup: 1, prefx: 'p' }, known)).toThrow(
      new TypeError('apiKey(): unknown option `prefx`; did you mean `prefix`?'),
    );
  });

  it('lists the known keys when none is near', () => {
    expect(() => checkOptions('f()', { zzzzzzzz: 1 }, ['a', 'b'])).toThrow(
      new TypeError('f(): unknown option `zzzzzzzz`; known options are `a`, `b`'),
    );
  });

  it('writes a nested option with its path', () => {
    expect(() => checkOptions('apiKey()', { mx: 1 }, ['max', 'ttl'], 'cache')).toThrow(
      new TypeError('apiKey(): unknown option `cache.mx`; did you mean `cache.max`?'),
    );
  });

  it.each([null, 'x', 1, []])('refuses %j as the options object', (value) => {
    expect(() => checkOptions('f()', value, known)).toThrow(TypeError);
    expect(() => checkOptions('f()', value, known, 'cache')).toThrow(
      'f(): `cache` must be an object',
    );
  });

  it('reads only own enumerable keys, so a prototype adds nothing', () => {
    const options = Object.create({ inherited: true }) as object;
    expect(() => checkOptions('f()', options, known)).not.toThrow();
  });
});

describe('nearest()', () => {
  it.each([
    ['onevent', ['methods', 'realm', 'onEvent', 'now'], 'onEvent'],
    ['audiance', ['audience', 'algorithms', 'issuer'], 'audience'],
    ['isRevokd', ['isRevoked', 'denyList'], 'isRevoked'],
    ['algorithm', ['algorithms', 'audience'], 'algorithms'],
    ['relam', ['realm', 'methods'], 'realm'],
    ['x', ['max', 'ttl'], undefined],
    ['completelyDifferent', ['max', 'ttl'], undefined],
  ] as const)('%s → %s', (name, known, expected) => {
    expect(nearest(name, known)).toBe(expected);
  });
});
