import { constants, KeyObject, sign as nodeSign, randomUUID } from 'node:crypto';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type JWK,
  SignJWT,
} from 'jose';
import { describe, expect, it, vi } from 'vitest';
import type { AuthError } from '../auth-error.js';
import type { Algorithm } from '../crypto/types.js';
import { AuthErrorCodes as C } from '../error-codes.js';
import { detailOf } from '../lib/detail.js';
import { memoryReplayStore } from '../replay/memory.js';
import type { ReplayStore } from '../replay/types.js';
import { failure } from '../test-helpers/failure.js';
import { b64, IMPLS, NOW, NOW_MS } from '../test-helpers/jwt-fixtures.js';
import {
  accessTokenHash,
  type DpopConfig,
  dpopChallenge,
  jwkThumbprint,
  resolveDpopOptions,
  verifyDpopProof,
} from './dpop.js';
import type { DpopOptions } from './dpop-types.js';

const ORIGIN = 'https://api.example.com';
const HTU = `${ORIGIN}/orders/7`;
const GET = { method: 'GET', url: '/orders/7?expand=items' };
const ACCESS_TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl';
const DEFAULT_ALGS = 'DPoP algs="ES256 EdDSA RS256 PS256"';

// RFC 9449 §4.1 Figure 4 (a proof to the token endpoint) and §7.1 Figure 13 (a proof to a
// resource, with `ath`), signed by the RFC's own key: its public JWK is in the header, so the
// signatures verify. The JWK's thumbprint is §6.1's `jkt`, the access token and its hash §7.1's.
const RFC_TOKEN_PROOF =
  'eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ.2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg';
const RFC_RESOURCE_PROOF =
  'eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiJlMWozVl9iS2ljOC1MQUVCIiwiaHRtIjoiR0VUIiwiaHR1IjoiaHR0cHM6Ly9yZXNvdXJjZS5leGFtcGxlLm9yZy9wcm90ZWN0ZWRyZXNvdXJjZSIsImlhdCI6MTU2MjI2MjYxOCwiYXRoIjoiZlVIeU8ycjJaM0RaNTNFc05yV0JiMHhXWG9hTnk1OUlpS0NBcWtzbVFFbyJ9.2oW9RP35yRqzhrtNP86L-Ey71EOptxRimPPToA1plemAgR6pxHF8y6-yqyVnmcw6Fy1dqd-jfxSYoMxhAJpLjA';
const RFC_JWK = {
  kty: 'EC',
  x: 'l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs',
  y: '9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA',
  crv: 'P-256',
};
const RFC_JKT = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';
const RFC_ACCESS_TOKEN = 'Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU';
const RFC_ATH = 'fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo';

// RFC 7638 §3.1: the RSA key and its thumbprint.
const RFC7638_JWK = {
  kty: 'RSA',
  n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
  alg: 'RS256',
  kid: '2011-04-29',
};
const RFC7638_THUMBPRINT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';

const decode = (segment: string) => JSON.parse(Buffer.from(segment, 'base64url').toString());

interface Client {
  alg: Algorithm;
  jwk: JWK;
  privateJwk: JWK;
  privateKey: CryptoKey;
  /** A proof signed with jose; `header` is merged over `{ typ, alg, jwk }`. */
  proof(claims?: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
}

const clients = new Map<string, Promise<Client>>();

async function makeClient(alg: Algorithm): Promise<Client> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return {
    alg,
    jwk,
    privateJwk: await exportJWK(privateKey),
    privateKey,
    proof: (claims = proofClaims(), header = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ typ: 'dpop+jwt', alg, jwk, ...header })
        .sign(privateKey),
  };
}

/** One key per algorithm for the whole file (RSA keys are slow to make); `fresh` makes another. */
function client(alg: Algorithm, fresh = false): Promise<Client> {
  if (fresh) return makeClient(alg);
  let made = clients.get(alg);
  if (made === undefined) {
    made = makeClient(alg);
    clients.set(alg, made);
  }
  return made;
}

/** Valid proof claims for `GET /orders/7` at NOW, a fresh jti each; `undefined` removes one. */
function proofClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    jti: randomUUID(),
    htm: 'GET',
    htu: HTU,
    iat: NOW,
    ...overrides,
  };
  for (const k of Object.keys(base)) if (base[k] === undefined) delete base[k];
  return base;
}

/** A proof over raw header and claims (for what jose will not sign), by node:crypto. */
function rawProof(
  c: Client,
  header: Record<string, unknown>,
  claims: Record<string, unknown> = proofClaims(),
  signAlg: Algorithm = c.alg,
): string {
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(claims))}`;
  const key = KeyObject.from(c.privateKey);
  const data = Buffer.from(input);
  let signature: Buffer;
  if (signAlg.startsWith('ES'))
    signature = nodeSign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
  else if (signAlg === 'EdDSA') signature = nodeSign(null, data, key);
  else if (signAlg.startsWith('PS')) {
    signature = nodeSign('sha256', data, {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    });
  } else signature = nodeSign('sha256', data, key);
  return `${input}.${signature.toString('base64url')}`;
}

describe('RFC 7638 JWK thumbprints', () => {
  it.each(IMPLS)('gives the RFC 7638 §3.1 thumbprint ($runtime)', (impl) => {
    expect(jwkThumbprint(RFC7638_JWK, impl)).toBe(RFC7638_THUMBPRINT);
    expect(jwkThumbprint(RFC7638_JWK)).toBe(RFC7638_THUMBPRINT);
  });

  it.each(IMPLS)("gives RFC 9449 §6.1's jkt for its example key ($runtime)", (impl) => {
    expect(jwkThumbprint(RFC_JWK, impl)).toBe(RFC_JKT);
    // Member order and members beyond the required ones change nothing.
    const reordered = {
      y: RFC_JWK.y,
      crv: 'P-256',
      kid: 'k1',
      use: 'sig',
      x: RFC_JWK.x,
      kty: 'EC',
    };
    expect(jwkThumbprint(reordered, impl)).toBe(RFC_JKT);
  });

  it.each(['ES256', 'EdDSA', 'RS256'] as const)('agrees with jose for %s keys', async (alg) => {
    const { jwk } = await client(alg);
    expect(jwkThumbprint(jwk)).toBe(await calculateJwkThumbprint(jwk, 'sha256'));
  });

  it('refuses what is not a public EC, OKP or RSA key', () => {
    expect(() => jwkThumbprint({ kty: 'oct', k: 'c2VjcmV0' })).toThrow(TypeError);
    expect(() => jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'AA' })).toThrow(/`y`/);
    expect(() => jwkThumbprint({ kty: 'RSA', n: 'AA', e: 1 })).toThrow(/`e`/);
    expect(() => jwkThumbprint(null as unknown as object)).toThrow(TypeError);
    expect(() => jwkThumbprint(Object.create({ kty: 'EC' }))).toThrow(/kty/);
  });
});

describe('accessTokenHash', () => {
  it.each(IMPLS)("gives RFC 9449 §7.1's ath ($runtime)", (impl) => {
    expect(accessTokenHash(RFC_ACCESS_TOKEN, impl)).toBe(RFC_ATH);
  });
});

describe('dpopChallenge', () => {
  it('names the algorithms, then the error and its description', () => {
    expect(dpopChallenge(['ES256', 'EdDSA'])).toBe('DPoP algs="ES256 EdDSA"');
    expect(dpopChallenge(['ES256'], 'invalid_dpop_proof', 'The DPoP proof is too old')).toBe(
      'DPoP algs="ES256", error="invalid_dpop_proof", error_description="The DPoP proof is too old"',
    );
    expect(dpopChallenge(['ES256'], 'use_dpop_nonce', undefined, 'api')).toBe(
      'DPoP realm="api", algs="ES256", error="use_dpop_nonce"',
    );
    expect(dpopChallenge([])).toBe('DPoP');
  });

  it('quotes like the Bearer challenge: escapes, and ? for what is not printable ASCII', () => {
    expect(dpopChallenge(['ES256'], 'x', 'a "b" \\ c\u00e9\n', 'r"')).toBe(
      'DPoP realm="r\\"", algs="ES256", error="x", error_description="a \\"b\\" \\\\ c??"',
    );
  });
});

describe.each(IMPLS)('verifyDpopProof ($runtime)', (impl) => {
  const configure = (options: Partial<DpopOptions> = {}): DpopConfig =>
    resolveDpopOptions('jwt()', { origin: ORIGIN, ...options }, impl);
  const verify = (
    proof: string,
    config: DpopConfig = configure(),
    request = GET,
    extra: { accessToken?: string; now?: number; realm?: string } = {},
  ) => verifyDpopProof(proof, request, config, { now: NOW_MS, ...extra });

  /** A 401 invalid_dpop_proof with `reason`, a DPoP challenge, and nothing of the proof in it. */
  async function refused(
    proof: string,
    reason: string,
    run: (p: string) => Promise<unknown> = (p) => verify(p),
    code: string = C.DPOP_PROOF_INVALID,
    algs = DEFAULT_ALGS,
  ): Promise<AuthError> {
    const err = await failure(run(proof));
    expect(err).toMatchObject({ status: 401, error: 'invalid_dpop_proof', code, expose: true });
    expect(detailOf(err)?.reason).toBe(reason);
    const challenge = err.headers['www-authenticate'];
    expect(challenge).toBe(
      `${algs}, error="invalid_dpop_proof", error_description="${err.message}"`,
    );
    for (const part of typeof proof === 'string' ? proof.split('.') : []) {
      if (part.length < 8) continue;
      expect(challenge).not.toContain(part);
      expect(err.message).not.toContain(part);
      expect(JSON.stringify(err)).not.toContain(part);
    }
    expect(err.headers['dpop-nonce']).toBeUndefined();
    return err;
  }

  describe('the RFC 9449 examples', () => {
    const rfcConfig = (origin: string) =>
      resolveDpopOptions('jwt()', { origin, replay: memoryReplayStore({ now: () => 0 }) }, impl);

    it('has the structure of §4.1 Figure 4', () => {
      const [header, claims, signature] = RFC_TOKEN_PROOF.split('.');
      expect(decode(header!)).toEqual({ typ: 'dpop+jwt', alg: 'ES256', jwk: RFC_JWK });
      expect(decode(claims!)).toEqual({
        jti: '-BwC3ESc6acc2lTc',
        htm: 'POST',
        htu: 'https://server.example.com/token',
        iat: 1562262616,
      });
      expect(Buffer.from(signature!, 'base64url')).toHaveLength(64);
    });

    it('verifies the token request proof of §4.1, signature included', async () => {
      const config = rfcConfig('https://server.example.com');
      const request = { method: 'POST', url: '/token' };
      const now = 1562262616_000;
      await expect(verifyDpopProof(RFC_TOKEN_PROOF, request, config, { now })).resolves.toEqual({
        jkt: RFC_JKT,
        jti: '-BwC3ESc6acc2lTc',
        iat: 1562262616,
      });
      // Its signature really is checked: the same claims under a different signature fail.
      const forged = `${RFC_TOKEN_PROOF.slice(0, RFC_TOKEN_PROOF.lastIndexOf('.'))}.${RFC_RESOURCE_PROOF.split('.')[2]}`;
      await refused(forged, 'dpop_signature', (p) =>
        verifyDpopProof(p, request, rfcConfig('https://server.example.com'), { now }),
      );
    });

    it('verifies the resource request proof of §7.1 with its access token', async () => {
      const config = rfcConfig('https://resource.example.org');
      const request = { method: 'GET', url: '/protectedresource' };
      const now = 1562262618_000;
      const run = (p: string, accessToken: string) =>
        verifyDpopProof(p, request, rfcConfig('https://resource.example.org'), {
          now,
          accessToken,
        });
      await expect(
        verifyDpopProof(RFC_RESOURCE_PROOF, request, config, {
          now,
          accessToken: RFC_ACCESS_TOKEN,
        }),
      ).resolves.toEqual({ jkt: RFC_JKT, jti: 'e1j3V_bKic8-LAEB', iat: 1562262618 });
      await refused(RFC_RESOURCE_PROOF, 'dpop_ath', (p) => run(p, `${RFC_ACCESS_TOKEN}x`));
    });
  });

  describe('proofs that pass', () => {
    it.each(['ES256', 'EdDSA', 'RS256', 'PS256'] as const)('accepts %s', async (alg) => {
      const c = await client(alg);
      const claims = proofClaims();
      const result = await verify(await c.proof(claims));
      expect(result).toEqual({
        jkt: await calculateJwkThumbprint(c.jwk, 'sha256'),
        jti: claims['jti'],
        iat: NOW,
      });
    });

    it('accepts ES384 and Ed25519 when configured', async () => {
      const config = configure({ algorithms: ['ES384', 'Ed25519'] });
      const es384 = await client('ES384');
      await expect(verify(await es384.proof(), config)).resolves.toMatchObject({ iat: NOW });
      const ed = await client('EdDSA');
      const proof = rawProof(
        ed,
        { typ: 'dpop+jwt', alg: 'Ed25519', jwk: ed.jwk },
        proofClaims(),
        'EdDSA',
      );
      await expect(verify(proof, config)).resolves.toMatchObject({ iat: NOW });
    });

    it('ignores members that a public JWK may carry', async () => {
      const c = await client('ES256');
      const jwk = { ...c.jwk, kid: 'k1', use: 'sig', alg: 'ES256', key_ops: ['verify'] };
      await expect(verify(await c.proof(proofClaims(), { jwk }))).resolves.toMatchObject({
        jkt: await calculateJwkThumbprint(c.jwk, 'sha256'),
      });
    });

    it('imports a key once, however many proofs it signs', async () => {
      const c = await client('ES256');
      const other = await client('ES256', true);
      const importJwk = vi.fn(impl.importJwk);
      const config = resolveDpopOptions('jwt()', { origin: ORIGIN }, { ...impl, importJwk });
      for (let i = 0; i < 3; i++) await verify(await c.proof(), config);
      expect(importJwk).toHaveBeenCalledTimes(1);
      await verify(await other.proof(), config);
      expect(importJwk).toHaveBeenCalledTimes(2);
      // A refused header is not remembered: each attempt reads it again, and fails again.
      const bad = await c.proof(proofClaims(), { typ: 'jwt' });
      await refused(bad, 'dpop_typ', (p) => verify(p, config));
      await refused(bad, 'dpop_typ', (p) => verify(p, config));
    });

    it('remembers at most 256 proof headers', async () => {
      const c = await client('ES256');
      const importJwk = vi.fn(impl.importJwk);
      const config = resolveDpopOptions('jwt()', { origin: ORIGIN }, { ...impl, importJwk });
      for (let i = 0; i < 257; i++) await verify(await c.proof(proofClaims(), { n: i }), config);
      expect(importJwk).toHaveBeenCalledTimes(257);
      // The 257th cleared the rest: the first header is read again, the last is still known.
      await verify(await c.proof(proofClaims(), { n: 256 }), config);
      expect(importJwk).toHaveBeenCalledTimes(257);
      await verify(await c.proof(proofClaims(), { n: 0 }), config);
      expect(importJwk).toHaveBeenCalledTimes(258);
    });

    it('names the realm in the challenge when given one', async () => {
      const c = await client('ES256');
      const err = await failure(
        verify(await c.proof(proofClaims({ htm: 'POST' })), configure(), GET, { realm: 'api' }),
      );
      expect(err.headers['www-authenticate']).toMatch(/^DPoP realm="api", algs="ES256 /);
    });
  });

  describe('the header', () => {
    it.each([['jwt'], ['DPOP+JWT'], ['application/dpop+jwt'], [undefined], [1]])(
      'refuses typ %s',
      async (typ) => {
        const c = await client('ES256');
        const header = { alg: 'ES256', jwk: c.jwk, ...(typ === undefined ? {} : { typ }) };
        await refused(rawProof(c, header), 'dpop_typ');
      },
    );

    it('refuses alg none, whatever follows', async () => {
      const c = await client('ES256');
      const input = `${b64(JSON.stringify({ typ: 'dpop+jwt', alg: 'none', jwk: c.jwk }))}.${b64(JSON.stringify(proofClaims()))}`;
      await refused(`${input}.`, 'dpop_alg');
      await refused(`${input}.${b64('x'.repeat(64))}`, 'dpop_alg');
    });

    it('refuses HS256, even over a symmetric jwk that signs it', async () => {
      const secret = new Uint8Array(32).fill(7);
      const jwk = { kty: 'oct', k: Buffer.from(secret).toString('base64url') };
      const proof = await new SignJWT(proofClaims())
        .setProtectedHeader({ typ: 'dpop+jwt', alg: 'HS256', jwk })
        .sign(secret);
      await refused(proof, 'dpop_alg');
    });

    it('refuses an algorithm outside the allow-list, and a missing one', async () => {
      const c = await client('ES384');
      await refused(await c.proof(), 'dpop_alg');
      const es = await client('ES256');
      await refused(rawProof(es, { typ: 'dpop+jwt', jwk: es.jwk }), 'dpop_alg');
      const config = configure({ algorithms: ['EdDSA'] });
      const only = 'DPoP algs="EdDSA"';
      await refused(await es.proof(), 'dpop_alg', (p) => verify(p, config), undefined, only);
    });

    it.each(['ES256', 'EdDSA', 'RS256'] as const)('refuses a private %s jwk', async (alg) => {
      const c = await client(alg);
      await refused(await c.proof(proofClaims(), { jwk: c.privateJwk }), 'dpop_private_key');
    });

    it.each(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'])(
      'refuses a jwk with the private member %s',
      async (member) => {
        const c = await client('ES256');
        await refused(
          await c.proof(proofClaims(), { jwk: { ...c.jwk, [member]: 'AQAB' } }),
          'dpop_private_key',
        );
      },
    );

    it('refuses a missing or unusable jwk', async () => {
      const c = await client('ES256');
      await refused(rawProof(c, { typ: 'dpop+jwt', alg: 'ES256' }), 'dpop_jwk');
      for (const jwk of [
        null,
        'key',
        [c.jwk],
        { ...c.jwk, kty: 'RSA' },
        { ...c.jwk, kty: 'OKP' },
      ]) {
        await refused(rawProof(c, { typ: 'dpop+jwt', alg: 'ES256', jwk }), 'dpop_jwk');
      }
      // A point off the curve: node:crypto refuses it on import, Web Crypto on first use.
      const offCurve = rawProof(c, {
        typ: 'dpop+jwt',
        alg: 'ES256',
        jwk: { ...c.jwk, x: c.jwk.y },
      });
      await refused(offCurve, impl.runtime === 'node' ? 'dpop_jwk' : 'dpop_signature');
      // The key type alg needs: a P-384 key for ES256, an EC key for RS256, an RSA key for EdDSA.
      const p384 = await client('ES384');
      await refused(
        rawProof(p384, { typ: 'dpop+jwt', alg: 'ES256', jwk: p384.jwk }, proofClaims(), 'ES384'),
        'dpop_jwk',
      );
      await refused(rawProof(c, { typ: 'dpop+jwt', alg: 'RS256', jwk: c.jwk }), 'dpop_jwk');
      const rsa = await client('RS256');
      await refused(rawProof(rsa, { typ: 'dpop+jwt', alg: 'EdDSA', jwk: rsa.jwk }), 'dpop_jwk');
    });

    it('refuses a crit header', async () => {
      const c = await client('ES256');
      const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: c.jwk, crit: ['exp'], exp: 1 };
      await refused(rawProof(c, header), 'dpop_malformed');
    });
  });

  describe('the signature', () => {
    it('refuses a signature over other claims', async () => {
      const c = await client('ES256');
      const one = await c.proof();
      const two = await c.proof(proofClaims({ htm: 'POST' }));
      const swapped = `${two.slice(0, two.lastIndexOf('.'))}.${one.split('.')[2]}`;
      await refused(swapped, 'dpop_signature');
    });

    it.each(['ES256', 'EdDSA', 'RS256'] as const)(
      'refuses a %s proof signed by another key than its jwk',
      async (alg) => {
        const c = await client(alg);
        const other = await client(alg, true);
        await refused(await other.proof(proofClaims(), { jwk: c.jwk }), 'dpop_signature');
      },
    );

    it('refuses a DER or truncated ECDSA signature', async () => {
      const c = await client('ES256');
      const proof = await c.proof();
      const [h, p, s] = proof.split('.');
      const raw = Buffer.from(s!, 'base64url');
      await refused(`${h}.${p}.${raw.subarray(0, 63).toString('base64url')}`, 'dpop_signature');
      const der = nodeSign('sha256', Buffer.from(`${h}.${p}`), KeyObject.from(c.privateKey));
      await refused(`${h}.${p}.${der.toString('base64url')}`, 'dpop_signature');
    });
  });

  describe('the form', () => {
    it.each([
      ['two segments', (p: string) => p.slice(0, p.lastIndexOf('.'))],
      ['four segments', (p: string) => `${p}.AA`],
      ['an empty header', (p: string) => p.slice(p.indexOf('.'))],
      ['a padded signature', (p: string) => `${p}==`],
      [
        'a non-canonical signature',
        (p: string) => `${p.slice(0, -1)}${p.endsWith('A') ? 'B' : 'A'}+`,
      ],
      ['a header that is not JSON', (p: string) => `${b64('{"typ":')}${p.slice(p.indexOf('.'))}`],
      ['a header that is an array', (p: string) => `${b64('[1]')}${p.slice(p.indexOf('.'))}`],
      ['over 8,192 characters', (p: string) => `${p}${'A'.repeat(8192)}`],
    ])('refuses %s', async (_, mangle) => {
      const c = await client('ES256');
      await refused(mangle(await c.proof()), 'dpop_malformed');
    });

    it('refuses claims that are not a JSON object, once signed', async () => {
      const c = await client('ES256');
      const header = b64(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: c.jwk }));
      const input = `${header}.${b64('[1,2]')}`;
      const signature = nodeSign('sha256', Buffer.from(input), {
        key: KeyObject.from(c.privateKey),
        dsaEncoding: 'ieee-p1363',
      });
      await refused(`${input}.${signature.toString('base64url')}`, 'dpop_malformed');
    });

    it('refuses what is not a string', async () => {
      await refused(undefined as unknown as string, 'dpop_malformed');
    });
  });

  describe('htm and htu', () => {
    it('refuses another method, compared exactly', async () => {
      const c = await client('ES256');
      await refused(await c.proof(proofClaims({ htm: 'POST' })), 'dpop_htm');
      await refused(await c.proof(proofClaims({ htm: 'get' })), 'dpop_htm');
      await refused(await c.proof(proofClaims({ htm: undefined })), 'dpop_htm');
      const post = { method: 'POST', url: '/orders/7' };
      await expect(
        verify(await c.proof(proofClaims({ htm: 'POST' })), configure(), post),
      ).resolves.toBeDefined();
    });

    it.each([
      ['another host', 'https://evil.example/orders/7'],
      ['a sub-domain', 'https://www.api.example.com/orders/7'],
      ['another path', `${ORIGIN}/orders/8`],
      ['a path prefix', `${ORIGIN}/orders`],
      ['a trailing slash', `${ORIGIN}/orders/7/`],
      ['http', 'http://api.example.com/orders/7'],
      ['another port', 'https://api.example.com:8443/orders/7'],
      ['user info', 'https://user@api.example.com/orders/7'],
      ['a relative URI', '/orders/7'],
      ['another scheme', 'wss://api.example.com/orders/7'],
      ['a missing htu', undefined],
      ['a number', 7],
    ])('refuses %s', async (_, htu) => {
      const c = await client('ES256');
      await refused(await c.proof(proofClaims({ htu })), 'dpop_htu');
    });

    it.each([
      ['a query (the request has another)', `${HTU}?expand=nothing`],
      ['a fragment', `${HTU}#top`],
      ['an upper-case scheme and host', 'HTTPS://API.Example.COM/orders/7'],
      ['the default port', 'https://api.example.com:443/orders/7'],
      ['an encoded unreserved character', `${ORIGIN}/orders/%37`],
      ['a dot segment', `${ORIGIN}/orders/x/../7`],
    ])('accepts %s', async (_, htu) => {
      const c = await client('ES256');
      await expect(verify(await c.proof(proofClaims({ htu })))).resolves.toBeDefined();
    });

    it('compares percent-encodings without regard to case', async () => {
      const c = await client('ES256');
      const request = { method: 'GET', url: '/files/a%2fb%c3%a9' };
      const proof = await c.proof(proofClaims({ htu: `${ORIGIN}/files/a%2Fb%C3%A9` }));
      await expect(verify(proof, configure(), request)).resolves.toBeDefined();
      const other = await c.proof(proofClaims({ htu: `${ORIGIN}/files/a/b%C3%A9` }));
      await refused(other, 'dpop_htu', (p) => verify(p, configure(), request));
    });

    it('takes the host from the configured origin only, never from the request', async () => {
      const c = await client('ES256');
      const evil = await c.proof(proofClaims({ htu: 'https://evil.example/orders/7' }));
      const ours = await c.proof(proofClaims({ htu: HTU }));
      // There is no Host header to trust: a request naming another host in an absolute-form
      // target, or smuggling one into the path, still answers to the configured origin.
      for (const url of ['https://evil.example/orders/7', '//evil.example/orders/7']) {
        await refused(evil, 'dpop_htu', (p) => verify(p, configure(), { method: 'GET', url }));
      }
      const absolute = { method: 'GET', url: 'https://evil.example/orders/7?x=1' };
      await expect(verify(ours, configure(), absolute)).resolves.toBeDefined();
      const headers = { host: 'evil.example', 'x-forwarded-host': 'evil.example' };
      const withHeaders = { method: 'GET', url: '/orders/7', headers } as typeof GET;
      await refused(
        await c.proof(proofClaims({ htu: 'https://evil.example/orders/7' })),
        'dpop_htu',
        (p) => verify(p, configure(), withHeaders),
      );
    });

    it('refuses every proof for a request target that is not a path', async () => {
      const c = await client('ES256');
      for (const url of ['*', 'api.example.com:443', '', 'mailto:a@b', undefined]) {
        await refused(await c.proof(), 'dpop_htu', (p) =>
          verify(p, configure(), { method: 'GET', url: url as string }),
        );
      }
    });

    it('follows a configured origin on localhost', async () => {
      const c = await client('ES256');
      const config = configure({ origin: 'http://localhost:3000/' });
      const proof = await c.proof(proofClaims({ htu: 'http://LOCALHOST:3000/orders/7' }));
      await expect(verify(proof, config)).resolves.toBeDefined();
    });
  });

  describe('iat', () => {
    it('accepts a proof up to maxAge old and up to 5 s ahead', async () => {
      const c = await client('ES256');
      for (const iat of [NOW - 300, NOW + 5, NOW - 0.5]) {
        await expect(verify(await c.proof(proofClaims({ iat })))).resolves.toMatchObject({ iat });
      }
      const config = configure({ maxAge: 60 });
      await expect(
        verify(await c.proof(proofClaims({ iat: NOW - 60 })), config),
      ).resolves.toBeDefined();
      await refused(await c.proof(proofClaims({ iat: NOW - 61 })), 'dpop_too_old', (p) =>
        verify(p, config),
      );
    });

    it('refuses a stale proof, a future one, and a missing or odd iat', async () => {
      const c = await client('ES256');
      await refused(await c.proof(proofClaims({ iat: NOW - 301 })), 'dpop_too_old');
      await refused(await c.proof(proofClaims({ iat: NOW + 6 })), 'dpop_issued_in_future');
      await refused(await c.proof(proofClaims({ iat: undefined })), 'dpop_iat');
      await refused(await c.proof(proofClaims({ iat: String(NOW) })), 'dpop_iat');
      await refused(await c.proof(proofClaims({ iat: NOW_MS })), 'dpop_issued_in_future');
    });

    it('answers 500 for a clock that is not epoch milliseconds', async () => {
      const c = await client('ES256');
      const err = await failure(verify(await c.proof(), configure(), GET, { now: Number.NaN }));
      expect(err).toMatchObject({ status: 500, code: C.INTERNAL });
    });
  });

  describe('jti', () => {
    it('refuses a missing, empty, non-string or oversized jti', async () => {
      const c = await client('ES256');
      for (const jti of [undefined, '', 7, 'x'.repeat(257), ['a']]) {
        await refused(await c.proof(proofClaims({ jti })), 'dpop_jti');
      }
      await expect(
        verify(await c.proof(proofClaims({ jti: 'x'.repeat(256) }))),
      ).resolves.toBeDefined();
    });

    it('refuses a proof used twice, with ERR_DPOP_PROOF_REPLAYED', async () => {
      const c = await client('ES256');
      const config = configure();
      const proof = await c.proof();
      await expect(verify(proof, config)).resolves.toBeDefined();
      await refused(proof, 'dpop_replayed', (p) => verify(p, config), C.DPOP_PROOF_REPLAYED);
      // Another proof reusing the jti is refused too: jti is claimed per key, not per proof text.
      const again = await c.proof(proofClaims({ jti: decode(proof.split('.')[1]!).jti }));
      await refused(again, 'dpop_replayed', (p) => verify(p, config), C.DPOP_PROOF_REPLAYED);
      // Another key may use the same jti.
      const other = await client('ES256', true);
      await expect(
        verify(await other.proof(proofClaims({ jti: decode(proof.split('.')[1]!).jti })), config),
      ).resolves.toBeDefined();
    });

    it('lets exactly one of many concurrent uses of a proof through', async () => {
      const c = await client('ES256');
      const config = configure();
      const proof = await c.proof();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => verify(proof, config)),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected')
          expect(r.reason).toMatchObject({ code: C.DPOP_PROOF_REPLAYED });
      }
    });

    it('claims the thumbprint and jti until iat + maxAge + 5 s, on the request clock', async () => {
      const claim = vi.fn<ReplayStore['claim']>(() => true);
      const c = await client('ES256');
      const claims = proofClaims({ iat: NOW - 10 });
      const { jkt } = await verify(await c.proof(claims), configure({ replay: { claim } }));
      expect(claim).toHaveBeenCalledExactlyOnceWith(`${jkt}:${claims['jti']}`, NOW - 10 + 300 + 5);
      // The default store follows the clock it is handed, so a frozen test clock works.
      const config = configure();
      const old = await c.proof(proofClaims({ iat: 1_000_000_000 }));
      await expect(verify(old, config, GET, { now: 1_000_000_000_000 })).resolves.toBeDefined();
      await refused(
        old,
        'dpop_replayed',
        (p) => verify(p, config, GET, { now: 1_000_000_100_000 }),
        C.DPOP_PROOF_REPLAYED,
      );
    });

    it('claims nothing for a proof refused otherwise', async () => {
      const claim = vi.fn<ReplayStore['claim']>(() => true);
      const config = configure({ replay: { claim } });
      const c = await client('ES256');
      await refused(await c.proof(proofClaims({ htm: 'POST' })), 'dpop_htm', (p) =>
        verify(p, config),
      );
      await refused(await c.proof(proofClaims({ iat: NOW - 999 })), 'dpop_too_old', (p) =>
        verify(p, config),
      );
      expect(claim).not.toHaveBeenCalled();
    });

    it.each([
      [
        'throws',
        () => {
          throw new Error('ECONNREFUSED');
        },
      ],
      ['rejects', () => Promise.reject(new Error('timeout'))],
      ['answers neither true nor false', () => undefined as unknown as boolean],
      ['answers a string', () => 'true' as unknown as boolean],
    ])('answers 503 when the replay store %s', async (_, claim) => {
      const c = await client('ES256');
      const err = await failure(verify(await c.proof(), configure({ replay: { claim } })));
      expect(err).toMatchObject({
        status: 503,
        code: C.REPLAY_STORE_FAILED,
        error: 'temporarily_unavailable',
        expose: false,
      });
      expect(err.headers['retry-after']).toBe('5');
      expect(err.headers['www-authenticate']).toBeUndefined();
      expect(detailOf(err)?.reason).toBe('replay_store_failed');
      expect(err.cause).toBeDefined();
    });

    it('accepts an asynchronous store answering true once', async () => {
      const seen = new Set<string>();
      const claim = async (id: string) => {
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      };
      const c = await client('ES256');
      const config = configure({ replay: { claim } });
      const proof = await c.proof();
      await expect(verify(proof, config)).resolves.toBeDefined();
      await refused(proof, 'dpop_replayed', (p) => verify(p, config), C.DPOP_PROOF_REPLAYED);
    });
  });

  describe('ath', () => {
    it('requires the hash of the access token when one is given', async () => {
      const c = await client('ES256');
      const ath = accessTokenHash(ACCESS_TOKEN, impl);
      const withToken = (p: string) => verify(p, configure(), GET, { accessToken: ACCESS_TOKEN });
      await expect(withToken(await c.proof(proofClaims({ ath })))).resolves.toBeDefined();
      await refused(await c.proof(proofClaims()), 'dpop_ath', withToken);
      await refused(
        await c.proof(proofClaims({ ath: accessTokenHash('other', impl) })),
        'dpop_ath',
        withToken,
      );
      await refused(await c.proof(proofClaims({ ath: `${ath}=` })), 'dpop_ath', withToken);
      await refused(await c.proof(proofClaims({ ath: ACCESS_TOKEN })), 'dpop_ath', withToken);
    });

    it('ignores ath without an access token (a token request)', async () => {
      const c = await client('ES256');
      await expect(verify(await c.proof(proofClaims({ ath: 'anything' })))).resolves.toBeDefined();
    });
  });

  describe('server nonces', () => {
    const secret = new Uint8Array(32).fill(9);
    const withNonce = () => configure({ nonce: { secret, lifetime: 60 } });

    /** A 401 use_dpop_nonce carrying a DPoP-Nonce that the server accepts now. */
    async function askedForNonce(proof: string, config: DpopConfig, now = NOW_MS) {
      const err = await failure(verify(proof, config, GET, { now }));
      expect(err).toMatchObject({
        status: 401,
        error: 'use_dpop_nonce',
        code: C.DPOP_NONCE_REQUIRED,
      });
      expect(detailOf(err)?.reason).toBe('dpop_nonce');
      expect(err.headers['www-authenticate']).toBe(
        `${DEFAULT_ALGS}, error="use_dpop_nonce", error_description="${err.message}"`,
      );
      const fresh = err.headers['dpop-nonce']!;
      expect(fresh).toMatch(/^[A-Za-z0-9_-]{54}$/);
      expect(config.nonce?.checkNonce(fresh, now)).toBe(true);
      expect(err.headers['www-authenticate']).not.toContain(fresh);
      return fresh;
    }

    it('asks for a nonce, then accepts the proof that carries it', async () => {
      const c = await client('ES256');
      const config = withNonce();
      const nonce = await askedForNonce(await c.proof(), config);
      await expect(verify(await c.proof(proofClaims({ nonce })), config)).resolves.toBeDefined();
    });

    it('asks again for a wrong, forged or expired nonce', async () => {
      const c = await client('ES256');
      const config = withNonce();
      const current = config.nonce!.issueNonce(NOW_MS);
      const forged = resolveDpopOptions(
        'jwt()',
        { origin: ORIGIN, nonce: { secret: new Uint8Array(32), lifetime: 60 } },
        impl,
      ).nonce!.issueNonce(NOW_MS);
      const expired = config.nonce!.issueNonce(NOW_MS - 120_000);
      for (const nonce of ['abc', forged, expired, `${current.slice(0, -1)}A`, 7]) {
        if (nonce === current) continue;
        await askedForNonce(await c.proof(proofClaims({ nonce })), config);
      }
      // Last slot's nonce is still good.
      const previous = config.nonce!.issueNonce(NOW_MS - 60_000);
      await expect(
        verify(await c.proof(proofClaims({ nonce: previous })), config),
      ).resolves.toBeDefined();
    });

    it('checks the proof itself first: a bad proof is invalid_dpop_proof, not use_dpop_nonce', async () => {
      const c = await client('ES256');
      await refused(await c.proof(proofClaims({ htm: 'POST' })), 'dpop_htm', (p) =>
        verify(p, withNonce()),
      );
    });
  });
});
