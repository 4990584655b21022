// apiKey({ invalidation }): the contract between the API key cache and a channel that carries
// invalidations between instances (`redisInvalidation()` is the real one; its tests run on Redis).
import { describe, expect, it, vi } from 'vitest';
import { setupApiKey as setup } from '../test-helpers/api-key-setup.js';
import type { InvalidationTarget, KeyInvalidation } from './types.js';

/** A channel in memory: `live` as set, what was published, and the attached caches. */
function channel() {
  const targets: InvalidationTarget[] = [];
  const published: string[] = [];
  const state = { live: true, fail: undefined as Error | undefined };
  const invalidation: KeyInvalidation = {
    attach(target) {
      targets.push(target);
      return {
        get live() {
          return state.live;
        },
        async publish(hash) {
          if (state.fail) throw state.fail;
          published.push(hash);
          for (const t of targets) t.drop(hash);
        },
      };
    },
  };
  return { invalidation, targets, published, state };
}

describe('apiKey({ invalidation })', () => {
  it('drops a record when another instance invalidates it', async () => {
    const ch = channel();
    const a = setup({ invalidation: ch.invalidation });
    const b = setup({ invalidation: ch.invalidation, lookup: a.lookup });
    const { key, hash } = a.issue();
    await b.method.verify(key, b.ctx);
    await b.method.verify(key, b.ctx);
    expect(a.lookup).toHaveBeenCalledTimes(1);
    a.records.delete(hash);
    await a.method.invalidate(hash);
    expect(ch.published).toEqual([hash]);
    await expect(b.method.verify(key, b.ctx)).rejects.toMatchObject({ status: 401 });
  });

  it('lower-cases the hash it is told to drop', async () => {
    const ch = channel();
    const a = setup({ invalidation: ch.invalidation });
    const { key, hash } = a.issue();
    await a.method.verify(key, a.ctx);
    ch.targets[0]!.drop(hash.toUpperCase());
    await a.method.verify(key, a.ctx);
    expect(a.lookup).toHaveBeenCalledTimes(2);
  });

  it('while the channel is not live, empties the cache once and caches nothing', async () => {
    const ch = channel();
    const a = setup({ invalidation: ch.invalidation });
    const { key } = a.issue();
    await a.method.verify(key, a.ctx);
    ch.state.live = false;
    for (let i = 0; i < 3; i++) await a.method.verify(key, a.ctx);
    expect(a.lookup).toHaveBeenCalledTimes(4);
    ch.state.live = true;
    await a.method.verify(key, a.ctx);
    await a.method.verify(key, a.ctx);
    expect(a.lookup).toHaveBeenCalledTimes(5);
  });

  it('remembers no unknown key while the channel is not live', async () => {
    const ch = channel();
    const a = setup({ invalidation: ch.invalidation });
    ch.state.live = false;
    const { key, hash } = a.issue();
    a.records.delete(hash);
    await expect(a.method.verify(key, a.ctx)).rejects.toMatchObject({ status: 401 });
    a.issue();
    await expect(a.method.verify(key, a.ctx)).rejects.toMatchObject({ status: 401 });
    expect(a.lookup).toHaveBeenCalledTimes(2);
  });

  it('drops everything, lookups in flight included, when told to', async () => {
    const ch = channel();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const a = setup({ invalidation: ch.invalidation });
    const { key } = a.issue();
    const inner = a.lookup.getMockImplementation()!;
    a.lookup.mockImplementation(async (hash) => {
      await gate;
      return inner(hash);
    });
    const first = a.method.verify(key, a.ctx);
    ch.targets[0]!.dropAll();
    release();
    await first;
    await a.method.verify(key, a.ctx);
    expect(a.lookup).toHaveBeenCalledTimes(2);
  });

  it('rejects invalidate() when the channel fails, and never as an unhandled rejection', async () => {
    const ch = channel();
    const a = setup({ invalidation: ch.invalidation });
    ch.state.fail = new Error('channel down');
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      await expect(a.method.invalidate('ab'.repeat(32))).rejects.toThrow('channel down');
      void a.method.invalidate('cd'.repeat(32));
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('turns a publish() that throws synchronously into a rejection', async () => {
    const invalidation: KeyInvalidation = {
      attach: () => ({
        live: true,
        publish() {
          throw new Error('sync failure');
        },
      }),
    };
    const a = setup({ invalidation });
    await expect(a.method.invalidate('ab'.repeat(32))).rejects.toThrow('sync failure');
  });

  it('resolves invalidate() without a channel', async () => {
    const a = setup();
    await expect(a.method.invalidate('ab'.repeat(32))).resolves.toBeUndefined();
  });

  it('refuses an invalidation without attach()', () => {
    expect(() => setup({ invalidation: {} as KeyInvalidation })).toThrow(/invalidation.*attach/);
    expect(() => setup({ invalidation: null as unknown as KeyInvalidation })).toThrow(TypeError);
  });
});
