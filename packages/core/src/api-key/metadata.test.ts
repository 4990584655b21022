import { describe, expect, it } from 'vitest';
import { setupApiKey as setup } from '../test-helpers/api-key-setup.js';
import { failure } from '../test-helpers/failure.js';

describe('API key metadata', () => {
  it('becomes principal.metadata: a frozen copy of plain data', async () => {
    const { method, ctx, issue, records } = setup();
    const metadata = { tier: 'pro', limits: { tokensPerDay: 500_000 }, since: new Date(0) };
    const { key, hash } = issue({ metadata });
    const principal = await method.verify(key, ctx);
    expect(principal.metadata).toEqual({
      tier: 'pro',
      limits: { tokensPerDay: 500_000 },
      since: '1970-01-01T00:00:00.000Z',
    });
    expect(Object.isFrozen(principal.metadata)).toBe(true);
    expect(Object.isFrozen(principal.metadata?.limits)).toBe(true);
    metadata.tier = 'free';
    expect((await method.verify(key, ctx)).metadata?.tier).toBe('pro');
    expect(records.get(hash)?.metadata).toBe(metadata);
  });

  it('is absent when the record has none, or null', async () => {
    const { method, ctx, issue } = setup();
    expect((await method.verify(issue().key, ctx)).metadata).toBeUndefined();
    expect((await method.verify(issue({ metadata: null }).key, ctx)).metadata).toBeUndefined();
  });

  it('refuses metadata that is not a plain object, as an invalid record (500)', async () => {
    for (const metadata of ['pro', 42, ['a'], { loop: {} as Record<string, unknown> }]) {
      if (typeof metadata === 'object' && 'loop' in metadata) metadata.loop.self = metadata;
      const { method, ctx, issue } = setup();
      const { key } = issue({ metadata: metadata as never });
      const err = await failure(method.verify(key, ctx));
      expect(err).toMatchObject({ status: 500, code: 'ERR_LOOKUP_INVALID_RECORD' });
    }
  });
});
