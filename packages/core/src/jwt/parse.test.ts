import { describe, expect, it } from 'vitest';
import { AuthErrorCodes } from '../error-codes.js';
import {
  AUDIENCE,
  b64,
  claims,
  ctx,
  IMPLS,
  ISSUER,
  rawHs256,
} from '../test-helpers/jwt-fixtures.js';
import type { JwtOptions } from './types.js';
import { createJwtVerifier } from './verifier.js';

const secret = new Uint8Array(32).fill(42);
const payload = JSON.stringify(claims());
const header = JSON.stringify({ alg: 'HS256' });
const good = rawHs256(header, payload, secret);
const [H, P, S] = good.split('.') as [string, string, string];
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// S is 43 characters (32 bytes): its last character carries 2 unused bits; set one of them.
const lastValue = ALPHABET.indexOf(S.slice(-1));
const S_DIRTY = S.slice(0, -1) + ALPHABET[(lastValue & ~3) | 1];
const P_MOD1 = P + 'A'.repeat((5 - (P.length % 4)) % 4);

describe.each(IMPLS)('decodeSegment on $runtime crypto', (impl) => {
  const canonical = (segment: string) => impl.decodeSegment(segment) !== undefined;
  it('accepts only the one unpadded encoding of the bytes', () => {
    expect(Buffer.from(impl.decodeSegment('aGk')!).toString()).toBe('hi');
    expect(canonical('aA')).toBe(true);
    expect(canonical('-_-_')).toBe(true);
    expect(canonical('aGl')).toBe(false); // non-zero unused bits
    expect(canonical('aB')).toBe(false);
    expect(canonical('aGk=')).toBe(false);
    expect(canonical('a+/b')).toBe(false);
    expect(canonical('abcde')).toBe(false); // length % 4 === 1
    expect(canonical('ab cd')).toBe(false);
    expect(canonical('ab\ncd')).toBe(false);
    expect(canonical('ab.c')).toBe(false);
    expect(canonical('abc\u0100')).toBe(false);
    expect(canonical('')).toBe(false);
  });
});

describe.each(IMPLS)('parsing on $runtime crypto', (impl) => {
  const make = (extra: Partial<JwtOptions> = {}) =>
    createJwtVerifier(
      { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret, cache: false, ...extra },
      impl,
    );
  const verifier = make();
  const code = async (token: string, v = verifier) =>
    (await v.verify(token, ctx()).then(
      () => 'OK',
      (e: { code: string; status: number }) => `${e.status} ${e.code}`,
    )) as string;

  it('accepts the well-formed token', async () => {
    expect(await code(good)).toBe('OK');
  });

  it('reads each header afresh unless it is exactly the header that passed before', async () => {
    const v = make({ typ: 'JWT' });
    const typed = rawHs256(JSON.stringify({ alg: 'HS256', typ: 'JWT' }), payload, secret);
    expect(await code(typed, v)).toBe('OK');
    // Same length, one character apart: alg and typ must be read again, and refused.
    for (const other of [
      { alg: 'HS384', typ: 'JWT' },
      { alg: 'HS256', typ: 'JWS' },
    ]) {
      const token = rawHs256(JSON.stringify(other), payload, secret);
      expect(token.indexOf('.')).toBe(typed.indexOf('.'));
      expect(await code(token, v)).toMatch(/^401 ERR_JWT_(ALG_NOT_ALLOWED|TYP_INVALID)$/);
    }
    expect(await code(typed, v)).toBe('OK');
  });

  it('refuses tokens over the length cap before parsing', async () => {
    expect(verifier.recognizes(`${H}.${'A'.repeat(100_000)}.${S}`, { kind: 'authorization' })).toBe(
      true,
    );
    const long = `${H}.${b64(JSON.stringify(claims({ pad: 'x'.repeat(9000) })))}.${S}`;
    expect(await code(long)).toBe(`401 ${AuthErrorCodes.JWT_MALFORMED}`);
    expect(await code(good, make({ maxTokenLength: good.length - 1 }))).toBe(
      `401 ${AuthErrorCodes.JWT_MALFORMED}`,
    );
    expect(await code(good, make({ maxTokenLength: good.length }))).toBe('OK');
  });

  it.each([
    ['two segments', `${H}.${P}`],
    ['four segments', `${H}.${P}.${S}.${S}`],
    ['five segments (JWE)', `${H}.${P}.${S}.${S}.${S}`],
    ['empty header', `.${P}.${S}`],
    ['empty payload', `${H}..${S}`],
    ['empty signature', `${H}.${P}.`],
    ['padding', `${H}.${P}.${S}=`],
    ['standard alphabet', `${H}.${P}.${S.replace(/-/g, '+').replace(/_/g, '/')}+`],
    ['whitespace', `${H}.${P} .${S}`],
    ['length % 4 === 1', `${H}.${P_MOD1}.${S}`],
    ['non-zero trailing bits', `${H}.${P}.${S_DIRTY}`],
    ['header not UTF-8', `${b64(Buffer.from([0x7b, 0xff, 0x7d]))}.${P}.${S}`],
    ['header with a BOM', `${b64(`\ufeff${header}`)}.${P}.${S}`],
    ['header is an array', `${b64('["HS256"]')}.${P}.${S}`],
    ['header is null', `${b64('null')}.${P}.${S}`],
    ['header is a number', `${b64('1')}.${P}.${S}`],
    ['header is not JSON', `${b64('{alg:HS256}')}.${P}.${S}`],
    ['empty string', ''],
  ])('refuses %s as malformed', async (_name, token) => {
    expect(await code(token)).toBe(`401 ${AuthErrorCodes.JWT_MALFORMED}`);
  });

  it('refuses a payload that is not a JSON object, even when signed', async () => {
    for (const body of ['[1]', 'null', '42', '"x"', '{"a":']) {
      expect(await code(rawHs256(header, body, secret)), body).toBe(
        `401 ${AuthErrorCodes.JWT_MALFORMED}`,
      );
    }
    expect(await code(rawHs256(header, '\u00ff', secret))).toBe(
      `401 ${AuthErrorCodes.JWT_MALFORMED}`,
    );
  });

  it.each([
    ['missing alg', {}],
    ['alg none', { alg: 'none' }],
    ['alg NONE', { alg: 'NONE' }],
    ['alg not configured', { alg: 'HS512' }],
    ['alg not a string', { alg: ['HS256'] }],
  ])('refuses %s', async (_name, h) => {
    expect(await code(rawHs256(JSON.stringify(h), payload, secret))).toBe(
      `401 ${AuthErrorCodes.JWT_ALG_NOT_ALLOWED}`,
    );
  });

  it.each([
    ['crit', { crit: ['exp'], exp: 1 }],
    ['b64', { b64: false }],
    ['b64 true', { b64: true }],
    ['jwk', { jwk: { kty: 'oct', k: b64(secret) } }],
    ['jku', { jku: 'https://attacker.example/jwks' }],
    ['x5u', { x5u: 'https://attacker.example/cert' }],
    ['x5c', { x5c: ['MIIB'] }],
    ['crit null', { crit: null }],
  ])('refuses the %s header without fetching anything', async (_name, extra) => {
    let fetched = false;
    const original = globalThis.fetch;
    globalThis.fetch = (async () => {
      fetched = true;
      throw new Error('no');
    }) as typeof fetch;
    try {
      const token = rawHs256(JSON.stringify({ alg: 'HS256', ...extra }), payload, secret);
      expect(await code(token)).toBe(`401 ${AuthErrorCodes.JWT_HEADER_UNSUPPORTED}`);
    } finally {
      globalThis.fetch = original;
    }
    expect(fetched).toBe(false);
  });

  it('accepts a string kid up to 256 characters and refuses other kids', async () => {
    const withKid = (kid: unknown) =>
      rawHs256(JSON.stringify({ alg: 'HS256', kid }), payload, secret);
    expect(await code(withKid('k'.repeat(256)))).toBe('OK');
    expect(await code(withKid('k'.repeat(257)))).toBe(`401 ${AuthErrorCodes.JWT_MALFORMED}`);
    expect(await code(withKid(7))).toBe(`401 ${AuthErrorCodes.JWT_MALFORMED}`);
    expect(await code(withKid(null))).toBe(`401 ${AuthErrorCodes.JWT_MALFORMED}`);
  });

  it('compares typ as a media type, case-insensitively, with an optional application/ prefix', async () => {
    const v = make({ typ: 'at+jwt' });
    const withTyp = (typ?: unknown) =>
      rawHs256(JSON.stringify({ alg: 'HS256', typ }), payload, secret);
    for (const typ of ['at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/At+JWT']) {
      expect(await code(withTyp(typ), v), typ).toBe('OK');
    }
    for (const typ of ['JWT', 'application/jwt', undefined, 1, 'at+jwt ', 'foo/at+jwt']) {
      expect(await code(withTyp(typ), v), String(typ)).toBe(
        `401 ${AuthErrorCodes.JWT_TYP_INVALID}`,
      );
    }
    expect(await code(withTyp('application/at+jwt'), make({ typ: 'application/AT+JWT' }))).toBe(
      'OK',
    );
    // Without a configured typ, any typ is accepted.
    expect(await code(withTyp('JWT'))).toBe('OK');
  });

  it('never puts the token or a claim value in the error message', async () => {
    const token = rawHs256(header, JSON.stringify(claims({ iss: 'evil-issuer-value' })), secret);
    const err = (await verifier.verify(token, ctx()).catch((e) => e)) as Error & {
      headers: object;
    };
    expect(err.message).not.toContain('evil-issuer-value');
    expect(JSON.stringify(err.headers)).not.toContain('evil');
    const bad = (await verifier.verify(`${H}.${P}.${S}x`, ctx()).catch((e) => e)) as Error;
    expect(bad.message).not.toContain(S);
  });
});
