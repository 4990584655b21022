import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthErrorCodes as C } from '../error-codes.js';
import { detailOf } from '../lib/detail.js';
import { AUDIENCE, claims, ctx, IMPLS, makeSigner, NOW_MS } from '../test-helpers/jwt-fixtures.js';
import { Discovery, discoveryUrls } from './discovery.js';
import type { JwksOptions, JwtOptions } from './types.js';
import { createJwtVerifier } from './verifier.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const OPENID = '/.well-known/openid-configuration';
const OAUTH = '/.well-known/oauth-authorization-server';
let server: Server;
let base: string;
/** Handlers by path; anything else answers 404. */
let routes: Record<string, Handler> = {};
/** Paths requested, in order. */
let paths: string[] = [];
const signer = await makeSigner('ES256', 'key-1');
const attacker = await makeSigner('ES256', 'key-1');
const rotated = await makeSigner('ES256', 'key-2');

const json =
  (body: unknown, status = 200, delay = 0): Handler =>
  (_req, res) => {
    const send = () =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    delay > 0 ? setTimeout(send, delay) : send();
  };
const keys = (s = signer) => json({ keys: [s.publicJwk] });
const metadata = (issuer: string, jwksUri = `${base}/keys`) =>
  json({ issuer, jwks_uri: jwksUri, token_endpoint: `${issuer}/token` });

beforeAll(async () => {
  server = createServer((req, res) => {
    paths.push(req.url ?? '');
    const route = routes[req.url ?? ''];
    route === undefined ? res.writeHead(404).end() : route(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: { status: number; code: string }) =>
      `${e.status} ${e.code} ${detailOf(e as never)?.reason}`,
  );
const UNAVAILABLE = (reason: string) => `503 ${C.JWKS_UNAVAILABLE} ${reason}`;

it('finds both locations of an issuer’s metadata (OIDC Discovery §4, RFC 8414 §3)', () => {
  const hrefs = (issuer: string) => discoveryUrls(new URL(issuer)).map((u) => u.href);
  expect(hrefs('https://as.example')).toEqual([
    `https://as.example${OPENID}`,
    `https://as.example${OAUTH}`,
  ]);
  expect(hrefs('https://as.example/')).toEqual([
    `https://as.example${OPENID}`,
    `https://as.example${OAUTH}`,
  ]);
  expect(hrefs('https://as.example/tenant/')).toEqual([
    `https://as.example/tenant${OPENID}`,
    `https://as.example${OAUTH}/tenant`,
  ]);
  expect(hrefs('http://127.0.0.1:8080/realms/a/b')).toEqual([
    `http://127.0.0.1:8080/realms/a/b${OPENID}`,
    `http://127.0.0.1:8080${OAUTH}/realms/a/b`,
  ]);
});

describe.each(IMPLS)('discovery on $runtime crypto', (impl) => {
  const make = (issuer = base, jwksOptions: JwksOptions = {}) => {
    paths = [];
    return createJwtVerifier(
      {
        algorithms: ['ES256'],
        issuer,
        audience: AUDIENCE,
        discovery: true,
        jwksOptions: { timeout: 5_000, ...jwksOptions },
      },
      impl,
    );
  };
  const token = (issuer = base, s = signer) => s.sign(claims({ iss: issuer }));

  it('reads jwks_uri from openid-configuration and verifies with those keys', async () => {
    routes = { [OPENID]: metadata(base), '/keys': keys() };
    const v = make();
    for (let i = 0; i < 3; i++) expect(await outcome(v.verify(await token(), ctx()))).toBe('OK');
    expect(paths).toEqual([OPENID, '/keys']);
  });

  it('falls back to oauth-authorization-server, inserted before the issuer’s path', async () => {
    const issuer = `${base}/tenant`;
    routes = { [`${OAUTH}/tenant`]: metadata(issuer), '/keys': keys() };
    const v = make(issuer);
    expect(await outcome(v.verify(await token(issuer), ctx()))).toBe('OK');
    expect(paths).toEqual([`/tenant${OPENID}`, `${OAUTH}/tenant`, '/keys']);
  });

  it('does not fall back on a 5xx, a redirect or a timeout: the first failure is the answer', async () => {
    for (const [handler, reason, options] of [
      [json({}, 500), 'discovery_http_status', {}],
      [json({}, 302), 'discovery_http_status', {}],
      [json({ issuer: base }, 200, 1_000), 'discovery_timeout', { timeout: 200 }],
    ] as const) {
      routes = { [OPENID]: handler, [OAUTH]: metadata(base), '/keys': keys() };
      const v = make(base, options);
      expect(await outcome(v.verify(await token(), ctx()))).toBe(UNAVAILABLE(reason));
      expect(paths).toEqual([OPENID]);
    }
  });

  it.each<[string, (issuer: string) => Record<string, Handler>, string]>([
    ['both locations answer 404', () => ({}), 'discovery_http_status'],
    [
      'the document is not JSON',
      () => ({ [OPENID]: (_q, r) => r.end('<html>') }),
      'discovery_invalid',
    ],
    ['the document is an array', () => ({ [OPENID]: json([]) }), 'discovery_invalid'],
    [
      'it is over maxBytes',
      () => ({ [OPENID]: json({ pad: 'x'.repeat(600_000) }) }),
      'discovery_invalid',
    ],
    ['it names no jwks_uri', (iss) => ({ [OPENID]: json({ issuer: iss }) }), 'discovery_invalid'],
    [
      'its jwks_uri is a number',
      (iss) => ({ [OPENID]: metadata(iss, 7 as never) }),
      'discovery_invalid',
    ],
    [
      'its jwks_uri is relative',
      (iss) => ({ [OPENID]: metadata(iss, '/keys') }),
      'discovery_invalid',
    ],
    [
      'its jwks_uri is file:',
      (iss) => ({ [OPENID]: metadata(iss, 'file:///etc/keys') }),
      'discovery_invalid',
    ],
    [
      'the key set at its jwks_uri is missing',
      (iss) => ({ [OPENID]: metadata(iss) }),
      'jwks_http_status',
    ],
  ])('answers 503 when %s, reason %s', async (_name, table, reason) => {
    routes = table(base);
    const v = make();
    const err = await v.verify(await token(), ctx()).catch((e) => e);
    expect(err).toMatchObject({ status: 503, code: C.JWKS_UNAVAILABLE });
    expect(detailOf(err)?.reason).toBe(reason);
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('answers 503 discovery_unreachable when nothing listens at the issuer', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const v = make(issuer);
    expect(await outcome(v.verify(await token(issuer), ctx()))).toBe(
      UNAVAILABLE('discovery_unreachable'),
    );
  });

  it.each([
    ['another issuer', (_b: string) => 'https://evil.example'],
    ['ours with a trailing slash', (b: string) => `${b}/`],
    ['ours in upper case', (b: string) => b.toUpperCase()],
    ['no issuer', () => undefined],
  ])(
    'never uses the keys of a document naming %s: 503 discovery_issuer_mismatch',
    async (_n, named) => {
      routes = {
        [OPENID]: json({ issuer: named(base), jwks_uri: `${base}/keys` }),
        '/keys': keys(),
      };
      const v = make();
      expect(await outcome(v.verify(await token(), ctx()))).toBe(
        UNAVAILABLE('discovery_issuer_mismatch'),
      );
      expect(paths).toEqual([OPENID]); // its key set is never fetched
    },
  );

  it('refuses a plain-http jwks_uri on another host, and fetches it with allowHttp', async () => {
    const asked: string[] = [];
    const fetch = async (url: string | URL | Request) => {
      asked.push(String(url));
      const body = String(url).endsWith(OPENID)
        ? { issuer: 'https://id.example.com', jwks_uri: 'http://keys.example.com/jwks' }
        : { keys: [signer.publicJwk] };
      return new Response(JSON.stringify(body));
    };
    const options = (allowHttp: boolean): JwtOptions => ({
      algorithms: ['ES256'],
      issuer: 'https://id.example.com',
      audience: AUDIENCE,
      discovery: true,
      jwksOptions: { fetch, allowHttp },
    });
    const strict = createJwtVerifier(options(false), impl);
    const t = await token('https://id.example.com');
    expect(await outcome(strict.verify(t, ctx()))).toBe(UNAVAILABLE('discovery_invalid'));
    expect(asked).toEqual([`https://id.example.com${OPENID}`]);
    const lax = createJwtVerifier(options(true), impl);
    expect(await outcome(lax.verify(t, ctx()))).toBe('OK');
    expect(asked.at(-1)).toBe('http://keys.example.com/jwks');
  });

  it('makes one discovery fetch and one key fetch for 100 concurrent requests', async () => {
    routes = {
      [OPENID]: json({ issuer: base, jwks_uri: `${base}/keys` }, 200, 50),
      '/keys': keys(),
    };
    const v = make();
    const t = await token();
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => outcome(v.verify(t, ctx()))),
    );
    expect(new Set(answers)).toEqual(new Set(['OK']));
    expect(paths).toEqual([OPENID, '/keys']);
    expect((v.remote!.location as Discovery).fetches).toBe(1);
  });

  it('keeps the last good jwks_uri while the document fails, and never adopts one not ours', async () => {
    routes = { [OPENID]: metadata(base), '/keys': keys() };
    const v = make(base, { cacheMaxAge: 10_000 });
    const t = await token();
    expect(await outcome(v.verify(t, ctx()))).toBe('OK');
    // Stale: the document is read again, and fails; the last good jwks_uri still serves.
    routes[OPENID] = json({}, 500);
    expect(await outcome(v.verify(t, ctx(NOW_MS + 10_000)))).toBe('OK');
    expect(paths).toEqual([OPENID, '/keys', OPENID, '/keys']);
    // The document now names another issuer and its keys: they are never fetched.
    routes[OPENID] = metadata('https://evil.example', `${base}/evil`);
    routes['/evil'] = keys(attacker);
    expect(await outcome(v.verify(t, ctx(NOW_MS + 20_000)))).toBe('OK');
    expect(await outcome(v.verify(await token(base, attacker), ctx(NOW_MS + 20_000)))).toMatch(
      /^401 /,
    );
    expect(paths).not.toContain('/evil');
    // Everything down: the cached keys keep serving.
    routes = {};
    expect(await outcome(v.verify(t, ctx(NOW_MS + 30_000)))).toBe('OK');
  });

  it('recovers from an outage at start within the first retry', async () => {
    routes = { [OPENID]: json({}, 503) };
    const v = make();
    const t = await token();
    expect(await outcome(v.verify(t, ctx()))).toBe(UNAVAILABLE('discovery_http_status'));
    routes = { [OPENID]: metadata(base), '/keys': keys() };
    expect(await outcome(v.verify(t, ctx(NOW_MS + 999)))).toBe(
      UNAVAILABLE('discovery_http_status'),
    );
    expect(await outcome(v.verify(t, ctx(NOW_MS + 1_000)))).toBe('OK');
  });

  it('reads the document again after a failed key fetch, and follows a moved jwks_uri', async () => {
    routes = { [OPENID]: metadata(base), '/keys': keys() };
    const v = make(base, { cacheMaxAge: 60_000, cooldown: 5_000 });
    expect(await outcome(v.verify(await token(), ctx()))).toBe('OK');
    // The provider moves its key set and adds a key: the old path answers 404.
    routes = { [OPENID]: metadata(base, `${base}/v2/keys`), '/v2/keys': keys(rotated) };
    const fresh = await token(base, rotated);
    // The unknown kid refetches keys where the fresh document said, and that fails.
    expect(await outcome(v.verify(fresh, ctx(NOW_MS + 1_000)))).toBe(
      UNAVAILABLE('jwks_http_status'),
    );
    expect(paths).toEqual([OPENID, '/keys', '/keys']);
    // The next refetch reads the document first.
    expect(await outcome(v.verify(fresh, ctx(NOW_MS + 6_000)))).toBe('OK');
    expect(paths.slice(-2)).toEqual([OPENID, '/v2/keys']);
  });
});

describe('discovery options', () => {
  const good: JwtOptions = {
    algorithms: ['RS256'],
    issuer: 'https://id.example.com',
    audience: AUDIENCE,
    discovery: true,
  };
  const build = (extra: Record<string, unknown>) => () =>
    createJwtVerifier({ ...good, ...extra } as JwtOptions, IMPLS[0]);

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a list of issuers',
      { issuer: ['https://a.example', 'https://b.example'] },
      /give one `issuer`/,
    ],
    ['an issuer that is no URL', { issuer: 'id.example.com' }, /must be the issuer’s URL/],
    ['an http issuer on another host', { issuer: 'http://id.example.com' }, /must be an https URL/],
    ['an issuer of another scheme', { issuer: 'ftp://id.example.com' }, /must be an https URL/],
    ['an issuer with a query', { issuer: 'https://id.example.com/?tenant=a' }, /no query/],
    ['an issuer with a fragment', { issuer: 'https://id.example.com/#a' }, /no query or fragment/],
    ['an HS* algorithm', { algorithms: ['RS256', 'HS256'] }, /HS\* algorithms need a `secret`/],
    ['a secret besides', { secret: 'x'.repeat(64) }, /leave out `secret`/],
    ['a public key besides', { publicKey: { kty: 'RSA' } }, /leave out `publicKey`/],
    ['a jwks URL besides', { jwks: 'https://id.example.com/jwks' }, /leave out `jwks`/],
    ['discovery that is not a boolean', { discovery: 'yes' }, /`discovery` must be true/],
    ['an unknown jwksOptions key', { jwksOptions: { cacheMaxAg: 1 } }, /cacheMaxAge/],
    ['a bad jwksOptions value', { jwksOptions: { timeout: -1 } }, /timeout/],
  ])('refuses %s with a TypeError', (_name, extra, message) => {
    expect(build(extra)).toThrow(TypeError);
    expect(build(extra)).toThrow(message);
  });

  it('refuses a misspelt discovery option, naming it', () => {
    expect(build({ discovery: undefined, discover: true })).toThrow(/discovery/);
  });

  it.each<[string, Record<string, unknown>]>([
    ['an https issuer', {}],
    ['one issuer in a list', { issuer: ['https://id.example.com/tenant/'] }],
    ['an http issuer on localhost', { issuer: 'http://localhost:8080' }],
    ['an http issuer on [::1]', { issuer: 'http://[::1]:8080/realms/a' }],
    [
      'an http issuer with allowHttp',
      { issuer: 'http://id.internal', jwksOptions: { allowHttp: true } },
    ],
    ['jwksOptions', { jwksOptions: { timeout: 1_000, cacheMaxAge: 60_000, headers: { a: 'b' } } }],
  ])('accepts %s', (_name, extra) => {
    expect(build(extra)).not.toThrow();
  });

  it('discovers nothing at construction, and discovery: false leaves keys as configured', () => {
    const v = build({ discovery: false, jwks: 'https://id.example.com/jwks' })();
    expect(v.remote?.location).toBeInstanceOf(URL);
    const d = build({})().remote!.location as Discovery;
    expect(d).toBeInstanceOf(Discovery);
    expect(d.fetches).toBe(0);
    expect(() => build({ discovery: false })()).toThrow(/exactly one of/);
  });
});
