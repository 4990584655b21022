import { createAuthenticator, jwt } from '@portcullis/core';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  BROKEN_TOKEN_KINDS,
  type BrokenTokenKind,
  createTestIssuer,
  type TestIssuer,
} from './test-issuer.js';

const NOW = Date.UTC(2030, 0, 1) / 1000;
const frozen = () => NOW * 1000;

function verify(issuer: TestIssuer, token: string, currentDate = new Date(NOW * 1000)) {
  const options = {
    algorithms: issuer.jwtOptions.algorithms,
    issuer: issuer.issuer,
    audience: issuer.audience,
    currentDate,
  };
  return issuer.secret
    ? jwtVerify(token, issuer.secret, options)
    : jwtVerify(token, createLocalJWKSet(issuer.jwks!), options);
}

describe('createTestIssuer', () => {
  it('signs ES256 by default with the documented claims', async () => {
    const issuer = await createTestIssuer({ now: frozen });
    const token = await issuer.sign({ scope: 'billing:read' });
    const { payload, protectedHeader } = await verify(issuer, token);
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: issuer.kid });
    expect(payload).toMatchObject({
      iss: 'https://issuer.test/',
      aud: 'https://api.test',
      sub: 'test-subject',
      iat: NOW,
      exp: NOW + 300,
      scope: 'billing:read',
    });
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each(['RS256', 'PS256', 'ES384', 'EdDSA', 'HS256', 'HS512'] as const)(
    'signs %s tokens that verify with its jwtOptions',
    async (algorithm) => {
      const issuer = await createTestIssuer({ algorithm, now: frozen });
      await expect(verify(issuer, await issuer.sign())).resolves.toBeTruthy();
      expect(issuer.jwtOptions.algorithms).toEqual([algorithm]);
      if (algorithm.startsWith('HS')) {
        expect(issuer.jwtOptions.secret).toBe(issuer.secret);
        expect(issuer.jwks).toBeUndefined();
      } else {
        expect(issuer.jwtOptions.jwks).toEqual({
          keys: [expect.objectContaining({ kid: issuer.kid })],
        });
        expect(issuer.jwks?.keys[0]).not.toHaveProperty('d');
      }
    },
  );

  it('makes a fresh key on every call', async () => {
    const [a, b] = await Promise.all([createTestIssuer(), createTestIssuer()]);
    expect(a.jwks?.keys[0]?.x).not.toBe(b.jwks?.keys[0]?.x);
    await expect(verify(b, await a.sign(), new Date())).rejects.toThrow();
  });

  it('applies options relative to iat and lets claims override or drop defaults', async () => {
    const issuer = await createTestIssuer({
      now: frozen,
      issuer: 'https://id.example/',
      audience: 'api',
    });
    const token = await issuer.sign(
      { aud: ['api', 'other'], client_id: 'c1', jti: undefined },
      {
        issuedAt: NOW - 60,
        expiresIn: '2m',
        notBefore: 10,
        subject: 'agent-1',
        header: { typ: 'at+jwt' },
      },
    );
    expect(decodeJwt(token)).toEqual({
      iss: 'https://id.example/',
      aud: ['api', 'other'],
      sub: 'agent-1',
      iat: NOW - 60,
      exp: NOW + 60,
      nbf: NOW - 50,
      client_id: 'c1',
    });
    expect(decodeProtectedHeader(token).typ).toBe('at+jwt');
  });

  it('makes each broken token that a verifier refuses', async () => {
    const issuer = await createTestIssuer({ now: frozen });
    const refuse = async (broken: Parameters<TestIssuer['sign']>[1]) =>
      verify(issuer, await issuer.sign({}, broken)).then(
        () => 'accepted',
        (err: { code?: string }) => err.code,
      );
    expect(await refuse({ broken: 'expired' })).toBe('ERR_JWT_EXPIRED');
    expect(await refuse({ broken: 'not-yet-valid' })).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    expect(await refuse({ broken: 'wrong-issuer' })).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    expect(await refuse({ broken: 'wrong-audience' })).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    expect(await refuse({ broken: 'tampered' })).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    expect(await refuse({ broken: 'other-key' })).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    expect(await refuse({ broken: 'alg-none' })).toBe(new errors.JOSEAlgNotAllowed('').code);
    const future = decodeJwt(await issuer.sign({}, { broken: 'issued-in-future' }));
    expect(future.iat).toBeGreaterThan(NOW + 300);
    expect(decodeJwt(await issuer.sign({}, { broken: 'missing-exp' }))).not.toHaveProperty('exp');
  });

  it('refuses configuration mistakes with a TypeError', async () => {
    // @ts-expect-error: not an algorithm
    await expect(createTestIssuer({ algorithm: 'none' })).rejects.toThrow(TypeError);
    await expect(createTestIssuer({ issuer: '' })).rejects.toThrow(TypeError);
    const issuer = await createTestIssuer();
    await expect(issuer.sign({}, { expiresIn: 'soon' })).rejects.toThrow(TypeError);
    // @ts-expect-error: not a kind
    await expect(issuer.sign({}, { broken: 'weird' })).rejects.toThrow(TypeError);
  });
});

describe('createTestIssuer with core jwt()', () => {
  const codes: Record<BrokenTokenKind, readonly string[]> = {
    expired: ['ERR_JWT_EXPIRED'],
    'not-yet-valid': ['ERR_JWT_NOT_YET_VALID'],
    'issued-in-future': ['ERR_JWT_ISSUED_IN_FUTURE'],
    'wrong-issuer': ['ERR_JWT_ISSUER_INVALID'],
    'wrong-audience': ['ERR_JWT_AUDIENCE_INVALID'],
    tampered: ['ERR_JWT_SIGNATURE_INVALID'],
    'other-key': ['ERR_JWT_SIGNATURE_INVALID'],
    // The JWT verifier claims every dotted bearer value, so `none` is refused at the alg check.
    'alg-none': ['ERR_JWT_ALG_NOT_ALLOWED'],
    'missing-exp': ['ERR_JWT_CLAIM_MISSING'],
  };

  it.each(['ES256', 'RS256', 'EdDSA', 'HS256'] as const)(
    '%s: jwtOptions verify good tokens; each broken kind gets its 401 code',
    async (algorithm) => {
      const issuer = await createTestIssuer({ algorithm, now: frozen });
      const authenticator = createAuthenticator({ methods: [jwt(issuer.jwtOptions)], now: frozen });
      const outcome = (token: string) =>
        authenticator.authenticate(bearer(token)).then(
          (p) => `ok ${p?.subject}`,
          (e: { status: number; code: string }) => `${e.status} ${e.code}`,
        );
      expect(await outcome(await issuer.sign({ scope: 'a b' }))).toBe('ok test-subject');
      for (const broken of BROKEN_TOKEN_KINDS) {
        const got = await outcome(await issuer.sign({}, { broken }));
        expect(
          codes[broken].map((c) => `401 ${c}`),
          broken,
        ).toContain(got);
      }
    },
  );

  it('a frozen clock is honoured end to end', async () => {
    const issuer = await createTestIssuer({ now: frozen });
    const token = await issuer.sign();
    const at = (ms: number) =>
      createAuthenticator({ methods: [jwt(issuer.jwtOptions)], now: () => ms })
        .authenticate(bearer(token))
        .then(
          () => 'ok',
          (e: { code: string }) => e.code,
        );
    expect(await at(NOW * 1000)).toBe('ok');
    expect(await at((NOW + 3600) * 1000)).toBe('ERR_JWT_EXPIRED');
    expect(await at((NOW - 3600) * 1000)).toBe('ERR_JWT_ISSUED_IN_FUTURE');
  });
});

function bearer(token: string) {
  return { header: (name: string) => (name === 'authorization' ? `Bearer ${token}` : undefined) };
}
