import { describe, expect, it } from 'vitest';
import { AuthErrorCodes as C } from '../error-codes.js';
import { detailOf } from '../lib/detail.js';
import {
  AUDIENCE,
  claims,
  ctx,
  HS256_HEADER,
  hs256Token,
  IMPLS,
  ISSUER,
  NOW,
  NOW_MS,
  rawHs256,
} from '../test-helpers/jwt-fixtures.js';
import { checkClaims } from './claims.js';
import { memoryDenyList } from './deny-list.js';
import { validateOptions } from './options.js';
import type { JwtOptions } from './types.js';
import { createJwtVerifier } from './verifier.js';

const secret = new Uint8Array(32).fill(7);
const header = HS256_HEADER;
const token = (overrides: Record<string, unknown> = {}) => hs256Token(secret, overrides);

describe.each(IMPLS)('claims on $runtime crypto', (impl) => {
  const make = (extra: Partial<JwtOptions> = {}) =>
    createJwtVerifier(
      { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret, cache: false, ...extra },
      impl,
    );
  const verifier = make();
  const result = (t: string, v = verifier, nowMs = NOW_MS) =>
    v.verify(t, ctx(nowMs)).then(
      () => 'OK',
      (e: { code: string }) => e.code,
    );

  it('requires exp as a finite number', async () => {
    expect(await result(token({ exp: undefined }))).toBe(C.JWT_CLAIM_MISSING);
    expect(await result(token({ exp: String(NOW + 60) }))).toBe(C.JWT_CLAIM_INVALID);
    expect(await result(token({ exp: null }))).toBe(C.JWT_CLAIM_INVALID);
    const infinite = JSON.stringify(claims()).replace(/"exp":\d+/, '"exp":1e400');
    expect(await result(rawHs256(header, infinite, secret))).toBe(C.JWT_CLAIM_INVALID);
  });

  it('expires at exp minus the tolerance (default 5 s), and honours clockTolerance', async () => {
    expect(await result(token({ exp: NOW - 5 }))).toBe(C.JWT_EXPIRED);
    expect(await result(token({ exp: NOW - 4 }))).toBe('OK');
    expect(await result(token({ exp: NOW }), make({ clockTolerance: 0 }))).toBe(C.JWT_EXPIRED);
    expect(await result(token({ exp: NOW + 1 }), make({ clockTolerance: 0 }))).toBe('OK');
    expect(await result(token({ exp: NOW - 299 }), make({ clockTolerance: 300 }))).toBe('OK');
    // The clock is read in milliseconds, and exp may carry a fraction (RFC 7519 NumericDate).
    const strict = make({ clockTolerance: 0 });
    expect(await result(token({ exp: NOW + 1 }), strict, NOW_MS + 999)).toBe('OK');
    expect(await result(token({ exp: NOW + 1 }), strict, NOW_MS + 1000)).toBe(C.JWT_EXPIRED);
    expect(await result(token({ exp: NOW + 0.5 }), strict, NOW_MS + 400)).toBe('OK');
    expect(await result(token({ exp: NOW + 0.5 }), strict, NOW_MS + 900)).toBe(C.JWT_EXPIRED);
  });

  it('answers 500 for a clock that returns no time, rather than accept an expired token', async () => {
    const t = token({ exp: NOW - 1000 });
    for (const broken of [Number.NaN, Number.POSITIVE_INFINITY, -1, undefined]) {
      const err = await verifier
        .verify(t, { now: () => broken as number, realm: 'r' })
        .catch((e: { code: string; status: number }) => e);
      expect(err).toMatchObject({ code: C.INTERNAL, status: 500 });
    }
  });

  it('checks nbf and iat against the clock with the tolerance', async () => {
    expect(await result(token({ nbf: NOW + 6 }))).toBe(C.JWT_NOT_YET_VALID);
    expect(await result(token({ nbf: NOW + 5 }))).toBe('OK');
    expect(await result(token({ nbf: 'soon' }))).toBe(C.JWT_CLAIM_INVALID);
    expect(await result(token({ iat: NOW + 6 }))).toBe(C.JWT_ISSUED_IN_FUTURE);
    expect(await result(token({ iat: NOW + 5 }))).toBe('OK');
    expect(await result(token({ iat: undefined }))).toBe('OK');
    expect(await result(token({ iat: [NOW] }))).toBe(C.JWT_CLAIM_INVALID);
  });

  it('with maxTokenAge requires iat and refuses older tokens', async () => {
    const v = make({ maxTokenAge: 60 });
    expect(await result(token({ iat: undefined }), v)).toBe(C.JWT_CLAIM_MISSING);
    expect(await result(token({ iat: NOW - 65 }), v)).toBe('OK');
    expect(await result(token({ iat: NOW - 66 }), v)).toBe(C.JWT_TOO_OLD);
  });

  it('matches iss exactly against one of the issuers', async () => {
    expect(await result(token({ iss: undefined }))).toBe(C.JWT_ISSUER_INVALID);
    expect(await result(token({ iss: 'https://id.example.com' }))).toBe(C.JWT_ISSUER_INVALID);
    expect(await result(token({ iss: 'HTTPS://ID.EXAMPLE.COM/' }))).toBe(C.JWT_ISSUER_INVALID);
    expect(await result(token({ iss: [ISSUER] }))).toBe(C.JWT_ISSUER_INVALID);
    const two = make({ issuer: ['https://a/', ISSUER] });
    expect(await result(token({ iss: 'https://a/' }), two)).toBe('OK');
    expect(await result(token(), two)).toBe('OK');
  });

  it('requires aud to be or contain one of the audiences', async () => {
    expect(await result(token({ aud: undefined }))).toBe(C.JWT_AUDIENCE_INVALID);
    expect(await result(token({ aud: 'other' }))).toBe(C.JWT_AUDIENCE_INVALID);
    expect(await result(token({ aud: ['other', AUDIENCE] }))).toBe('OK');
    expect(await result(token({ aud: [] }))).toBe(C.JWT_AUDIENCE_INVALID);
    expect(await result(token({ aud: [AUDIENCE, 7] }))).toBe(C.JWT_AUDIENCE_INVALID);
    expect(await result(token({ aud: `${AUDIENCE}/` }))).toBe(C.JWT_AUDIENCE_INVALID);
    expect(await result(token({ aud: 'b' }), make({ audience: ['a', 'b'] }))).toBe('OK');
  });

  it('requires a non-empty string subject, from a configurable claim', async () => {
    expect(await result(token({ sub: undefined }))).toBe(C.JWT_CLAIM_MISSING);
    expect(await result(token({ sub: '' }))).toBe(C.JWT_CLAIM_INVALID);
    expect(await result(token({ sub: 42 }))).toBe(C.JWT_CLAIM_INVALID);
    const v = make({ subjectClaim: 'client_id' });
    expect(await result(token({ client_id: 'svc' }), v)).toBe('OK');
    expect(await result(token(), v)).toBe(C.JWT_CLAIM_MISSING);
    // An inherited property is not a claim.
    expect(await result(token(), make({ subjectClaim: 'constructor' }))).toBe(C.JWT_CLAIM_MISSING);
  });

  it('checks jti and requiredClaims', async () => {
    expect(await result(token({ jti: 5 }))).toBe(C.JWT_CLAIM_INVALID);
    expect(await result(token({ jti: undefined }))).toBe('OK');
    const v = make({ requiredClaims: ['azp', 'toString'] });
    expect(await result(token({ azp: 'client', toString: 'x' }), v)).toBe('OK');
    expect(await result(token({ azp: 'client' }), v)).toBe(C.JWT_CLAIM_MISSING);
  });

  it('reads scopes from a space-delimited scope claim, dropping empty parts', async () => {
    const scopes = async (value: unknown, extra: Partial<JwtOptions> = {}) =>
      (await make(extra).verify(token({ scope: value, scp: value, permissions: value }), ctx()))
        .scopes;
    expect(await scopes('  a  b c ')).toEqual(['a', 'b', 'c']);
    expect(await scopes('')).toEqual([]);
    expect(await scopes(undefined)).toEqual([]);
    expect(await scopes(['a', 'b'], { scopeClaim: 'scp' })).toEqual(['a', 'b']);
    expect(await scopes('a b', { scopeClaim: 'permissions' })).toEqual(['a', 'b']);
    for (const [value, claim] of [
      [['a'], 'scope'],
      [7, 'scope'],
      [{ a: 1 }, 'scp'],
      [['a', 1], 'permissions'],
    ] as const) {
      const v = make({ scopeClaim: claim });
      expect(await result(token({ scope: value, scp: value, permissions: value }), v)).toBe(
        C.JWT_CLAIM_INVALID,
      );
    }
  });

  it('takes the tenant from tenantClaim, strings only', async () => {
    const v = make({ tenantClaim: 'org' });
    expect((await v.verify(token({ org: 'acme' }), ctx())).tenant).toBe('acme');
    expect('tenant' in (await v.verify(token(), ctx()))).toBe(false);
    expect(await result(token({ org: 1 }), v)).toBe(C.JWT_CLAIM_INVALID);
  });

  it('keeps a __proto__ claim as data, never as a prototype', async () => {
    const raw = JSON.stringify(claims()).replace('{', '{"__proto__":{"admin":true,"sub":"root"},');
    const principal = await verifier.verify(rawHs256(header, raw, secret), ctx());
    expect(principal.subject).toBe('user-1');
    expect(Object.getPrototypeOf(principal.claims)).toBe(Object.prototype);
    expect((principal.claims as Record<string, unknown>)['admin']).toBeUndefined();
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });

  it('treats an empty jti as no jti: refused with a deny-list, absent from the audit detail', async () => {
    // Without revocation the token verifies and keeps the claim, but names no jti.
    const principal = await verifier.verify(token({ jti: '' }), ctx());
    expect(principal.claims?.jti).toBe('');
    const config = validateOptions({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
    expect(checkClaims(claims({ jti: '' }), config, NOW, 'r').jti).toBeUndefined();
    const expired = await verifier
      .verify(token({ jti: '', exp: NOW - 100 }), ctx())
      .catch((e) => e);
    expect(detailOf(expired)).toEqual({ reason: 'expired' });
    // With a deny-list or an isRevoked hook, "" can never be revoked: it is a missing jti.
    const asked: string[] = [];
    for (const extra of [
      { denyList: memoryDenyList({ now: () => NOW_MS }) },
      {
        isRevoked: (jti: string) => {
          asked.push(jti);
          return false;
        },
      },
    ]) {
      const err = await make(extra)
        .verify(token({ jti: '' }), ctx())
        .catch((e) => e);
      expect(err).toMatchObject({ code: C.JWT_CLAIM_MISSING, status: 401 });
      expect(detailOf(err)).toEqual({ reason: 'jti' });
    }
    expect(asked).toEqual([]);
  });

  it('refuses a sender-constrained token (cnf) presented as a plain bearer token', async () => {
    for (const cnf of [
      { jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' },
      { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' },
      {},
      null,
      'jkt',
    ]) {
      const err = await verifier.verify(token({ cnf }), ctx()).catch((e) => e);
      expect(err).toMatchObject({
        code: C.JWT_SENDER_CONSTRAINED,
        status: 401,
        error: 'invalid_token',
      });
      expect(err.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(detailOf(err)).toEqual({ reason: 'sender_constrained', jti: 'jti-1' });
    }
    // Only an own claim counts, and only its presence.
    expect(await result(token({ cnfx: {} }))).toBe('OK');
  });

  it('adds jti to the audit detail only after the signature verified', async () => {
    const expired = await verifier.verify(token({ exp: NOW - 100 }), ctx()).catch((e) => e);
    expect(detailOf(expired)).toEqual({ reason: 'expired', jti: 'jti-1' });
    const forged = rawHs256(header, JSON.stringify(claims()), new Uint8Array(32));
    const bad = await verifier.verify(forged, ctx()).catch((e) => e);
    expect(detailOf(bad)).toEqual({ reason: 'signature' });
  });
});
