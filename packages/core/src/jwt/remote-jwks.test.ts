import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthErrorCodes as C } from '../error-codes.js';
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
import type { JwksOptions } from './types.js';
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

// Every case runs with the verified-token cache on and off: a cached token must see the same
// key set changes as a fresh one.
const CASES = IMPLS.flatMap((impl) =>
  (['on', 'off'] as const).map((cache) => ({ impl, runtime: impl.runtime, cache })),
);

describe.each(CASES)('remote JWKS on $runtime crypto, cache $cache', ({ impl, cache }) => {
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
        ...(cache === 'off' ? { cache: false as const } : {}),
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

  it.each<[string, string, Handler, JwksOptions?]>([
    ['HTTP 500', 'jwks_http_status', serve('oops', 500)],
    ['HTTP 404', 'jwks_http_status', serve(jwks(signer), 404)],
    ['HTTP 204', 'jwks_http_status', (_req, res) => res.writeHead(204).end()],
    ['a non-JSON body', 'jwks_invalid', serve('<html>hello</html>')],
    ['JSON without keys', 'jwks_invalid', serve('{"keys":{}}')],
    ['a JSON array', 'jwks_invalid', serve('[]')],
    ['invalid UTF-8', 'jwks_invalid', (_req, res) => res.writeHead(200).end(Buffer.from([0xff]))],
    ['an oversized body (content-length)', 'jwks_invalid', serve(jwks(signer)), { maxBytes: 100 }],
    [
      'an oversized chunked body',
      'jwks_invalid',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(jwks(signer).slice(0, 80));
        res.end(jwks(signer).slice(80));
      },
      { maxBytes: 100 },
    ],
    [
      'a redirect, even to a good key set',
      'jwks_http_status',
      (req, res) =>
        req.url === '/elsewhere'
          ? serve(jwks(signer))(req, res)
          : res.writeHead(302, { location: `${base}/elsewhere` }).end(),
    ],
    [
      'a permanent redirect',
      'jwks_http_status',
      (req, res) =>
        req.url === '/elsewhere'
          ? serve(jwks(signer))(req, res)
          : res.writeHead(308, { location: `${base}/elsewhere` }).end(),
    ],
    [
      'a slow answer',
      'jwks_timeout',
      (req, res) => setTimeout(() => serve(jwks(signer))(req, res), 1000),
      { timeout: 300 },
    ],
    [
      'a slow body',
      'jwks_timeout',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"keys":');
        setTimeout(() => res.end('[]}'), 1000);
      },
      { timeout: 300 },
    ],
  ])('answers 503 ERR_JWKS_UNAVAILABLE for %s, reason %s', async (_name, reason, h, extra) => {
    handler = h;
    const v = make(extra);
    const err = await v.verify(await signer.sign(), ctx()).catch((e) => e);
    expect(err).toMatchObject({ code: C.JWKS_UNAVAILABLE, status: 503 });
    expect(detailOf(err)?.reason).toBe(reason);
    // The underlying failure stays with the error for the operator, never in the answer.
    expect(err.cause).toBeInstanceOf(Error);
    expect(JSON.stringify(err.body)).not.toContain(String((err.cause as Error).message));
    expect(hits).toBe(1); // a redirect is never followed
  });

  it('answers 503 jwks_unreachable when the key server is down, and retries with a backoff', async () => {
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
    const err = await v.verify(token, ctx()).catch((e) => e);
    expect(err).toMatchObject({ code: C.JWKS_UNAVAILABLE, status: 503 });
    expect(detailOf(err)?.reason).toBe('jwks_unreachable');
    expect(err.cause).toBeInstanceOf(Error);
    expect(await code(v.verify(token, ctx(NOW_MS + 999)))).toBe(`503 ${C.JWKS_UNAVAILABLE}`);
    expect(v.remote?.fetches).toBe(1);
    expect(await code(v.verify(token, ctx(NOW_MS + 1_000)))).toBe(`503 ${C.JWKS_UNAVAILABLE}`);
    expect(v.remote?.fetches).toBe(2);
  });

  it('backs off from 1 s, doubling to 4 s while no key set is loaded, and heals within 5 s', async () => {
    handler = serve('down', 503);
    const v = make();
    const token = await signer.sign();
    const at = (ms: number) => code(v.verify(token, ctx(NOW_MS + ms)));
    // Retries are due 1, 2, 4, then every 4 s after the last failure (the cooldown is 30 s).
    const schedule: [number, number][] = [
      [0, 1],
      [999, 1],
      [1_000, 2],
      [2_999, 2],
      [3_000, 3],
      [6_999, 3],
      [7_000, 4],
      [10_999, 4],
      [11_000, 5],
    ];
    for (const [ms, fetches] of schedule) {
      expect(await at(ms)).toBe(`503 ${C.JWKS_UNAVAILABLE}`);
      expect(hits, `at +${ms} ms`).toBe(fetches);
    }
    // The endpoint comes back: the next retry is at most 4 s away.
    handler = serve(jwks(signer));
    expect(await at(14_999)).toBe(`503 ${C.JWKS_UNAVAILABLE}`);
    expect(await at(15_000)).toBe('OK');
    expect(hits).toBe(6);
  });

  it('serves a process that started during an outage as soon as the first retry is due', async () => {
    handler = serve('not found', 404);
    const v = make();
    const token = await signer.sign();
    expect(await code(v.verify(token, ctx()))).toBe(`503 ${C.JWKS_UNAVAILABLE}`);
    handler = serve(jwks(signer));
    expect(await code(v.verify(token, ctx(NOW_MS + 1_000)))).toBe('OK');
    expect(hits).toBe(2);
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
    expect(await code(v.verify(token, ctx(NOW_MS + 10_999)))).toBe('OK');
    expect(hits).toBe(2); // a failure backs off: 1 s, 2 s, 4 s, then the cooldown
    for (const [ms, fetches] of [
      [11_000, 3],
      [12_999, 3],
      [13_000, 4],
      [16_999, 4],
      [17_000, 5],
      [21_999, 5],
      [22_000, 6],
    ] as const) {
      expect(await code(v.verify(token, ctx(NOW_MS + ms)))).toBe('OK');
      expect(hits, `at +${ms} ms`).toBe(fetches);
    }
    handler = serve(jwks(rotated));
    expect(await code(v.verify(token, ctx(NOW_MS + 27_000)))).toBe(`401 ${C.JWT_NO_MATCHING_KEY}`);
    expect(hits).toBe(7);
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

  it('sends extra headers, asks not to follow redirects and uses an injected fetch', async () => {
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
    expect(calls[0]?.redirect).toBe('manual');
    expect(calls[0]?.signal).toBeInstanceOf(AbortSignal);
    expect(calls[0]?.headers).toMatchObject({ 'x-gateway': 'yes' });
  });

  // Cloudflare Workers (workerd) throws on `redirect: 'error'`; a fetch that does the same must
  // still load the keys, and a redirect it reports must still be refused.
  const workerdFetch =
    (answer: () => Response): typeof fetch =>
    async (_url, init) => {
      if (init?.redirect === 'error') throw new TypeError('Invalid redirect value');
      return answer();
    };

  it('loads keys through a fetch that refuses redirect: "error", as workerd does', async () => {
    const v = createJwtVerifier(
      {
        algorithms: ['ES256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        jwks: 'https://id.example.com/jwks',
        jwksOptions: { fetch: workerdFetch(() => new Response(jwks(signer))) },
      },
      impl,
    );
    expect(await code(v.verify(await signer.sign(), ctx()))).toBe('OK');
  });

  it.each<[string, () => Response]>([
    ['a 302', () => new Response(null, { status: 302, headers: { location: '/elsewhere' } })],
    ['a 301 with a key set body', () => new Response(jwks(signer), { status: 301 })],
    // What a browser-like fetch answers for redirect: 'manual'.
    [
      'an opaque redirect',
      () => {
        const res = Response.error();
        Object.defineProperty(res, 'type', { value: 'opaqueredirect' });
        return res;
      },
    ],
  ])('refuses %s from the key set URL: 503 jwks_http_status', async (_name, answer) => {
    const v = createJwtVerifier(
      {
        algorithms: ['ES256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        jwks: 'https://id.example.com/jwks',
        jwksOptions: { fetch: workerdFetch(answer) },
      },
      impl,
    );
    const err = await v.verify(await signer.sign(), ctx()).catch((e) => e);
    expect(err).toMatchObject({ code: C.JWKS_UNAVAILABLE, status: 503 });
    expect(detailOf(err)?.reason).toBe('jwks_http_status');
  });
});

// A cached verification lives no longer than the key that made it (DESIGN: "A verified-token
// cache entry never outlives the key that verified it").
describe.each(IMPLS)(
  'the verified-token cache across key set refreshes on $runtime crypto',
  (impl) => {
    const make = () => {
      hits = 0;
      return createJwtVerifier(
        {
          algorithms: ['ES256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          jwks: `${base}/jwks`,
          jwksOptions: { timeout: 5_000, cacheMaxAge: 10_000, cooldown: 5_000 },
        },
        impl,
      );
    };
    /** Verify a token three times at `ms` (the second caches it); the claims of the last. */
    const cached = async (v: ReturnType<typeof make>, token: string, ms = 0) => {
      await v.verify(token, ctx(NOW_MS + ms));
      const second = await v.verify(token, ctx(NOW_MS + ms));
      const third = await v.verify(token, ctx(NOW_MS + ms));
      expect(third.claims).toBe(second.claims);
      return third.claims;
    };
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => 'OK',
        (e: { code: string }) => e.code,
      );

    it('drops a cached token when a refresh after cacheMaxAge drops its key', async () => {
      handler = serve(jwks(signer, rotated));
      const v = make();
      const token = await signer.sign();
      await cached(v, token);
      handler = serve(jwks(rotated));
      expect(await outcome(v.verify(token, ctx(NOW_MS + 10_000)))).toBe(C.JWT_NO_MATCHING_KEY);
      expect(hits).toBe(2);
      expect(await outcome(v.verify(token, ctx(NOW_MS + 10_000)))).toBe(C.JWT_NO_MATCHING_KEY);
      expect(await outcome(v.verify(await rotated.sign(), ctx(NOW_MS + 10_000)))).toBe('OK');
    });

    it('drops a cached token when an unknown kid refetches a set without its key', async () => {
      handler = serve(jwks(signer, rotated));
      const v = make();
      const token = await signer.sign();
      await cached(v, token);
      handler = serve(jwks(rotated));
      const unknown = await signer.sign(undefined, { kid: 'key-3' });
      expect(await outcome(v.verify(unknown, ctx(NOW_MS + 1_000)))).toBe(C.JWT_NO_MATCHING_KEY);
      expect(hits).toBe(2);
      expect(await outcome(v.verify(token, ctx(NOW_MS + 1_000)))).toBe(C.JWT_NO_MATCHING_KEY);
      expect(hits).toBe(2);
    });

    it('re-verifies a cached token when its kid now names another key', async () => {
      const impostor = await makeSigner('ES256', 'key-1');
      handler = serve(jwks(signer));
      const v = make();
      const token = await signer.sign();
      await cached(v, token);
      handler = serve(jwks(impostor));
      expect(await outcome(v.verify(token, ctx(NOW_MS + 10_000)))).toBe(C.JWT_SIGNATURE_INVALID);
      expect(await outcome(v.verify(await impostor.sign(), ctx(NOW_MS + 10_000)))).toBe('OK');
    });

    it('keeps cached tokens whose key is unchanged across refreshes', async () => {
      handler = serve(jwks(signer));
      const v = make();
      const token = await signer.sign();
      const claims = await cached(v, token);
      // The same set again, then one with a new key added: the key that verified is unchanged.
      expect((await v.verify(token, ctx(NOW_MS + 10_000))).claims).toBe(claims);
      handler = serve(jwks(rotated, signer));
      expect((await v.verify(token, ctx(NOW_MS + 20_000))).claims).toBe(claims);
      expect(hits).toBe(3);
    });

    it('keeps serving cached tokens while a refresh fails', async () => {
      handler = serve(jwks(signer));
      const v = make();
      const token = await signer.sign();
      const claims = await cached(v, token);
      handler = serve('down', 500);
      expect((await v.verify(token, ctx(NOW_MS + 10_000))).claims).toBe(claims);
      expect(hits).toBe(2);
    });
  },
);
