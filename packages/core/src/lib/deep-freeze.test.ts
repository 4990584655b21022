import { describe, expect, it } from 'vitest';
import { deepFreeze } from './deep-freeze.js';

describe('deepFreeze', () => {
  it('freezes every object and array of parsed JSON', () => {
    const value = JSON.parse('{"a":[{"b":{"c":[1,2]}}],"d":null,"e":"x"}');
    deepFreeze(value);
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.a)).toBe(true);
    expect(Object.isFrozen(value.a[0].b)).toBe(true);
    expect(Object.isFrozen(value.a[0].b.c)).toBe(true);
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    const depth = 100_000;
    const value = JSON.parse(`${'[{"a":'.repeat(depth)}1${'}]'.repeat(depth)}`);
    expect(() => deepFreeze(value)).not.toThrow();
    let node: unknown = value;
    let levels = 0;
    let thawed = 0;
    while (typeof node === 'object' && node !== null) {
      if (!Object.isFrozen(node)) thawed++;
      node = Array.isArray(node) ? node[0] : (node as { a: unknown }).a;
      levels++;
    }
    expect(thawed).toBe(0);
    expect(levels).toBe(2 * depth);
  });
});
