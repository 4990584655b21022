import { describe, expect, it } from 'vitest';
import {
  fromFetchHeaders,
  fromFetchRequest,
  fromNodeHeaders,
  fromNodeRequest,
  headerValues,
} from './request.js';

describe('fromNodeRequest', () => {
  const view = fromNodeRequest({
    rawHeaders: [
      'Host',
      'api.test',
      'Authorization',
      'Bearer a.b.c',
      'X-Api-Key',
      'pcs_1',
      'AUTHORIZATION',
      'Bearer d.e.f',
      'Cookie',
      'a=1',
    ],
  });

  it('finds a header by its lower-case name, whatever case it was sent in', () => {
    expect(view.header('x-api-key')).toBe('pcs_1');
    expect(view.header('cookie')).toBe('a=1');
  });

  it('returns every value of a repeated header, in order', () => {
    expect(view.header('authorization')).toEqual(['Bearer a.b.c', 'Bearer d.e.f']);
  });

  it('answers undefined for an absent header', () => {
    expect(view.header('x-other')).toBeUndefined();
    expect(headerValues(view, 'x-other')).toEqual([]);
  });
});

describe('fromNodeHeaders and fromFetchHeaders', () => {
  it('read headersDistinct and Fetch Headers', () => {
    expect(fromNodeHeaders({ authorization: ['a', 'b'] }).header('authorization')).toEqual([
      'a',
      'b',
    ]);
    const headers = new Headers();
    headers.append('Authorization', 'Bearer x');
    expect(fromFetchHeaders(headers).header('authorization')).toBe('Bearer x');
    expect(fromFetchHeaders(headers).header('x-api-key')).toBeNull();
  });
});

describe('fromFetchRequest', () => {
  it("reads the request's headers, a repeated one joined as Fetch joins it", () => {
    const headers = new Headers([
      ['authorization', 'Bearer a.b.c'],
      ['x-api-key', 'one'],
      ['x-api-key', 'two'],
    ]);
    const view = fromFetchRequest(new Request('https://api.example.com/', { headers }));
    expect(view.header('authorization')).toBe('Bearer a.b.c');
    expect(view.header('x-api-key')).toBe('one, two');
    expect(view.header('dpop')).toBeNull();
  });

  it('gives the method and the path with its query, for a DPoP proof, read when asked', () => {
    const request = new Request('https://api.example.com/orders/7?expand=items#frag', {
      method: 'POST',
    });
    const view = fromFetchRequest(request);
    expect(view.method).toBe('POST');
    expect(view.url).toBe('/orders/7?expand=items');
    expect(fromFetchRequest(new Request('https://api.example.com')).url).toBe('/');
  });
});

describe('fromFetchRequest on @hono/node-server', () => {
  // What @hono/node-server hands a fetch handler: a Request that keeps its IncomingMessage under
  // its own `Symbol('incomingKey')`, with that message in `env.incoming`.
  function fromNodeServer(incoming: object, headers?: HeadersInit): Request {
    const request = new Request('http://localhost/', { headers });
    Object.defineProperty(request, Symbol('incomingKey'), { value: incoming, enumerable: true });
    return request;
  }

  it("reads Node's raw header lines, keeping a repeated header apart, and its method and target", () => {
    const incoming = {
      rawHeaders: ['Authorization', 'Bearer a.b.c', 'authorization', 'Basic x'],
      method: 'PUT',
      url: '/orders/7?x=1',
    };
    const request = fromNodeServer(incoming, { authorization: 'Bearer ignored' });
    const view = fromFetchRequest(request, { incoming });
    expect(view.header('authorization')).toEqual(['Bearer a.b.c', 'Basic x']);
    expect(view.method).toBe('PUT');
    expect(view.url).toBe('/orders/7?x=1');
    // The symbol, once found, is remembered: a second request is read the same way.
    const again = fromNodeServer(incoming);
    expect(fromFetchRequest(again, { incoming }).header('authorization')).toHaveLength(2);
  });

  it('reads the Request itself when it was not built from env.incoming', () => {
    const incoming = { rawHeaders: ['Authorization', 'Bearer socket.lines.here'] };
    // Made in-process and passed on with the same env: its own headers decide.
    const forwarded = new Request('http://localhost/', { headers: { authorization: 'Bearer a' } });
    expect(fromFetchRequest(forwarded, { incoming }).header('authorization')).toBe('Bearer a');
    // Built by node-server from another message.
    const other = fromNodeServer({ rawHeaders: [] }, { authorization: 'Bearer d' });
    expect(fromFetchRequest(other, { incoming }).header('authorization')).toBe('Bearer d');
    // No env, an env that is not an object, or one with no Node message.
    for (const env of [undefined, null, 'env', { incoming: {} }, { incoming: null }]) {
      expect(fromFetchRequest(forwarded, env).header('authorization')).toBe('Bearer a');
    }
  });
});
