import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { requestView } from './view.js';

const app = new Hono();
app.get('/', (c) => c.json(requestView(c).header('authorization') ?? null));

async function seen(env: unknown, headers?: HeadersInit) {
  const res = await app.request('/', { headers }, env);
  return res.json();
}

// What @hono/node-server hands the app: a Request that keeps its IncomingMessage under its own
// `Symbol('incomingKey')`, with that message in `env.incoming`.
function fromNodeServer(incoming: object, headers?: HeadersInit): Request {
  const req = new Request('http://localhost/', { headers });
  Object.defineProperty(req, Symbol('incomingKey'), { value: incoming, enumerable: true });
  return req;
}

describe('requestView', () => {
  it("reads Node's raw header lines on @hono/node-server, keeping repeated headers apart", async () => {
    const incoming = { rawHeaders: ['Authorization', 'Bearer a.b.c', 'authorization', 'Basic x'] };
    const res = await app.fetch(fromNodeServer(incoming, { authorization: 'Bearer ignored' }), {
      incoming,
    });
    expect(await res.json()).toEqual(['Bearer a.b.c', 'Basic x']);
  });

  it('reads the Fetch headers of a Request node-server did not build from env.incoming', async () => {
    const incoming = { rawHeaders: ['Authorization', 'Bearer socket.lines.here'] };
    // A Request a handler forwards in-process with the same env: its own headers decide.
    expect(await seen({ incoming }, { authorization: 'Bearer a.b.c' })).toBe('Bearer a.b.c');
    expect(await seen({ incoming }, {})).toBeNull();
    // One node-server built from another message.
    const other = fromNodeServer({ rawHeaders: [] }, { authorization: 'Bearer d.e.f' });
    const res = await app.fetch(other, { incoming });
    expect(await res.json()).toBe('Bearer d.e.f');
  });

  it('reads the Fetch headers on other runtimes', async () => {
    expect(await seen(undefined, { authorization: 'Bearer a.b.c' })).toBe('Bearer a.b.c');
    expect(await seen({ incoming: {} }, { authorization: 'Bearer a.b.c' })).toBe('Bearer a.b.c');
  });
});

describe('requestView method and target', () => {
  it('gives the method and the path with its query, for a DPoP proof, on the Fetch path', async () => {
    const probe = new Hono();
    probe.post('/orders/:id', (c) => {
      const view = requestView(c);
      return c.json({ method: view.method, url: view.url });
    });
    const res = await probe.request('/orders/7?expand=items', { method: 'POST' });
    expect(await res.json()).toEqual({ method: 'POST', url: '/orders/7?expand=items' });
  });
});
