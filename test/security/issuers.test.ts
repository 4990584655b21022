// Several issuers in one authenticator (DESIGN.md, second wave; RFC 8725 §3.8): a token goes to
// the jwt() method whose `issuer` equals its unverified `iss`, and is checked against that
// issuer's keys only. A token claiming issuer B is never verified with a key of issuer A, nor is
// A's key set fetched for it; an `iss` no method has is refused before any key set is fetched; a
// symmetric `alg` is refused by the allow-list before any fetch.
import { AuthErrorCodes as C, createAuthenticator, jwt, type Method } from '@portcullis/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdapterName, TARGETS } from './support/apps.js';
import { useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { type JwksServer, startJwksServer } from './support/jwks-server.js';
import { ecdsa, forge, hmac, rsa } from './support/jws.js';
import { AUDIENCE, claims, type KeyPair, keyPair } from './support/keys.js';

useLeakCheck();

const ISSUER_A = 'https://a.portcullis.test/';
const ISSUER_B = 'https://b.portcullis.test/realms/orders';
const ISSUER_C = 'https://c.portcullis.test';

let a: KeyPair;
let b: KeyPair;
let c: KeyPair;
const servers: JwksServer[] = [];
beforeAll(async () => {
  [a, b, c] = await Promise.all([keyPair('RS256'), keyPair('RS256'), keyPair('ES256')]);
});
afterAll(() => Promise.all(servers.map((s) => s.close())));

async function keyServer(pair: KeyPair): Promise<JwksServer> {
  const server = await startJwksServer([pair.jwk]);
  servers.push(server);
  return server;
}

const remote = (issuer: string, server: JwksServer, alg: 'RS256' | 'ES256' = 'RS256'): Method =>
  jwt({ algorithms: [alg], issuer, audience: AUDIENCE, jwks: server.url });

const signedBy = (pair: KeyPair, payload: Record<string, unknown>, kid = pair.kid) =>
  forge({
    header: { alg: 'RS256', kid },
    payload: claims(undefined, payload),
    signer: rsa(pair.privateKey),
  });

/** Three issuers, each with its own key server; nothing fetched yet. */
async function threeIssuers(adapter: AdapterName) {
  const [ja, jb, jc] = await Promise.all([keyServer(a), keyServer(b), keyServer(c)]);
  const app = await scenario(adapter, {
    methods: [remote(ISSUER_A, ja), remote(ISSUER_B, jb), remote(ISSUER_C, jc, 'ES256')],
  });
  return { app, ja, jb, jc };
}

describe.each(TARGETS)('%s: several issuers', (adapter) => {
  it("routes each token to its issuer's method, fetching only that issuer's keys", async () => {
    const { app, ja, jb, jc } = await threeIssuers(adapter);
    const fromB = signedBy(b, { iss: ISSUER_B, sub: 'from-b', scope: 'admin' });
    for (let i = 0; i < 3; i++) {
      expect(expectAccepted(await app.bearer(fromB, '/admin'))).toMatchObject({
        subject: 'from-b',
        scopes: ['admin'],
      });
    }
    expect([ja.hits, jb.hits, jc.hits]).toEqual([0, 1, 0]);
    const fromC = forge({
      header: { alg: 'ES256', kid: c.kid },
      payload: claims(undefined, { iss: ISSUER_C, sub: 'from-c' }),
      signer: ecdsa(c.privateKey),
    });
    expect(expectAccepted(await app.bearer(fromC))).toMatchObject({ subject: 'from-c' });
    expect(expectAccepted(await app.bearer(signedBy(a, { iss: ISSUER_A }))).subject).toBe(
      'svc-reports',
    );
    expect([ja.hits, jb.hits, jc.hits]).toEqual([1, 1, 1]);
  });

  it("never verifies a token claiming B with A's key, nor fetches A's keys for it", async () => {
    const { app, ja, jb, jc } = await threeIssuers(adapter);
    // A's key under A's kid: B's key set has no such key (B's set is fetched, A's never).
    const aKid = signedBy(a, { iss: ISSUER_B });
    expectRejected(await app.bearer(aKid), 401, [C.JWT_NO_MATCHING_KEY]);
    expect(ja.hits).toBe(0);
    expect(jb.hits).toBeGreaterThanOrEqual(1);
    // A's key under B's kid: B's key does not verify it.
    const bKid = signedBy(a, { iss: ISSUER_B }, b.kid);
    expectRejected(await app.bearer(bKid), 401, [C.JWT_SIGNATURE_INVALID]);
    // Both, repeated: still refused (no cache, no memo turns a refusal into a pass).
    for (const token of [aKid, bKid, aKid, bKid]) expectRejected(await app.bearer(token), 401);
    expect([ja.hits, jc.hits]).toEqual([0, 0]);
    // And the honest token of A still passes with A's own keys.
    expectAccepted(await app.bearer(signedBy(a, { iss: ISSUER_A })));
    expect(ja.hits).toBe(1);
  });

  it('refuses an iss no method has with 401 ERR_JWT_ISSUER_INVALID, fetching nothing', async () => {
    const { app, ja, jb, jc } = await threeIssuers(adapter);
    for (const iss of [
      'https://evil.portcullis.test/',
      ISSUER_A.slice(0, -1),
      `${ISSUER_C}/`,
      undefined,
      7,
      [ISSUER_A],
    ]) {
      const answer = await app.bearer(signedBy(a, { iss }));
      expectRejected(answer, 401, [C.JWT_ISSUER_INVALID]);
      expect(answer.events.at(-1)).toMatchObject({ method: 'jwt', reason: 'issuer_unknown' });
    }
    expect([ja.hits, jb.hits, jc.hits]).toEqual([0, 0, 0]);
  });

  it('refuses an HS256 token to RS256 key-set methods by alg, before any fetch', async () => {
    const { app, ja, jb, jc } = await threeIssuers(adapter);
    const single = await keyServer(a);
    const alone = await scenario(adapter, { methods: [remote(ISSUER_A, single)] });
    for (const iss of [ISSUER_A, ISSUER_B]) {
      // The key-confusion attack: the RSA public key (PEM or JWK text) as the HMAC secret.
      for (const key of [a.pem, JSON.stringify(a.jwk)]) {
        const token = forge({
          header: { alg: 'HS256', kid: a.kid },
          payload: claims(undefined, { iss }),
          signer: hmac(key),
        });
        expectRejected(await app.bearer(token), 401, [C.JWT_ALG_NOT_ALLOWED]);
        expectRejected(await alone.bearer(token), 401, [C.JWT_ALG_NOT_ALLOWED]);
      }
    }
    expect([ja.hits, jb.hits, jc.hits, single.hits]).toEqual([0, 0, 0, 0]);
  });
});

describe('several issuers: configuration', () => {
  it('refuses the same issuer in two jwt() methods with a TypeError', async () => {
    const [ja, jb] = await Promise.all([keyServer(a), keyServer(b)]);
    expect(() =>
      createAuthenticator({ methods: [remote(ISSUER_A, ja), remote(ISSUER_A, jb)] }),
    ).toThrow(TypeError);
    expect(() =>
      createAuthenticator({
        methods: [
          jwt({
            algorithms: ['RS256'],
            issuer: [ISSUER_B, ISSUER_A],
            audience: AUDIENCE,
            jwks: ja.url,
          }),
          { ...remote(ISSUER_A, jb) },
        ],
      }),
    ).toThrow(/"https:\/\/a\.portcullis\.test\/"/);
    expect([ja.hits, jb.hits]).toEqual([0, 0]);
  });
});
