// The shape of a token: refused headers (`crit`, `b64`), JWE and wrong part counts, empty
// segments, non-canonical base64url, payloads that are not JSON objects or not UTF-8,
// `__proto__` claims (no prototype pollution), and duplicate member names.
import { AuthErrorCodes as C, jwt } from '@portcullis/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, type AdapterName } from './support/apps.js';
import { useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { b64url, forge, hmac, parts } from './support/jws.js';
import { AUDIENCE, claims, hmacSecret, ISSUER } from './support/keys.js';

useLeakCheck();

let secret: string;
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
beforeAll(() => {
  secret = hmacSecret();
});
afterAll(() => {
  // Nothing any scenario sent polluted the shared prototype.
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect(({} as Record<string, unknown>)['scope']).toBeUndefined();
});

const app = (adapter: AdapterName) =>
  scenario(adapter, {
    methods: [jwt({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret })],
  });
const sign = (
  header: Record<string, unknown> | string,
  payload: Record<string, unknown> | string | Uint8Array,
) => forge({ header, payload, signer: hmac(secret) });
const HS = { alg: 'HS256', typ: 'JWT' };
const MALFORMED = [C.JWT_MALFORMED, C.UNSUPPORTED_CREDENTIAL];

/** Raw JSON of valid claims with extra raw members spliced in (for duplicates, 1e400, …). */
function rawClaims(extra: string, overrides: Record<string, unknown> = {}): string {
  const base = JSON.stringify(claims(undefined, overrides));
  return extra === '' ? base : `${base.slice(0, -1)},${extra}}`;
}

/** A variant of a segment with unused trailing bits set: same bytes, different text. */
function withUnusedBits(segment: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const rest = segment.length % 4;
  if (rest === 0) throw new Error('segment has no unused bits');
  const last = alphabet.indexOf(segment.at(-1)!);
  const variant = segment.slice(0, -1) + alphabet[last | 1]!;
  expect(variant).not.toBe(segment);
  expect(Buffer.from(variant, 'base64url')).toEqual(Buffer.from(segment, 'base64url'));
  return variant;
}

describe.each(ADAPTERS)('%s: token structure', (adapter) => {
  it('accepts an honest token (control)', async () => {
    expectAccepted(await (await app(adapter)).bearer(sign(HS, claims())));
  });

  it('refuses crit and b64 headers, even correctly signed', async () => {
    const a = await app(adapter);
    for (const extra of [
      { crit: ['exp'], exp: 1 },
      { crit: [] },
      { crit: ['b64'], b64: false },
      { b64: false },
      { b64: true },
    ]) {
      expectRejected(await a.bearer(sign({ ...HS, ...extra }, claims())), 401, [
        C.JWT_HEADER_UNSUPPORTED,
      ]);
    }
  });

  it('refuses JWE (5 parts), 2 and 4 parts, and empty segments', async () => {
    const a = await app(adapter);
    const [h, p, s] = parts(sign(HS, claims()));
    const jwe = [
      b64url('{"alg":"RSA-OAEP","enc":"A256GCM"}'),
      b64url('k'.repeat(32)),
      b64url('iv-iv-iv-iv'),
      p,
      b64url('tag'),
    ].join('.');
    const shapes = [
      jwe,
      `${h}.${p}`,
      `${h}.${p}.${s}.${s}`,
      `.${p}.${s}`,
      `${h}..${s}`,
      `${h}.${p}.`,
      '..',
      '...',
      `${h}.${p}.${s}.`,
      `${h}`,
    ];
    for (const token of shapes)
      expectRejected(await a.bearer(token), [400, 401], [...MALFORMED, C.MALFORMED_REQUEST]);
  });

  it('refuses non-canonical base64url: padding, whitespace, standard alphabet, unused bits', async () => {
    const a = await app(adapter);
    const token = sign(HS, claims());
    const [h, p, s] = parts(token);
    // Padding: a 32-byte HMAC is 43 characters, so "=" makes it 44.
    expectRejected(await a.bearer(`${token}=`), [400, 401], MALFORMED);
    expectRejected(
      await a.bearer(`${h}.${p}=.${s}`),
      [400, 401],
      [...MALFORMED, C.MALFORMED_REQUEST],
    );
    // Whitespace inside the token.
    for (const spaced of [`${h}. ${p}.${s}`, `${h}.${p}.${s.slice(0, 10)} ${s.slice(10)}`]) {
      expectRejected(await a.bearer(spaced), [400, 401], [...MALFORMED, C.MALFORMED_REQUEST]);
    }
    // The standard alphabet for the same bytes.
    const std = Buffer.from(s, 'base64url').toString('base64').replace(/=+$/, '');
    if (std !== s) expectRejected(await a.bearer(`${h}.${p}.${std}`), 401, MALFORMED);
    // Unused bits set in the signature: the same signature bytes, so only canonicality refuses it.
    expectRejected(await a.bearer(`${h}.${p}.${withUnusedBits(s)}`), 401, MALFORMED);
    // Unused bits set in the header or payload, then honestly signed over that text.
    const padded = { ...HS, x: 'ab' };
    const [h2] = parts(sign(padded, claims()));
    const oddHeader = h2.length % 4 === 0 ? parts(sign({ ...padded, x: 'abc' }, claims()))[0] : h2;
    const headerVariant = withUnusedBits(oddHeader);
    const resigned = `${headerVariant}.${p}`;
    expectRejected(await a.bearer(`${resigned}.${b64url(hmac(secret)(resigned))}`), 401, MALFORMED);
  });

  it('refuses payloads that are not JSON objects', async () => {
    const a = await app(adapter);
    for (const payload of [
      '[1,2]',
      '42',
      '"admin"',
      'null',
      'true',
      '{',
      '',
      ' ',
      '{"exp":1}x',
      `[${rawClaims('')}]`,
    ]) {
      expectRejected(await a.bearer(sign(HS, payload)), 401, MALFORMED);
    }
  });

  it('refuses payloads that are not UTF-8', async () => {
    const a = await app(adapter);
    const json = Buffer.from(rawClaims(''));
    const bad = [
      Buffer.from([0xff, 0xfe, 0xfd]),
      Buffer.concat([
        json.subarray(0, -1),
        Buffer.from(',"x":"'),
        Buffer.from([0xc0, 0xaf]),
        Buffer.from('"}'),
      ]),
      Buffer.concat([
        json.subarray(0, -1),
        Buffer.from(',"x":"'),
        Buffer.from([0xed, 0xa0, 0x80]),
        Buffer.from('"}'),
      ]),
      Buffer.concat([
        json.subarray(0, -1),
        Buffer.from(',"x":"'),
        Buffer.from([0xe2, 0x82]),
        Buffer.from('"}'),
      ]),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json]),
      Buffer.from(JSON.stringify(claims()), 'utf16le'),
    ];
    for (const payload of bad)
      expectRejected(await a.bearer(sign(HS, new Uint8Array(payload))), 401, MALFORMED);
  });

  it('refuses headers that are not JSON objects', async () => {
    const a = await app(adapter);
    for (const header of ['["HS256"]', '"HS256"', 'null', '{"alg":"HS256"', '{"alg":"HS256"}}']) {
      expectRejected(await a.bearer(sign(header, claims())), 401, [
        ...MALFORMED,
        C.JWT_ALG_NOT_ALLOWED,
      ]);
    }
  });

  it('treats __proto__ and constructor claims as data: no scope from a prototype, no pollution', async () => {
    const a = await app(adapter);
    const { scope: _, ...noScope } = claims();
    const base = JSON.stringify(noScope).slice(0, -1);
    const payloads = [
      `${base},"__proto__":{"scope":"admin","admin":true,"polluted":"yes"}}`,
      `${base},"constructor":{"prototype":{"scope":"admin","polluted":"yes"}}}`,
      `${base},"__proto__":{"__proto__":{"polluted":"yes"}}}`,
    ];
    for (const payload of payloads) {
      const token = sign(HS, payload);
      expectAccepted(await a.bearer(token)); // a valid token with no scope
      expectRejected(await a.bearer(token, '/admin'), 403);
      expectRejected(await a.bearer(token, '/any'), 403);
    }
    // A header whose `alg` only exists on a `__proto__` member has no alg.
    const protoAlg = sign('{"__proto__":{"alg":"HS256"},"typ":"JWT"}', claims());
    expectRejected(await a.bearer(protoAlg), 401, [C.JWT_ALG_NOT_ALLOWED]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });

  it('reads duplicate claim names as JSON.parse does (last wins), never to escalate', async () => {
    const a = await app(adapter);
    // The first "scope" grants admin, the last does not: never admin.
    const firstAdmin = sign(HS, `{"scope":"admin",${rawClaims('').slice(1, -1)},"scope":"read"}`);
    expectRejected(await a.bearer(firstAdmin, '/admin'), [401, 403]);
    // The first "exp" is far away, the last has passed: expired.
    const now = Math.floor(Date.now() / 1000);
    const { exp: _e, ...noExp } = claims();
    const expiredLast = sign(
      HS,
      `${JSON.stringify({ exp: now + 3600, ...noExp }).slice(0, -1)},"exp":${now - 3600}}`,
    );
    expectRejected(await a.bearer(expiredLast), 401, [C.JWT_EXPIRED, C.JWT_MALFORMED]);
    // The first "aud" is ours, the last is not: refused.
    const { aud: _a, ...noAud } = claims();
    const audLast = sign(
      HS,
      `${JSON.stringify({ aud: AUDIENCE, ...noAud }).slice(0, -1)},"aud":"https://evil.test"}`,
    );
    expectRejected(await a.bearer(audLast), 401, [C.JWT_AUDIENCE_INVALID, C.JWT_MALFORMED]);
    // Duplicate "sub": if accepted, the subject is the last one, the one the checks saw.
    const { sub: _s, ...noSub } = claims();
    const subs = sign(
      HS,
      `${JSON.stringify({ sub: 'alice', ...noSub }).slice(0, -1)},"sub":"bob"}`,
    );
    const answer = await a.bearer(subs);
    if (answer.status === 200) expect(answer.json?.['subject']).toBe('bob');
    else expectRejected(answer, 401, [C.JWT_MALFORMED]);
    // Duplicate "alg" in the header: the last one counts, so a trailing "none" is refused.
    const algs = sign('{"alg":"HS256","typ":"JWT","alg":"none"}', claims());
    expectRejected(await a.bearer(algs), 401, [C.JWT_ALG_NOT_ALLOWED, C.JWT_MALFORMED]);
  });
});
