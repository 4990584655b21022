import { describe, expect, it } from 'vitest';
import { memoryDenyList } from './deny-list.js';

describe('memoryDenyList', () => {
  it('revokes a jti until its expiry plus a 300 s grace', () => {
    let now = 1_000_000_000;
    const list = memoryDenyList({ now: () => now });
    expect(list.isRevoked('a')).toBe(false);
    list.revoke('a', now / 1000 + 60);
    expect(list.isRevoked('a')).toBe(true);
    expect(list.isRevoked('b')).toBe(false);
    now += (60 + 299) * 1000;
    expect(list.isRevoked('a')).toBe(true);
    now += 1000;
    expect(list.isRevoked('a')).toBe(false);
  });

  it('accepts a Date and keeps the later of two expiries', () => {
    const now = 1_000_000_000;
    const list = memoryDenyList({ now: () => now });
    list.revoke('a', new Date(now + 3_600_000));
    list.revoke('a', now / 1000 + 1);
    expect(list.isRevoked('a')).toBe(true);
    expect(list.size).toBe(1);
  });

  it('sweeps expired entries on revoke, so memory stays bounded', () => {
    let now = 1_000_000_000;
    const list = memoryDenyList({ now: () => now });
    for (let i = 0; i < 100; i++) list.revoke(`old-${i}`, now / 1000 + 10);
    expect(list.size).toBe(100);
    now += (10 + 300 + 61) * 1000;
    list.revoke('new', now / 1000 + 10);
    expect(list.size).toBe(1);
    expect(list.isRevoked('new')).toBe(true);
  });

  it('refuses bad arguments with a TypeError', () => {
    const list = memoryDenyList();
    expect(() => list.revoke('', 1)).toThrow(TypeError);
    expect(() => list.revoke(5 as unknown as string, 1)).toThrow(TypeError);
    expect(() => list.revoke('a', Number.NaN)).toThrow(TypeError);
    expect(() => list.revoke('a', Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(() => list.revoke('a', new Date('nope'))).toThrow(TypeError);
    expect(() => list.revoke('a', '2030-01-01' as unknown as number)).toThrow(TypeError);
    expect(() => list.revoke('a', Date.now())).toThrow(/milliseconds/);
    expect(list.size).toBe(0);
  });

  it('uses Date.now by default', () => {
    const list = memoryDenyList();
    list.revoke('a', Date.now() / 1000 + 60);
    expect(list.isRevoked('a')).toBe(true);
  });
});
