import {
  base64url,
  calculateJwkThumbprint,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type JWK,
  jwtVerify,
} from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { authFetch, clientCredentials, type OAuthClientError } from '../src/index.js';
import { API, challenge, clock, fake, oauthError, TOKEN_ENDPOINT, tokenResponse } from './fakes.js';

const base = { tokenEndpoint: TOKEN_ENDPOINT, clientId: 'agent', clientSecret: 'agent-secret' };
const dpopToken = (n: number) => tokenResponse(`token-${n}`, { tokenType: 'DPoP' });

/** Verify a DPoP proof with the key in its own header; its header and claims. */
async function verifyProof(proof: string) {
  const header = decodeProtectedHeader(proof);
  const { payload } = await jwtVerify(proof, header.jwk as JWK, { typ: 'dpop+jwt' });
  return { header, payload };
}

const sha256 = async (text: string) =>
  base64url.encode(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))),
  );

describe('DPoP (RFC 9449)', () => {
  it('proves the key to the token endpoint, then signs a proof per request with ath, htm and htu', async () => {
    const c = clock();
    const { fetch, tokenCalls, apiCalls } = fake({ token: dpopToken });
    const provider = clientCredentials({ ...base, dpop: true, fetch, now: c.now });
    const api = authFetch(provider, fetch);
    await api(`${API}/invoices?page=2#top`, { method: 'post', body: '{}' });
    await api(`${API}/invoices?page=2#top`, { method: 'post', body: '{}' });

    const tokenProof = await verifyProof(tokenCalls[0]!.headers['dpop']!);
    expect(tokenProof.header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256' });
    expect(Object.keys(tokenProof.header.jwk!).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    expect(tokenProof.payload).toMatchObject({ htm: 'POST', htu: TOKEN_ENDPOINT });

    const proofs = await Promise.all(
      apiCalls.map((call) => verifyProof(call.headers.get('dpop')!)),
    );
    for (const [i, call] of apiCalls.entries()) {
      expect(call.headers.get('authorization')).toBe('DPoP token-1');
      const { header, payload } = proofs[i]!;
      expect(header.jwk).toEqual(tokenProof.header.jwk); // one key for both
      expect(payload).toMatchObject({
        htm: 'POST',
        htu: `${API}/invoices`,
        iat: Math.floor(c.t / 1000),
        ath: await sha256('token-1'),
      });
      expect(payload.nonce).toBeUndefined();
    }
    expect(proofs[0]!.payload.jti).not.toBe(proofs[1]!.payload.jti);
    expect(tokenCalls).toHaveLength(1);
  });

  it('the default key pair is ES256 with a private key that cannot be exported', async () => {
    const generate = vi.spyOn(crypto.subtle, 'generateKey');
    const { fetch, apiCalls } = fake({ token: dpopToken });
    const provider = clientCredentials({ ...base, dpop: true, fetch });
    await authFetch(provider, fetch)(`${API}/x`);
    expect(generate).toHaveBeenCalledOnce();
    expect(generate.mock.calls[0]!.slice(0, 2)).toEqual([
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
    ]);
    const pair = (await generate.mock.results[0]!.value) as CryptoKeyPair;
    expect(pair.privateKey.extractable).toBe(false);
    generate.mockRestore();
    // The proofs carry the public key only.
    const { header } = await verifyProof(apiCalls[0]!.headers.get('dpop')!);
    expect(header.alg).toBe('ES256');
    expect(header.jwk).not.toHaveProperty('d');
  });

  it.each(['ES256', 'ES384', 'ES512', 'EdDSA', 'RS256', 'PS256'] as const)(
    'uses a key pair of yours (%s): the proofs carry its public key',
    async (alg) => {
      const keyPair = (await generateKeyPair(alg, { extractable: false })) as CryptoKeyPair;
      const { fetch, apiCalls } = fake({ token: dpopToken });
      const provider = clientCredentials({ ...base, dpop: { key: keyPair }, fetch });
      await authFetch(provider, fetch)(`${API}/x`);
      const { header } = await verifyProof(apiCalls[0]!.headers.get('dpop')!);
      expect(header.alg).toBe(alg);
      expect(await calculateJwkThumbprint(header.jwk as JWK)).toBe(
        await calculateJwkThumbprint(await exportJWK(keyPair.publicKey)),
      );
    },
  );

  it('refuses a key pair it cannot sign proofs with', async () => {
    const rsa = (await crypto.subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-384',
      },
      false,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    expect(() => clientCredentials({ ...base, dpop: { key: rsa } })).toThrow(/ES256, ES384/);
    const ecdh = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, [
      'deriveBits',
    ])) as CryptoKeyPair;
    expect(() => clientCredentials({ ...base, dpop: { key: ecdh } })).toThrow(/can sign/);
    const hmacLike = {
      privateKey: { type: 'private', usages: ['sign'], algorithm: { name: 'HMAC' } },
      publicKey: { type: 'public' },
    };
    expect(() => clientCredentials({ ...base, dpop: { key: hmacLike as never } })).toThrow(/ES256/);
  });

  it("the API's use_dpop_nonce: retried once with the DPoP-Nonce in the proof, remembered per origin", async () => {
    const { fetch, apiCalls } = fake({
      token: dpopToken,
      // Accepts a proof with one of its nonces, and sends a newer one with each answer.
      api: async (call) =>
        String((await verifyProof(call.headers.get('dpop')!)).payload.nonce).startsWith('n-')
          ? Response.json({}, { headers: { 'dpop-nonce': 'n-2' } })
          : challenge('DPoP error="use_dpop_nonce", algs="ES256"', { 'dpop-nonce': 'n-1' }),
    });
    const provider = clientCredentials({ ...base, dpop: true, fetch });
    const api = authFetch(provider, fetch);
    expect((await api(`${API}/x`)).status).toBe(200);
    const nonces = await Promise.all(
      apiCalls.map(async (c) => (await verifyProof(c.headers.get('dpop')!)).payload.nonce),
    );
    expect(nonces).toEqual([undefined, 'n-1']);
    // The next request carries the newest nonce the server sent (n-2, on the 200).
    await api(`${API}/y`);
    expect((await verifyProof(apiCalls[2]!.headers.get('dpop')!)).payload.nonce).toBe('n-2');
    // Another origin has none.
    await api('https://other.example.test/z');
    expect((await verifyProof(apiCalls[3]!.headers.get('dpop')!)).payload.nonce).toBeUndefined();
  });

  it('use_dpop_nonce without a DPoP-Nonce header, or twice: no loop', async () => {
    const { fetch, apiCalls } = fake({
      token: dpopToken,
      api: () => challenge('DPoP error="use_dpop_nonce"'),
    });
    const api = authFetch(clientCredentials({ ...base, dpop: true, fetch }), fetch);
    expect((await api(`${API}/x`)).status).toBe(401);
    expect(apiCalls).toHaveLength(1);
    const always = fake({
      token: dpopToken,
      api: () => challenge('DPoP error="use_dpop_nonce"', { 'dpop-nonce': 'again' }),
    });
    const api2 = authFetch(
      clientCredentials({ ...base, dpop: true, fetch: always.fetch }),
      always.fetch,
    );
    expect((await api2(`${API}/x`)).status).toBe(401);
    expect(always.apiCalls).toHaveLength(2);
  });

  it("the token endpoint's use_dpop_nonce: one more try with its nonce", async () => {
    const { fetch, tokenCalls } = fake({
      token: (n) =>
        n === 1
          ? Response.json(
              { error: 'use_dpop_nonce' },
              { status: 400, headers: { 'dpop-nonce': 'as-1' } },
            )
          : dpopToken(n),
    });
    const provider = clientCredentials({ ...base, dpop: true, fetch });
    await provider.getHeaders({ method: 'GET', url: `${API}/x` });
    expect(tokenCalls).toHaveLength(2);
    const { payload } = await verifyProof(tokenCalls[1]!.headers['dpop']!);
    expect(payload.nonce).toBe('as-1');

    const stubborn = fake({
      token: () =>
        Response.json({ error: 'use_dpop_nonce' }, { status: 400, headers: { 'dpop-nonce': 'x' } }),
    });
    const err = (await clientCredentials({ ...base, dpop: true, fetch: stubborn.fetch })
      .getHeaders({ method: 'GET', url: `${API}/x` })
      .catch((e) => e)) as OAuthClientError;
    expect(err).toMatchObject({ code: 'invalid_dpop_proof', error: 'use_dpop_nonce' });
    expect(stubborn.tokenCalls).toHaveLength(2);
  });

  it('a Bearer token when DPoP was asked for (or the reverse) is refused', async () => {
    const bearer = fake();
    await expect(
      clientCredentials({ ...base, dpop: true, fetch: bearer.fetch }).getHeaders({
        method: 'GET',
        url: API,
      }),
    ).rejects.toMatchObject({
      code: 'invalid_response',
      message: expect.stringMatching(/DPoP was asked/),
    });
    const dpop = fake({ token: dpopToken });
    await expect(
      clientCredentials({ ...base, fetch: dpop.fetch }).getHeaders(),
    ).rejects.toMatchObject({
      code: 'invalid_response',
    });
  });

  it('getHeaders() needs the request to sign, and an absolute URL', async () => {
    const { fetch } = fake({ token: dpopToken });
    const provider = clientCredentials({ ...base, dpop: true, fetch });
    await expect(provider.getHeaders()).rejects.toThrow(/method, url/);
    await expect(provider.getHeaders({ method: 'GET', url: '/relative' })).rejects.toThrow(
      /absolute URL/,
    );
    provider.useDpopNonce!('not a url', 'n'); // ignored
  });

  it('remembers nonces for the last 100 origins', async () => {
    const { fetch } = fake({ token: dpopToken });
    const provider = clientCredentials({ ...base, dpop: true, fetch });
    for (let i = 0; i < 101; i += 1) provider.useDpopNonce!(`https://o${i}.test/x`, `n${i}`);
    const proofOf = async (url: string) =>
      (await verifyProof((await provider.getHeaders({ method: 'GET', url }))['dpop']!)).payload;
    expect((await proofOf('https://o0.test/')).nonce).toBeUndefined();
    expect((await proofOf('https://o1.test/')).nonce).toBe('n1');
    expect((await proofOf('https://o100.test/')).nonce).toBe('n100');
  });

  it('a token endpoint 5xx answer with DPoP is still retried', async () => {
    const { fetch, tokenCalls } = fake({
      token: (n) => (n === 1 ? oauthError(503, 'unavailable') : dpopToken(n)),
    });
    await clientCredentials({ ...base, dpop: true, fetch }).getHeaders({ method: 'GET', url: API });
    expect(tokenCalls).toHaveLength(2);
  });
});
