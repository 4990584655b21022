import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiKeyAuth, authFetch, type CredentialProvider, clientCredentials } from '../src/index.js';
import { API, challenge, fake, TOKEN_ENDPOINT, tokenResponse } from './fakes.js';

const base = { tokenEndpoint: TOKEN_ENDPOINT, clientId: 'agent', clientSecret: 'agent-secret' };
const INVALID = 'Bearer realm="api", error="invalid_token", error_description="revoked"';

/** An API that refuses every token in `refused` with 401 invalid_token. */
function refusing(refused: (authorization: string | null) => boolean) {
  return fake({
    api: (call) =>
      refused(call.headers.get('authorization')) ? challenge(INVALID) : Response.json({ ok: true }),
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('authFetch: attaching credentials', () => {
  it('adds the provider headers to plain-object headers, replacing any of the same name', async () => {
    const { fetch, apiCalls } = fake();
    const api = authFetch(apiKeyAuth('pcs_key'), fetch);
    await api(`${API}/a`, {
      headers: { Authorization: 'Bearer stale', accept: 'application/json' },
    });
    const [call] = apiCalls;
    expect(call!.headers.get('authorization')).toBe('Bearer pcs_key');
    expect(call!.headers.get('accept')).toBe('application/json');
  });

  it('keeps plain-object headers a plain object (as fetch wrappers and fakes expect)', async () => {
    const seen: unknown[] = [];
    const api = authFetch(apiKeyAuth('pcs_key', { header: 'x-api-key' }), async (_input, init) => {
      seen.push(init?.headers);
      return new Response('');
    });
    await api(`${API}/a`);
    await api(`${API}/a`, { headers: { 'X-Trace': '1' } });
    expect(seen).toEqual([{ 'x-api-key': 'pcs_key' }, { 'X-Trace': '1', 'x-api-key': 'pcs_key' }]);
  });

  it('works with Headers, header arrays, URL and Request inputs', async () => {
    const { fetch, apiCalls } = fake();
    const api = authFetch(apiKeyAuth('pcs_key'), fetch);
    await api(new URL(`${API}/h`), { headers: new Headers({ authorization: 'x', 'x-a': '1' }) });
    await api(`${API}/h`, { headers: [['x-b', '2']] });
    await api(new Request(`${API}/r`, { headers: { 'x-c': '3', authorization: 'y' } }));
    expect(apiCalls.map((c) => c.headers.get('authorization'))).toEqual(
      Array(3).fill('Bearer pcs_key'),
    );
    expect(apiCalls[0]!.headers.get('x-a')).toBe('1');
    expect(apiCalls[1]!.headers.get('x-b')).toBe('2');
    expect(apiCalls[2]!.headers.get('x-c')).toBe('3');
    expect(apiCalls[2]!.url).toBe(`${API}/r`);
  });

  it('passes the method and absolute URL to the provider, normalized as fetch sends it', async () => {
    const requests: unknown[] = [];
    const provider: CredentialProvider = {
      getHeaders: async (request) => {
        requests.push(request);
        return {};
      },
    };
    const { fetch } = fake();
    const api = authFetch(provider, fetch);
    await api(`${API}/a?x=1`);
    await api(`${API}/b`, { method: 'post', body: '{}' });
    await api(`${API}/c`, { method: 'patch', body: '{}' });
    await api(new Request(`${API}/d`, { method: 'DELETE' }));
    expect(requests).toEqual([
      { method: 'GET', url: `${API}/a?x=1` },
      { method: 'POST', url: `${API}/b` },
      { method: 'patch', url: `${API}/c` },
      { method: 'DELETE', url: `${API}/d` },
    ]);
  });

  it('uses globalThis.fetch when given none, looked up on each call', async () => {
    const stub = vi.fn(async () => new Response('ok'));
    vi.stubGlobal('fetch', stub);
    const api = authFetch(apiKeyAuth('pcs_key'));
    expect(await (await api(`${API}/x`)).text()).toBe('ok');
    expect(stub).toHaveBeenCalledOnce();
  });

  it('refuses a provider without getHeaders, or a fetch that is not a function', () => {
    expect(() => authFetch({} as never)).toThrow(TypeError);
    expect(() => authFetch(null as never)).toThrow(TypeError);
    expect(() => authFetch(apiKeyAuth('k'), 'fetch' as never)).toThrow(TypeError);
  });
});

describe('authFetch: one retry on invalid_token', () => {
  it('a revoked token: drops it, gets one more, retries once', async () => {
    const { fetch, tokenCalls, apiCalls } = refusing((a) => a === 'Bearer token-1');
    const api = authFetch(clientCredentials({ ...base, fetch }), fetch);
    const res = await api(`${API}/x`);
    expect(res.status).toBe(200);
    expect(apiCalls.map((c) => c.headers.get('authorization'))).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
    expect(tokenCalls).toHaveLength(2);
  });

  it('100 concurrent calls on a revoked token recover with exactly one more token request', async () => {
    const { fetch, tokenCalls, apiCalls } = refusing((a) => a === 'Bearer token-1');
    const provider = clientCredentials({ ...base, fetch });
    await provider.getHeaders();
    const api = authFetch(provider, fetch);
    const answers = await Promise.all(Array.from({ length: 100 }, () => api(`${API}/x`)));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(tokenCalls).toHaveLength(2);
    expect(apiCalls).toHaveLength(200);
  });

  it('never loops: a server that refuses every token gets two calls', async () => {
    const { fetch, tokenCalls, apiCalls } = refusing(() => true);
    const api = authFetch(clientCredentials({ ...base, fetch }), fetch);
    const res = await api(`${API}/x`);
    expect(res.status).toBe(401);
    expect(apiCalls).toHaveLength(2);
    expect(tokenCalls).toHaveLength(2);
  });

  it('no retry on a 401 without invalid_token, on a 403, or with an API key', async () => {
    const cases: [Response, CredentialProvider | undefined][] = [
      [new Response('', { status: 401 }), undefined],
      [challenge('Bearer realm="api"'), undefined],
      [challenge('Bearer error_description="error=invalid_token"'), undefined],
      [
        new Response('', {
          status: 403,
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        }),
        undefined,
      ],
      [challenge(INVALID), apiKeyAuth('pcs_key')],
    ];
    for (const [answer, provider] of cases) {
      const { fetch, apiCalls } = fake({ api: () => answer.clone() });
      const api = authFetch(provider ?? clientCredentials({ ...base, fetch }), fetch);
      await api(`${API}/x`);
      expect(apiCalls).toHaveLength(1);
    }
  });

  it('reads invalid_token in any challenge, quoted or not', async () => {
    for (const header of [
      'DPoP algs="ES256", Bearer realm="api", error=invalid_token',
      'Basic realm="x", Bearer error="invalid_token"',
    ]) {
      const { fetch, apiCalls } = fake({
        api: (_c, n) => (n === 1 ? challenge(header) : new Response('')),
      });
      await authFetch(clientCredentials({ ...base, fetch }), fetch)(`${API}/x`);
      expect(apiCalls).toHaveLength(2);
    }
  });

  it.each([
    ['a string', () => '{"a":1}'],
    ['URLSearchParams', () => new URLSearchParams({ a: '1' })],
    ['an ArrayBuffer', () => new TextEncoder().encode('{"a":1}').buffer],
    ['a typed array', () => new TextEncoder().encode('{"a":1}')],
    ['a Blob', () => new Blob(['{"a":1}'])],
    [
      'FormData',
      () => {
        const form = new FormData();
        form.set('a', '1');
        return form;
      },
    ],
  ])('retries a request whose body is %s, with the same body', async (_name, body) => {
    const { fetch, apiCalls } = refusing((a) => a === 'Bearer token-1');
    const api = authFetch(clientCredentials({ ...base, fetch }), fetch);
    const res = await api(`${API}/x`, { method: 'POST', body: body() as BodyInit });
    expect(res.status).toBe(200);
    expect(apiCalls).toHaveLength(2);
    // (A FormData body is sent with a new multipart boundary each time.)
    const content = (body: string | null) => body?.replace(/-+formdata-undici-\d+/g, '--b');
    expect(content(apiCalls[1]!.body)).toBe(content(apiCalls[0]!.body));
    expect(apiCalls[0]!.body).toContain('1');
  });

  it('does not retry a streamed body, but drops the refused token for the next call', async () => {
    const { fetch, apiCalls, tokenCalls } = refusing((a) => a === 'Bearer token-1');
    const api = authFetch(clientCredentials({ ...base, fetch }), fetch);
    const stream = new Blob(['chunk']).stream();
    const res = await api(`${API}/x`, {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(401);
    expect(apiCalls).toHaveLength(1);
    expect((await api(`${API}/x`)).status).toBe(200);
    expect(tokenCalls).toHaveLength(2);
  });

  it('retries a Request without a body, not one with a body', async () => {
    const { fetch, apiCalls } = refusing((a) => a === 'Bearer token-1');
    const api = authFetch(clientCredentials({ ...base, fetch }), fetch);
    expect((await api(new Request(`${API}/get`))).status).toBe(200);
    expect(apiCalls).toHaveLength(2);
    const other = refusing((a) => a === 'Bearer token-1');
    const api2 = authFetch(clientCredentials({ ...base, fetch: other.fetch }), other.fetch);
    const post = new Request(`${API}/post`, { method: 'POST', body: 'x' });
    expect((await api2(post)).status).toBe(401);
    expect(other.apiCalls).toHaveLength(1);
  });

  it('a token endpoint that fails on the retry: its error, not the 401', async () => {
    const { fetch } = fake({
      token: (n) =>
        n === 1
          ? tokenResponse('token-1')
          : Response.json({ error: 'invalid_client' }, { status: 400 }),
      api: () => challenge(INVALID),
    });
    const api = authFetch(clientCredentials({ ...base, fetch }), fetch);
    await expect(api(`${API}/x`)).rejects.toMatchObject({ code: 'invalid_client' });
  });
});
