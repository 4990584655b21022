// jwt({ dpop }) through the authenticator: a DPoP-bound token with its proof, and every way the
// binding between token, proof and request can be wrong.
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../authenticator.js';
import type { RequestView } from '../request.js';
import type { Authenticator } from '../types.js';
import { jwt } from './jwt.js';

const ISSUER = 'https://id.example.com/';
const AUDIENCE = 'https://api.example.com';
const ORIGIN = 'https://api.example.com';
const secret = new Uint8Array(32).fill(9);
const now = () => Math.floor(Date.now() / 1000);

async function proofKey() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  const jkt = await calculateJwkThumbprint(jwk);
  async function proof(
    method: string,
    url: string,
    token: string,
    extra: Record<string, unknown> = {},
  ) {
    const ath = Buffer.from(
      await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)),
    ).toString('base64url');
    return new SignJWT({
      htm: method,
      htu: `${ORIGIN}${url}`,
      ath,
      jti: crypto.randomUUID(),
      ...extra,
    })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk })
      .setIssuedAt()
      .sign(privateKey);
  }
  return { jkt, proof };
}

function token(claims: Record<string, unknown> = {}) {
  return new SignJWT({ sub: 'agent', scope: 'read', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(now() + 300)
    .sign(secret);
}

function view(
  headers: Record<string, string | string[]>,
  method = 'GET',
  url = '/orders/7?x=1',
): RequestView {
  return { method, url, header: (name) => headers[name] };
}

async function answer(auth: Authenticator, request: RequestView) {
  try {
    const principal = await auth.authenticate(request);
    return { status: 200, principal };
  } catch (err) {
    const e = err as { status: number; code: string; headers: Record<string, string> };
    return { status: e.status, code: e.code, challenge: e.headers['www-authenticate'] };
  }
}

const dpopAuth = (extra: Record<string, unknown> = {}) =>
  createAuthenticator({
    methods: [
      jwt({
        algorithms: ['HS256'],
        secret,
        issuer: ISSUER,
        audience: AUDIENCE,
        dpop: { origin: ORIGIN, ...extra },
      }),
    ],
  });

describe('jwt({ dpop })', () => {
  it('accepts a bound token with its proof, and sets principal.confirmation', async () => {
    const key = await proofKey();
    const t = await token({ cnf: { jkt: key.jkt } });
    const got = await answer(
      dpopAuth(),
      view({ authorization: `DPoP ${t}`, dpop: await key.proof('GET', '/orders/7', t) }),
    );
    expect(got.status).toBe(200);
    expect(got.principal?.confirmation).toEqual({ jkt: key.jkt });
    // Twice: the verification is cached, the proof is checked again (and a new one is needed).
    const again = await answer(
      dpopAuth(),
      view({ authorization: `DPoP ${t}`, dpop: await key.proof('GET', '/orders/7', t) }),
    );
    expect(again.status).toBe(200);
  });

  it('refuses every broken binding with 401 and a DPoP challenge', async () => {
    const auth = dpopAuth();
    const key = await proofKey();
    const other = await proofKey();
    const bound = await token({ cnf: { jkt: key.jkt } });
    const unbound = await token();
    const replayed = await key.proof('GET', '/orders/7', bound);
    expect(
      (await answer(auth, view({ authorization: `DPoP ${bound}`, dpop: replayed }))).status,
    ).toBe(200);
    const cases: [string, RequestView, string][] = [
      [
        'replayed proof',
        view({ authorization: `DPoP ${bound}`, dpop: replayed }),
        'ERR_DPOP_PROOF_REPLAYED',
      ],
      ['no proof', view({ authorization: `DPoP ${bound}` }), 'ERR_DPOP_PROOF_INVALID'],
      [
        'two proofs',
        view({
          authorization: `DPoP ${bound}`,
          dpop: [
            await key.proof('GET', '/orders/7', bound),
            await key.proof('GET', '/orders/7', bound),
          ],
        }),
        'ERR_DPOP_PROOF_INVALID',
      ],
      [
        'proof by another key',
        view({
          authorization: `DPoP ${bound}`,
          dpop: await other.proof('GET', '/orders/7', bound),
        }),
        'ERR_DPOP_PROOF_INVALID',
      ],
      [
        'unbound token over DPoP',
        view({
          authorization: `DPoP ${unbound}`,
          dpop: await key.proof('GET', '/orders/7', unbound),
        }),
        'ERR_JWT_CLAIM_INVALID',
      ],
      [
        'wrong method',
        view({ authorization: `DPoP ${bound}`, dpop: await key.proof('POST', '/orders/7', bound) }),
        'ERR_DPOP_PROOF_INVALID',
      ],
      [
        'wrong path',
        view({ authorization: `DPoP ${bound}`, dpop: await key.proof('GET', '/orders/8', bound) }),
        'ERR_DPOP_PROOF_INVALID',
      ],
      [
        'proof for another token',
        view({
          authorization: `DPoP ${bound}`,
          dpop: await key.proof('GET', '/orders/7', unbound),
        }),
        'ERR_DPOP_PROOF_INVALID',
      ],
    ];
    for (const [name, request, code] of cases) {
      const got = await answer(auth, request);
      expect({ name, status: got.status, code: got.code }).toEqual({ name, status: 401, code });
      expect(got.challenge).toMatch(/^DPoP /);
    }
  });

  it('refuses a bound token over Bearer, and with required, any Bearer token', async () => {
    const key = await proofKey();
    const bound = await token({ cnf: { jkt: key.jkt } });
    expect(await answer(dpopAuth(), view({ authorization: `Bearer ${bound}` }))).toMatchObject({
      status: 401,
      code: 'ERR_JWT_SENDER_CONSTRAINED',
    });
    expect(
      (await answer(dpopAuth(), view({ authorization: `Bearer ${await token()}` }))).status,
    ).toBe(200);
    const required = await answer(
      dpopAuth({ required: true }),
      view({ authorization: `Bearer ${await token()}` }),
    );
    expect(required).toMatchObject({ status: 401, code: 'ERR_DPOP_REQUIRED' });
    expect(required.challenge).toMatch(
      /^DPoP realm="api", algs="ES256 EdDSA RS256 PS256", error="invalid_token"/,
    );
  });

  it('without dpop, refuses a DPoP request and never takes its token as a bearer token', async () => {
    const key = await proofKey();
    const plain = createAuthenticator({
      methods: [jwt({ algorithms: ['HS256'], secret, issuer: ISSUER, audience: AUDIENCE })],
    });
    const t = await token();
    const got = await answer(
      plain,
      view({ authorization: `DPoP ${t}`, dpop: await key.proof('GET', '/orders/7', t) }),
    );
    expect(got).toMatchObject({ status: 401, code: 'ERR_UNSUPPORTED_CREDENTIAL' });
  });

  it('answers 500, never 200, when the adapter gave no method and URL', async () => {
    const key = await proofKey();
    const bound = await token({ cnf: { jkt: key.jkt } });
    const headersOnly: RequestView = {
      header: (n) => ({ authorization: `DPoP ${bound}`, dpop: 'x.y.z' })[n],
    };
    expect((await answer(dpopAuth(), headersOnly)).status).toBe(500);
  });

  it('refuses bad dpop options at construction', () => {
    const base = { algorithms: ['HS256' as const], secret, issuer: ISSUER, audience: AUDIENCE };
    expect(() => jwt({ ...base, dpop: null as never })).toThrow(/dpop/);
    expect(() => jwt({ ...base, dpop: { origin: 'http://api.example.com' } })).toThrow(/origin/);
    expect(() => jwt({ ...base, dpop: { origin: ORIGIN, algorithms: ['HS256'] } })).toThrow(
      /HS256|asymmetric/,
    );
  });
});
