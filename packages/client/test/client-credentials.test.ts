import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { clientCredentials, isOAuthClientError, OAuthClientError } from '../src/index.js';
import {
  challenge,
  clock,
  fake,
  oauthError,
  refusedPort,
  TOKEN_ENDPOINT,
  tokenResponse,
} from './fakes.js';

const SECRET = 'cs_6yF2qLw9XbT4mNc8RvJ1kHs5DpGa3eZu';
const base = { tokenEndpoint: TOKEN_ENDPOINT, clientId: 'billing-agent', clientSecret: SECRET };

async function rejection(promise: Promise<unknown>): Promise<OAuthClientError> {
  const err = await promise.then(
    () => {
      throw new Error('resolved');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OAuthClientError);
  return err as OAuthClientError;
}

describe('clientCredentials: the token request', () => {
  it('sends client_secret_basic, grant_type, scope and each resource; answers Bearer', async () => {
    const { fetch, tokenCalls } = fake();
    const provider = clientCredentials({
      ...base,
      clientId: 'agent:1',
      scope: ['billing:read', 'billing:write'],
      resource: ['https://api.example.test', 'https://mcp.example.test/mcp'],
      fetch,
    });
    expect(await provider.getHeaders()).toEqual({ authorization: 'Bearer token-1' });
    const [call] = tokenCalls;
    // RFC 6749 §2.3.1: id and secret form-urlencoded, then Basic.
    const basic = call!.headers['authorization']!;
    expect(basic).toMatch(/^Basic /);
    const [id, secret] = Buffer.from(basic.slice(6), 'base64').toString().split(':');
    expect([decodeURIComponent(id!), decodeURIComponent(secret!)]).toEqual(['agent:1', SECRET]);
    expect(call!.form.get('grant_type')).toBe('client_credentials');
    expect(call!.form.get('scope')).toBe('billing:read billing:write');
    expect(call!.form.getAll('resource')).toEqual([
      'https://api.example.test',
      'https://mcp.example.test/mcp',
    ]);
    expect(call!.form.has('client_secret')).toBe(false);
  });

  it('sends client_secret_post in the body, a scope string as given', async () => {
    const { fetch, tokenCalls } = fake();
    const provider = clientCredentials({
      ...base,
      authMethod: 'client_secret_post',
      scope: 'a b',
      fetch,
    });
    await provider.getHeaders();
    const [call] = tokenCalls;
    expect(call!.headers['authorization']).toBeUndefined();
    expect(call!.form.get('client_id')).toBe('billing-agent');
    expect(call!.form.get('client_secret')).toBe(SECRET);
    expect(call!.form.get('scope')).toBe('a b');
    expect(call!.form.has('resource')).toBe(false);
  });

  it('signs a private_key_jwt assertion for the token endpoint (RFC 7523), a CryptoKey with its kid', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const { fetch, tokenCalls } = fake();
    const provider = clientCredentials({
      tokenEndpoint: TOKEN_ENDPOINT,
      clientId: 'signer',
      privateKey: { key: privateKey, kid: 'k1' },
      fetch,
    });
    await provider.getHeaders();
    const form = tokenCalls[0]!.form;
    expect(form.get('client_assertion_type')).toBe(
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    );
    const { payload, protectedHeader } = await jwtVerify(form.get('client_assertion')!, publicKey, {
      audience: TOKEN_ENDPOINT,
      issuer: 'signer',
      subject: 'signer',
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: 'k1' });
    expect(payload.jti).toEqual(expect.any(String));
  });

  it('private_key_jwt with a bare CryptoKey: no kid in the header', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const { fetch, tokenCalls } = fake();
    await clientCredentials({
      tokenEndpoint: TOKEN_ENDPOINT,
      clientId: 's',
      privateKey,
      fetch,
    }).getHeaders();
    const { protectedHeader } = await jwtVerify(
      tokenCalls[0]!.form.get('client_assertion')!,
      publicKey,
    );
    expect(protectedHeader.kid).toBeUndefined();
  });

  it('private_key_jwt from a private JWK (imported once), the issuer as audience when given', async () => {
    const { publicKey, privateKey } = await generateKeyPair('PS256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), alg: 'PS256', kid: 'jwk-1' };
    const { fetch, tokenCalls } = fake();
    const provider = clientCredentials({
      tokenEndpoint: TOKEN_ENDPOINT,
      issuer: 'https://auth.example.test',
      clientId: 'signer',
      privateKey: jwk,
      fetch,
    });
    await provider.getHeaders();
    provider.invalidate();
    await provider.getHeaders();
    for (const call of tokenCalls) {
      const { protectedHeader } = await jwtVerify(call.form.get('client_assertion')!, publicKey, {
        audience: 'https://auth.example.test', // as given, not normalized
      });
      expect(protectedHeader).toMatchObject({ alg: 'PS256', kid: 'jwk-1' });
    }
  });

  it('a private JWK that does not import fails the token request with a TypeError, not a secret', async () => {
    const { fetch, tokenCalls } = fake();
    const bad = { kty: 'EC', crv: 'P-256', alg: 'ES256', x: 'AA', y: 'AA', d: 'secret-d-value' };
    const provider = clientCredentials({
      ...base,
      clientSecret: undefined,
      privateKey: bad,
      fetch,
    });
    const err = await provider.getHeaders().catch((e: Error) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).not.toContain('secret-d-value');
    expect(tokenCalls).toHaveLength(0);
  });
});

describe('clientCredentials: one token, reused, refreshed early', () => {
  it('100 concurrent callers with no token start exactly one token request; so do 100 after it expires', async () => {
    const c = clock();
    const { fetch, tokenCalls } = fake();
    const provider = clientCredentials({ ...base, fetch, now: c.now });
    const first = await Promise.all(Array.from({ length: 100 }, () => provider.getHeaders()));
    expect(tokenCalls).toHaveLength(1);
    expect(new Set(first.map((h) => h['authorization']))).toEqual(new Set(['Bearer token-1']));
    c.t += 301_000; // expired
    const second = await Promise.all(Array.from({ length: 100 }, () => provider.getHeaders()));
    expect(tokenCalls).toHaveLength(2);
    expect(new Set(second.map((h) => h['authorization']))).toEqual(new Set(['Bearer token-2']));
  });

  it('reuses the token until refreshSkew before expiry, on the local clock from when it was asked for', async () => {
    const c = clock();
    const { fetch, tokenCalls } = fake({
      token: (n) => {
        c.t += 10_000; // a slow answer: 10 s on the way
        return tokenResponse(`token-${n}`, { expiresIn: 300 });
      },
    });
    const provider = clientCredentials({ ...base, fetch, now: c.now, refreshSkew: 30 });
    const asked = c.t;
    await provider.getHeaders();
    c.t = asked + 269_999;
    expect(await provider.getHeaders()).toEqual({ authorization: 'Bearer token-1' });
    c.t = asked + 270_000; // 300 s from the request, less 30 s: due
    expect(await provider.getHeaders()).toEqual({ authorization: 'Bearer token-2' });
    expect(tokenCalls).toHaveLength(2);
  });

  it('the default skew is 60 s, at most half the lifetime; no expires_in counts as 300 s', async () => {
    const c = clock();
    const lifetimes = [3600, 30, undefined];
    const { fetch, tokenCalls } = fake({
      token: (n) => tokenResponse(`token-${n}`, { expiresIn: lifetimes[n - 1] }),
    });
    const provider = clientCredentials({ ...base, fetch, now: c.now });
    const start = c.t;
    await provider.getHeaders();
    c.t = start + 3_539_999;
    await provider.getHeaders();
    expect(tokenCalls).toHaveLength(1);
    c.t = start + 3_540_000; // 3600 − 60 s
    await provider.getHeaders();
    expect(tokenCalls).toHaveLength(2);
    const second = c.t;
    c.t = second + 14_999; // 30 s token: refreshed after 15 s, not at once
    await provider.getHeaders();
    expect(tokenCalls).toHaveLength(2);
    c.t = second + 15_000;
    await provider.getHeaders();
    expect(tokenCalls).toHaveLength(3);
    const third = c.t;
    c.t = third + 239_999; // no expires_in: 300 s − 60 s
    await provider.getHeaders();
    expect(tokenCalls).toHaveLength(3);
    c.t = third + 240_000;
    await provider.getHeaders();
    expect(tokenCalls).toHaveLength(4);
  });

  it('an early refresh the server fails keeps the old token while it lasts, and tries again later', async () => {
    const c = clock();
    let down = false;
    const { fetch, tokenCalls } = fake({
      token: (n) =>
        down ? oauthError(503, 'temporarily_unavailable') : tokenResponse(`token-${n}`),
    });
    const provider = clientCredentials({ ...base, fetch, now: c.now, retries: 0 });
    const start = c.t;
    await provider.getHeaders();
    down = true;
    c.t = start + 250_000; // in the skew window
    expect(await provider.getHeaders()).toEqual({ authorization: 'Bearer token-1' });
    expect(tokenCalls).toHaveLength(2);
    expect(await provider.getHeaders()).toEqual({ authorization: 'Bearer token-1' });
    expect(tokenCalls).toHaveLength(2); // not again at once
    c.t += 5_000;
    await provider.getHeaders();
    expect(tokenCalls).toHaveLength(3);
    c.t = start + 300_000; // expired: the failure is the caller's
    expect((await rejection(provider.getHeaders())).code).toBe('server_error');
  });

  it('invalidate(refused) drops only the token it names; invalidate() drops any; refresh() fetches now', async () => {
    const { fetch, tokenCalls } = fake();
    const provider = clientCredentials({ ...base, fetch });
    const h1 = await provider.getHeaders();
    provider.invalidate({ authorization: 'Bearer someone-else' });
    expect(await provider.getHeaders()).toEqual(h1);
    provider.invalidate(h1);
    const h2 = await provider.getHeaders();
    expect(h2).toEqual({ authorization: 'Bearer token-2' });
    provider.invalidate(h1); // a late 401 for the old token: no effect
    expect(await provider.getHeaders()).toEqual(h2);
    provider.invalidate();
    expect(await provider.getAccessToken()).toBe('token-3');
    await provider.refresh();
    expect(await provider.getAccessToken()).toBe('token-4');
    expect(tokenCalls).toHaveLength(4);
  });

  it('a failed token request rejects every waiter; the next call tries again', async () => {
    let fail = true;
    const { fetch, tokenCalls } = fake({
      token: (n) => (fail ? oauthError(400, 'invalid_client') : tokenResponse(`token-${n}`)),
    });
    const provider = clientCredentials({ ...base, fetch });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => provider.getHeaders()),
    );
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(tokenCalls).toHaveLength(1);
    fail = false;
    expect(await provider.getHeaders()).toEqual({ authorization: 'Bearer token-2' });
  });
});

describe('clientCredentials: retries and typed errors', () => {
  it('a 5xx, then a network error, then success: three tries, one token', async () => {
    let n = 0;
    const { fetch: inner, tokenCalls } = fake({
      token: (i) => (i === 1 ? oauthError(502, 'bad_gateway') : tokenResponse(`token-${i}`)),
    });
    const fetch = async (input: string, init: RequestInit) => {
      n += 1;
      if (n === 2) throw new TypeError('fetch failed');
      return inner(input, init);
    };
    const provider = clientCredentials({ ...base, fetch });
    const started = performance.now();
    expect(await provider.getHeaders()).toEqual({ authorization: 'Bearer token-2' });
    expect(n).toBe(3);
    expect(tokenCalls).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(1500); // 100–200 ms, then 200–400 ms
  });

  it('a 429 is tried again too', async () => {
    const { fetch, tokenCalls } = fake({
      token: (n) => (n === 1 ? new Response('', { status: 429 }) : tokenResponse(`token-${n}`)),
    });
    await clientCredentials({ ...base, fetch }).getHeaders();
    expect(tokenCalls).toHaveLength(2);
  });

  it('a 5xx on every try: server_error after 3 tries, with the status', async () => {
    const { fetch, tokenCalls } = fake({ token: () => new Response('down', { status: 503 }) });
    const err = await rejection(clientCredentials({ ...base, fetch }).getHeaders());
    expect(err).toMatchObject({ code: 'server_error', status: 503 });
    expect(err.message).toBe('token request failed: 503 after 3 tries');
    expect(tokenCalls).toHaveLength(3);
  });

  it('a token endpoint that is down (a refused port): network_error, promptly, not a hang', async () => {
    const port = await refusedPort();
    const provider = clientCredentials({
      tokenEndpoint: `http://127.0.0.1:${port}/token`,
      clientId: 'c',
      clientSecret: SECRET,
    });
    const started = performance.now();
    const err = await rejection(provider.getHeaders());
    expect(err.code).toBe('network_error');
    expect(err.message).toBe('token request failed: no connection after 3 tries');
    expect(isOAuthClientError(err)).toBe(true);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('an endpoint that accepts and never answers: timeout within `timeout` ms', async () => {
    const server = createServer(() => {}); // never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const provider = clientCredentials({
        tokenEndpoint: `http://127.0.0.1:${port}/token`,
        clientId: 'c',
        clientSecret: SECRET,
        timeout: 300,
      });
      const started = performance.now();
      const err = await rejection(provider.getHeaders());
      expect(err).toMatchObject({ code: 'timeout' });
      expect(err.message).toBe('token request failed: no token within 300 ms');
      expect(performance.now() - started).toBeLessThan(1500);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('a fetch that ignores the abort signal still cannot make it hang', async () => {
    const provider = clientCredentials({
      ...base,
      timeout: 100,
      fetch: () => new Promise<Response>(() => {}),
    });
    expect((await rejection(provider.getHeaders())).code).toBe('timeout');
  });

  it('the deadline also ends the backoff between tries', async () => {
    const provider = clientCredentials({
      ...base,
      timeout: 50,
      retries: 10,
      fetch: () => Promise.resolve(new Response('', { status: 500 })),
    });
    expect((await rejection(provider.getHeaders())).code).toBe('timeout');
  });

  it.each([
    ['invalid_client', 401],
    ['invalid_client', 400],
    ['invalid_scope', 400],
    ['unauthorized_client', 400],
    ['invalid_target', 400],
    ['invalid_grant', 400],
    ['unsupported_grant_type', 400],
  ])('%s (%i) is its own code, never retried', async (error, status) => {
    const { fetch, tokenCalls } = fake({ token: () => oauthError(status, error) });
    const err = await rejection(clientCredentials({ ...base, fetch }).getHeaders());
    expect(err).toMatchObject({ code: error, status, error, name: 'OAuthClientError' });
    expect(err.message).toBe(`token request failed: ${status} ${error}`);
    expect(tokenCalls).toHaveLength(1);
  });

  it('another error code is oauth_error, with the server description (printable, short)', async () => {
    const { fetch } = fake({ token: () => oauthError(400, 'slow_down', 'wait\na bit') });
    const err = await rejection(clientCredentials({ ...base, fetch }).getHeaders());
    expect(err).toMatchObject({ code: 'oauth_error', error: 'slow_down' });
    expect(err.message).toBe('token request failed: 400 slow_down (wait?a bit)');
  });

  it('a 401 with a Basic challenge is invalid_client; its error param wins when it has one', async () => {
    const { fetch } = fake({ token: () => challenge('Basic realm="token"') });
    const err = await rejection(clientCredentials({ ...base, fetch }).getHeaders());
    expect(err).toMatchObject({ code: 'invalid_client', status: 401, error: undefined });
    const other = fake({ token: () => challenge('Basic realm="t", error="unauthorized_client"') });
    const err2 = await rejection(clientCredentials({ ...base, fetch: other.fetch }).getHeaders());
    expect(err2).toMatchObject({ code: 'unauthorized_client', error: 'unauthorized_client' });
    const forbidden = fake({
      token: () => new Response('', { status: 403, headers: { 'www-authenticate': 'Basic' } }),
    });
    const err3 = await rejection(
      clientCredentials({ ...base, fetch: forbidden.fetch }).getHeaders(),
    );
    expect(err3).toMatchObject({ code: 'oauth_error', status: 403 });
  });

  it('an answer that is not a token response is invalid_response, its body left out', async () => {
    const cases = [
      () => Response.json({ token_type: 'Bearer' }),
      () => Response.json({ access_token: 'leaked-token-value', token_type: 'mac' }),
      () => new Response('<html>', { status: 400, headers: { 'content-type': 'text/html' } }),
    ];
    for (const answer of cases) {
      const { fetch } = fake({ token: answer });
      const err = await rejection(clientCredentials({ ...base, fetch }).getHeaders());
      expect(err.code).toBe('invalid_response');
      expect(err.message).toMatch(/^token request failed: (200|400) /);
      expect(err.message).not.toContain('leaked-token-value');
      expect(err.cause).toBeUndefined();
    }
  });

  it('a server description that echoes the secret is masked', async () => {
    const { fetch } = fake({
      token: () => oauthError(401, 'invalid_client', `bad secret ${SECRET}`),
    });
    const err = await rejection(clientCredentials({ ...base, fetch }).getHeaders());
    expect(err.message).not.toContain(SECRET);
    expect(err.message).toContain('cs_6…3eZu');
  });
});

describe('isOAuthClientError', () => {
  it('knows its errors, also from another copy of the package', () => {
    expect(isOAuthClientError(new OAuthClientError('timeout', 'x'))).toBe(true);
    const copy = Object.assign(new Error('x'), { name: 'OAuthClientError', code: 'timeout' });
    expect(isOAuthClientError(copy)).toBe(true);
    expect(isOAuthClientError(new Error('x'))).toBe(false);
    expect(isOAuthClientError({ name: 'OAuthClientError', code: 'timeout' })).toBe(false);
  });
});

describe('clientCredentials: discovery', () => {
  const ISSUER = 'https://auth.example.test';
  function discovery(documents: Record<string, () => Response>) {
    const calls: string[] = [];
    const tokens = fake();
    const fetch = async (input: string, init: RequestInit) => {
      const path = new URL(input).pathname;
      calls.push(path);
      const answer = documents[path];
      if (answer) return answer();
      if (path === '/token') return tokens.fetch(input, init);
      return new Response('', { status: 404 });
    };
    return { fetch, calls };
  }
  const metadata = (extra: object = {}) =>
    Response.json({ issuer: ISSUER, token_endpoint: TOKEN_ENDPOINT, ...extra });

  it('finds the token endpoint in the OpenID metadata, once', async () => {
    const { fetch, calls } = discovery({ '/.well-known/openid-configuration': metadata });
    const provider = clientCredentials({
      issuer: ISSUER,
      clientId: 'c',
      clientSecret: SECRET,
      fetch,
    });
    await provider.getHeaders();
    provider.invalidate();
    await provider.getHeaders();
    expect(calls).toEqual(['/.well-known/openid-configuration', '/token', '/token']);
  });

  it('falls back to RFC 8414 metadata; a 5xx is tried again', async () => {
    let n = 0;
    const { fetch, calls } = discovery({
      '/.well-known/oauth-authorization-server': () => {
        n += 1;
        return n === 1 ? new Response('', { status: 503 }) : metadata();
      },
    });
    const provider = clientCredentials({
      issuer: ISSUER,
      clientId: 'c',
      clientSecret: SECRET,
      fetch,
    });
    await provider.getHeaders();
    expect(calls).toEqual([
      '/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server',
      '/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server',
      '/token',
    ]);
  });

  it('metadata for another issuer, or naming an http token endpoint, is invalid_response', async () => {
    for (const doc of [
      () => metadata({ issuer: 'https://evil.example.test' }),
      () => metadata({ token_endpoint: 'http://auth.example.test/token' }),
      () => metadata({ token_endpoint: 42 }),
    ]) {
      const { fetch } = discovery({ '/.well-known/openid-configuration': doc });
      const provider = clientCredentials({
        issuer: ISSUER,
        clientId: 'c',
        clientSecret: SECRET,
        fetch,
      });
      const err = await rejection(provider.getHeaders());
      expect(err.code).toBe('invalid_response');
      expect(err.message).toMatch(/^discovery failed: /);
    }
  });
});

describe('clientCredentials: configuration mistakes throw a TypeError at once', () => {
  it.each([
    [{ clientId: 'c', clientSecret: 's' }, /needs `tokenEndpoint` or `issuer`/],
    [{ ...base, tokenEndpoint: 'http://auth.example.test/token' }, /https URL/],
    [{ ...base, tokenEndpoint: 'http://10.0.0.1/token' }, /https URL/],
    [{ ...base, tokenEndpoint: 'ftp://localhost/token' }, /https URL/],
    [{ ...base, tokenEndpoint: '/token' }, /absolute URL/],
    [{ ...base, tokenEndpoint: 42 }, /absolute URL/],
    [{ ...base, tokenEndpoint: 'https://u:p@auth.example.test/token' }, /credentials/],
    [{ ...base, tokenEndpoint: 'https://auth.example.test/token#x' }, /fragment/],
    [{ ...base, issuer: 'http://auth.example.test' }, /`issuer` must be an https URL/],
    [{ ...base, clientId: '' }, /clientId/],
    [{ ...base, clientSecret: undefined }, /one of `clientSecret`/],
    [{ ...base, privateKey: {} }, /one of `clientSecret`/],
    [{ ...base, clientSecret: 42 }, /clientSecret/],
    [{ ...base, authMethod: 'none' }, /authMethod/],
    [{ ...base, scope: 'a "b"' }, /scope/],
    [{ ...base, scope: [1] }, /scope/],
    [{ ...base, resource: 'api' }, /resource/],
    [{ ...base, resource: 'https://api.test/#f' }, /resource/],
    [{ ...base, refreshSkew: -1 }, /refreshSkew/],
    [{ ...base, timeout: 0 }, /timeout/],
    [{ ...base, retries: 1.5 }, /retries/],
    [{ ...base, fetch: 'fetch' }, /fetch/],
    [{ ...base, now: 1 }, /now/],
    [{ ...base, dpop: 'yes' }, /dpop/],
    [{ ...base, dpop: { key: {} } }, /CryptoKeyPair/],
    [{ ...base, dpop: { keys: 1 } }, /unknown option `keys`/],
    [{ ...base, clientSecrt: 's' }, /unknown option `clientSecrt`/],
    [{ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'c', privateKey: 'pem' }, /privateKey/],
    [{ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'c', privateKey: { key: 1 } }, /privateKey.key/],
    [{ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'c', privateKey: { kty: 'EC' } }, /public JWK/],
    [{ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'c', privateKey: { kty: 'oct', d: 'x' } }, /`alg`/],
  ])('%j', (options, message) => {
    expect(() => clientCredentials(options as never)).toThrow(message);
    try {
      clientCredentials(options as never);
    } catch (err) {
      expect(err).toBeInstanceOf(TypeError);
      expect((err as Error).message).not.toContain(SECRET);
    }
  });

  it('allows http on localhost, 127.0.0.0/8 and [::1] only', () => {
    for (const host of ['localhost:8080', '127.0.0.1', '127.9.8.7:1', '[::1]:3000']) {
      expect(() =>
        clientCredentials({ ...base, tokenEndpoint: `http://${host}/token` }),
      ).not.toThrow();
    }
    for (const host of ['localhost.example.com', '128.0.0.1', '[::2]', '0.0.0.0']) {
      expect(() => clientCredentials({ ...base, tokenEndpoint: `http://${host}/token` })).toThrow(
        TypeError,
      );
    }
  });

  it('a private key with a non-string kid, or a CryptoKey of the wrong kind', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const { clientSecret: _, ...rest } = base;
    expect(() =>
      clientCredentials({ ...rest, privateKey: { key: privateKey, kid: 1 as never } }),
    ).toThrow(/kid/);
    expect(() => clientCredentials({ ...rest, privateKey: publicKey })).toThrow(/privateKey/);
    expect(() =>
      clientCredentials({ ...rest, privateKey, authMethod: 'client_secret_post' }),
    ).toThrow(/authMethod/);
  });
});
