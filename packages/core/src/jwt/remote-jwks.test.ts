import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthErrorCodes as C } from '../errors.js';
import { detailOf } from '../lib/detail.js';
import {
  AUDIENCE,
  ctx,
  IMPLS,
  ISSUER,
  makeSigner,
  NOW_MS,
  type Signer,
} from '../test-helpers/jwt-fixtures.js';
import type { JwksOptions } from './jwt.js';
import { createJwtVerifier } from './verifier.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let base: string;
let handler: Handler;
let hits = 0;
const signer = await makeSigner('ES256', 'key-1');
const rotated = await makeSigner('ES256', 'key-2');

const jwks = (...signers: Signer[]) => JSON.stringify({ keys: signers.map((s) => s.publicJwk) });
const serve =
  (body: string, status = 200): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  };

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe.each(IMPLS)('remote JWKS on $runtime crypto', (impl) => {
  const make = (jwksOptions: JwksOptions = {}, path = '/jwks') => {
    hits = 0;
    return createJwtVerifier(
      {
        algorithms: ['ES256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        jwks: `${base}${path}`,
        // Generous by default: a cold fetch on a loaded CI machine can take a few hundred ms.
        jwksOptions: { timeout: 5_000, ...jwksOptions },
        cache: false,
      },
      impl,
    );
  };
  const code = (p: Promise<unknown>) =>
    p.then(
      () => 'OK',
      (e: { code: string; status: number }) => `${e.status} ${e.code}`,
    );

  it('fetches once and verifies many tokens with the fetched keys', async () => {
    handler = serve(jwks(signer));
    const v = make();
    for (let i = 0; i < 5; i++) expect(await code(v.verify(await signer.sign(), ctx()))).toBe('OK');
    expect(hits).toBe(1);
  });

  it('makes one fetch for 100 concurrent requests', async () => {
    handler = (req, res) => setTimeout(() => serve(jwks(signer))(req, res), 50);
    const v = make();
    const token = await signer.sign();
    const results = await Promise.all(
      Array.from({ length: 100 }, () => code(v.verify(token, ctx()))),
    );
    expect(results.every((r) => r === 'OK')).toBe(true);
    expect(hits).toBe(1);
  });

  it.each<[string, Handler, JwksOptions?]>([
    ['HTTP 500', serve('oops', 500)],
    ['HTTP 404', serve(jwks(signer), 404)],
    ['a non-JSON body', serve('<html>hello</html>')],
    ['JSON without keys', serve('{"keys":{}}')],
    ['a JSON array', serve('[]')],
    ['an oversized body (content-length)', serve(jwks(signer)), { maxBytes: 100 }],
    [
      'an oversized chunked body',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(jwks(signer).slice(0, 80));
        res.end(jwks(signer).slice(80));
      },
      { maxBytes: 100 },
    ],
    [
      'a redirect, even to a good key set',
      (req, res) =>
        req.url === '/elsewhere'
          ? serve(jwks(signer))(req, res)
          : res.writeHead(302, { location: `${base}/elsewhere` }).end(),
    ],
    [
      'a slow answer',
      (req, res) => setTimeout(() => serve(jwks(signer))(req, res), 1000),
      { timeout: 300 },
    ],
    [
      'a slow body',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"keys":');
        setTimeout(() => res.end('[]}'), 1000);
      },
      { timeout: 300 },
    ],
  ])('answers 503 ERR_JWKS_UNAVAILABLE for %s', async (_name, h, extra) => {
    handler = h;
    const v = make(extra);
    const err = await v.verify(await signer.sign(), ctx()).catch((e) => e);
    expect(err).toMatchObject({ code: C.JWKS_UNAVAILABLE, status: 503 });
    expect(detailOf(err)?.reason).toBe('jwks_fetch_failed');
    expect(hits).toBe(1);
  });

  it('answers 503 when the key server is down, and retries after the cooldown', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const v = createJwtVerifier(
      {
        algorithms: ['ES256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        jwks: `http://127.0.0.1:${port}/jwks`,
      },
      impl,
    );
    const token = await signer.sign();
    expect(await code(v.verify(token, ctx()))).toBe(`503 ${C.JWKS_UNAVAILABLE}`);
    expect(await code(v.verify(token, ctx()))).toBe(`503 ${C.JWKS_UNAVAILABLE}`);
    expect(v.remote?.fetches).toBe(1);
    expect(await code(v.verify(token, ctx(NOW_MS + 30_000)))).toBe(`503 ${C.JWKS_UNAVAILABLE}`);
    expect(v.remote?.fetches).toBe(2);
  });

  it('answers 401 when the set loaded but holds no matching key', async () => {
    handler = serve(jwks(rotated));
    const v = make();
    const err = await v.verify(await signer.sign(), ctx()).catch((e) => e);
    expect(err).toMatchObject({ code: C.JWT_NO_MATCHING_KEY, status: 401 });
  });

  it('refetches at most once per cooldown for unknown kids, and picks up a rotated key', async () => {
    handler = serve(jwks(signer));
    const v = make({ cooldown: 60_000 });
    expect(await code(v.verify(await signer.sign(), ctx()))).toBe('OK');
    expect(hits).toBe(1);
    const flood = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const forged = await signer.sign(undefined, { kid: `unknown-${i}` });
        return code(v.verify(forged, ctx()));
      }),
    );
    expect(new Set(flood)).toEqual(new Set([`401 ${C.JWT_NO_MATCHING_KEY}`]));
    expect(hits).toBe(2);
    // The issuer rotates; within the cooldown the new kid is still unknown.
    handler = serve(jwks(signer, rotated));
    expect(await code(v.verify(await rotated.sign(), ctx(NOW_MS + 1000)))).toBe(
      `401 ${C.JWT_NO_MATCHING_KEY}`,
    );
    expect(hits).toBe(2);
    expect(await code(v.verify(await rotated.sign(), ctx(NOW_MS + 60_000)))).toBe('OK');
    expect(hits).toBe(3);
  });

  it('refetches after cacheMaxAge and serves the cached keys while that fetch fails', async () => {
    handler = serve(jwks(signer));
    const v = make({ cacheMaxAge: 10_000, cooldown: 5_000 });
    const token = await signer.sign();
    expect(await code(v.verify(token, ctx()))).toBe('OK');
    handler = serve('down', 500);
    expect(await code(v.verify(token, ctx(NOW_MS + 10_000)))).toBe('OK');
    expect(hits).toBe(2);
    expect(await code(v.verify(token, ctx(NOW_MS + 11_000)))).toBe('OK');
    expect(hits).toBe(2); // failure backs off for the cooldown
    handler = serve(jwks(rotated));
    expect(await code(v.verify(token, ctx(NOW_MS + 15_000)))).toBe(`401 ${C.JWT_NO_MATCHING_KEY}`);
    expect(hits).toBe(3);
  });

  it('answers 503 when an injected fetch ignores its abort signal and never settles', async () => {
    const v = createJwtVerifier(
      {
        algorithms: ['ES256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        jwks: 'https://id.example.com/jwks',
        jwksOptions: { timeout: 20, fetch: () => new Promise<Response>(() => {}) },
      },
      impl,
    );
    expect(await code(v.verify(await signer.sign(), ctx()))).toBe(`503 ${C.JWKS_UNAVAILABLE}`);
  });

  it('sends extra headers, refuses redirects and uses an injected fetch', async () => {
    const calls: RequestInit[] = [];
    const v = createJwtVerifier(
      {
        algorithms: ['ES256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        jwks: new URL('https://id.example.com/jwks'),
        jwksOptions: {
          headers: { 'x-gateway': 'yes' },
          fetch: async (_url, init) => {
            calls.push(init ?? {});
            return new Response(jwks(signer), { headers: { 'content-type': 'application/json' } });
          },
        },
      },
      impl,
    );
    expect(await code(v.verify(await signer.sign(), ctx()))).toBe('OK');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.redirect).toBe('error');
    expect(calls[0]?.signal).toBeInstanceOf(AbortSignal);
    expect(calls[0]?.headers).toMatchObject({ 'x-gateway': 'yes' });
  });
});
