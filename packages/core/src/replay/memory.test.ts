import { describe, expect, it } from 'vitest';
import { memoryReplayStore } from './memory.js';

describe('memoryReplayStore', () => {
  it('lets an id through once until it expires, then again', () => {
    let now = 1_000_000_000;
    const store = memoryReplayStore({ now: () => now });
    const until = now / 1000 + 60;
    expect(store.claim('a', until)).toBe(true);
    expect(store.claim('a', until)).toBe(false);
    expect(store.claim('a', until + 600)).toBe(false);
    expect(store.claim('b', until)).toBe(true);
    now += 60_000;
    expect(store.claim('a', now / 1000 + 60)).toBe(true);
  });

  it('refuses an id whose expiry has already passed: it could otherwise be claimed twice', () => {
    const now = 1_000_000_000;
    const store = memoryReplayStore({ now: () => now });
    expect(store.claim('old', now / 1000)).toBe(false);
    expect(store.claim('old', now / 1000 - 1)).toBe(false);
    expect(store.size).toBe(0);
  });

  it('drops expired entries as later claims come in', () => {
    let now = 1_000_000_000;
    const store = memoryReplayStore({ now: () => now });
    for (let i = 0; i < 50; i++) store.claim(`id-${i}`, now / 1000 + 5);
    expect(store.size).toBe(50);
    now += 20_000;
    store.claim('fresh', now / 1000 + 5);
    expect(store.size).toBe(1);
  });

  it('refuses bad arguments with a TypeError', () => {
    const store = memoryReplayStore();
    const later = Date.now() / 1000 + 60;
    expect(() => store.claim('', later)).toThrow(TypeError);
    expect(() => store.claim(1 as unknown as string, later)).toThrow(TypeError);
    expect(() => store.claim('a', Number.NaN)).toThrow(TypeError);
    expect(() => store.claim('a', new Date() as unknown as number)).toThrow(TypeError);
    expect(() => store.claim('a', Date.now())).toThrow(/milliseconds/);
    expect(() => memoryReplayStore({ nowe: Date.now } as never)).toThrow(/now/);
  });

  it('uses Date.now by default', () => {
    const store = memoryReplayStore();
    expect(store.claim('a', Date.now() / 1000 + 60)).toBe(true);
    expect(store.claim('a', Date.now() / 1000 + 60)).toBe(false);
  });
});
