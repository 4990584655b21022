// Oversized input is refused before any crypto or key lookup: a 100 KB token answers 401
// ERR_JWT_MALFORMED with no JWKS fetch, the size cap holds to the character, and huge API keys
// never reach `lookup`.
import { AuthErrorCodes as C, type JwtOptions, jwt } from '@portcullis/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyMethod, keyStore, PREFIX } from './support/api-keys.js';
import { ADAPTERS } from './support/apps.js';
import { useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { type JwksServer, startJwksServer } from './support/jwks-server.js';
import { b64url, forge, rsa } from './support/jws.js';
import { AUDIENCE, claims, ISSUER, type KeyPair, keyPair } from './support/keys.js';

useLeakCheck();

let rs: KeyPair;
let server: JwksServer;
beforeAll(async () => {
  rs = await keyPair('RS256');
  server = await startJwksServer([rs.jwk]);
});
afterAll(() => server.close());

/** A verifier over the remote JWKS whose fetches are counted. */
function counted(extra: Partial<JwtOptions> = {}) {
  const fetches: string[] = [];
  const method = jwt({
    algorithms: ['RS256'],
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: server.url,
    jwksOptions: {
      fetch: (input, init) => {
        fetches.push(String(input));
        return fetch(input, init);
      },
    },
    ...extra,
  });
  return { method, fetches };
}

const sign = (payload: Record<string, unknown>, header: Record<string, unknown> = {}) =>
  forge({ header: { alg: 'RS256', kid: rs.kid, ...header }, payload, signer: rsa(rs.privateKey) });

/** A signed token of exactly `length` characters, padded through a claim. */
function tokenOfLength(length: number): string {
  const base = sign(claims(undefined, { pad: '' }));
  let pad = '';
  let token = base;
  // Each 3 characters of padding add 4 base64url characters; close in, then adjust by one.
  while (token.length < length) {
    pad += 'x'.repeat(Math.max(1, Math.floor(((length - token.length) * 3) / 4)));
    token = sign(claims(undefined, { pad }));
    while (token.length > length) {
      pad = pad.slice(0, -1);
      token = sign(claims(undefined, { pad }));
    }
    if (token.length < length && sign(claims(undefined, { pad: `${pad}x` })).length > length) break;
  }
  return token;
}

describe.each(ADAPTERS)('%s: oversized input', (adapter) => {
  const app = (method: ReturnType<typeof counted>['method']) =>
    scenario(adapter, { methods: [method] });

  it('refuses a 100 KB token with ERR_JWT_MALFORMED and no key fetch', async () => {
    const { method, fetches } = counted();
    const a = await app(method);
    const big = sign(claims(undefined, { pad: 'x'.repeat(100 * 1024) }));
    expect(big.length).toBeGreaterThan(100 * 1024);
    expectRejected(await a.bearer(big), 401, [C.JWT_MALFORMED]);
    const junk = `${b64url('{"alg":"RS256"}')}.${'A'.repeat(100 * 1024)}.${'B'.repeat(342)}`;
    expectRejected(await a.bearer(junk), 401, [C.JWT_MALFORMED]);
    expect(fetches).toEqual([]);
  });

  it('holds the default 8,192-character cap to the character', async () => {
    const { method, fetches } = counted();
    const a = await app(method);
    const atCap = tokenOfLength(8192);
    const over = tokenOfLength(8193);
    expect(atCap.length).toBe(8192);
    expect(over.length).toBe(8193);
    expectRejected(await a.bearer(over), 401, [C.JWT_MALFORMED]);
    expect(fetches).toEqual([]);
    expectAccepted(await a.bearer(atCap));
  });

  it('honours a smaller maxTokenLength, before any fetch', async () => {
    const { method, fetches } = counted({ maxTokenLength: 1024 });
    const a = await app(method);
    expectRejected(await a.bearer(tokenOfLength(1025)), 401, [C.JWT_MALFORMED]);
    expect(fetches).toEqual([]);
  });

  it('refuses an oversized kid before any key lookup', async () => {
    const { method, fetches } = counted();
    const a = await app(method);
    for (const kid of ['k'.repeat(257), 'k'.repeat(6000)]) {
      expectRejected(await a.bearer(sign(claims(), { kid })), 401, [
        C.JWT_MALFORMED,
        C.JWT_NO_MATCHING_KEY,
      ]);
    }
    expect(fetches.length).toBeLessThanOrEqual(1);
  });

  it('refuses huge header values and huge API keys without a lookup', async () => {
    const store = keyStore();
    const a = await scenario(adapter, { methods: [keyMethod(store)] });
    for (const size of [257, 10 * 1024, 200 * 1024]) {
      const key = `${PREFIX}_${'a'.repeat(size)}`;
      expectRejected(
        await a.get('/private', { 'x-api-key': key }),
        [400, 401],
        [C.API_KEY_INVALID],
      );
      expectRejected(await a.bearer(key), [400, 401], [C.API_KEY_INVALID]);
    }
    expect(store.calls).toEqual([]);
    // An Authorization header of 200 KB that is neither an API key nor a JWT.
    expectRejected(await a.bearer('z'.repeat(200 * 1024)), [400, 401]);
  });
});

describe('oversized input straight through core', () => {
  it('refuses a 1 MB token and a 1 MB API key with no fetch and no lookup', async () => {
    const { method, fetches } = counted();
    const store = keyStore();
    const { createAuthenticator } = await import('@portcullis/core');
    const auth = createAuthenticator({ methods: [method, keyMethod(store)] });
    for (const [name, value] of [
      ['authorization', `Bearer ${sign(claims(undefined, { pad: 'x'.repeat(1024 * 1024) }))}`],
      ['x-api-key', `${PREFIX}_${'a'.repeat(1024 * 1024)}`],
    ] as const) {
      const err = await auth
        .authenticate({ header: (n) => (n === name ? value : undefined) })
        .catch((e: unknown) => e);
      expect((err as { status?: number }).status).toBe(401);
    }
    expect(fetches).toEqual([]);
    expect(store.calls).toEqual([]);
  });
});
