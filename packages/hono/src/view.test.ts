import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { requestView } from './view.js';

async function seen(env: unknown, headers?: HeadersInit) {
  const app = new Hono();
  app.get('/', (c) => c.json(requestView(c).header('authorization') ?? null));
  const res = await app.request('/', { headers }, env);
  return res.json();
}

describe('requestView', () => {
  it("reads Node's raw header lines on @hono/node-server, keeping repeated headers apart", async () => {
    const incoming = { rawHeaders: ['Authorization', 'Bearer a.b.c', 'authorization', 'Basic x'] };
    expect(await seen({ incoming }, { authorization: 'Bearer ignored' })).toEqual([
      'Bearer a.b.c',
      'Basic x',
    ]);
  });

  it('reads the Fetch headers on other runtimes', async () => {
    expect(await seen(undefined, { authorization: 'Bearer a.b.c' })).toBe('Bearer a.b.c');
    expect(await seen({ incoming: {} }, { authorization: 'Bearer a.b.c' })).toBe('Bearer a.b.c');
  });
});
