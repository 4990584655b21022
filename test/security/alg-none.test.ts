// `alg: none` and friends: unsigned tokens, and tokens whose `alg` is missing, empty or not a
// string, must never authenticate, whatever the letter case.
import { AuthErrorCodes as C, jwt } from '@portcullis/core';
import { beforeAll, describe, it } from 'vitest';
import { ADAPTERS } from './support/apps.js';
import { useLeakCheck } from './support/collector.js';
import { expectAccepted, expectRejected, scenario } from './support/harness.js';
import { b64url, fixed, forge, hmac, rsa } from './support/jws.js';
import { AUDIENCE, claims, hmacSecret, ISSUER, type KeyPair, keyPair } from './support/keys.js';

useLeakCheck();

let secret: string;
let rs: KeyPair;
beforeAll(async () => {
  secret = hmacSecret();
  rs = await keyPair('RS256');
});

const methods = () => [jwt({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, secret })];
const rsMethods = () => [
  jwt({ algorithms: ['RS256'], issuer: ISSUER, audience: AUDIENCE, publicKey: rs.pem }),
];

const NONE_SPELLINGS = ['none', 'None', 'NONE', 'nOnE', 'NoNe'];
const ALG_CODES = [C.JWT_ALG_NOT_ALLOWED];
// An unsigned token may be refused for its empty signature before its `alg` is read.
const UNSIGNED_CODES = [C.JWT_ALG_NOT_ALLOWED, C.JWT_MALFORMED, C.UNSUPPORTED_CREDENTIAL];

function unsigned(header: Record<string, unknown>, signature: string): string {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims()))}.${signature}`;
}

describe.each(ADAPTERS)('%s: alg none', (adapter) => {
  it('accepts the honest HS256 token (control)', async () => {
    const app = await scenario(adapter, { methods: methods() });
    const token = forge({
      header: { alg: 'HS256', typ: 'JWT' },
      payload: claims(),
      signer: hmac(secret),
    });
    expectAccepted(await app.bearer(token));
  });

  it.each(NONE_SPELLINGS)('refuses alg %s with an empty signature', async (alg) => {
    for (const make of [methods, rsMethods]) {
      const app = await scenario(adapter, { methods: make() });
      expectRejected(await app.bearer(unsigned({ alg, typ: 'JWT' }, '')), 401, UNSIGNED_CODES);
    }
  });

  it.each(NONE_SPELLINGS)('refuses alg %s with a null or garbage signature', async (alg) => {
    const app = await scenario(adapter, { methods: methods() });
    for (const signature of [b64url(new Uint8Array(32)), 'null', b64url('null'), 'AA']) {
      expectRejected(await app.bearer(unsigned({ alg }, signature)), 401, [
        ...ALG_CODES,
        C.JWT_MALFORMED,
      ]);
    }
  });

  it.each(NONE_SPELLINGS)('refuses alg %s even with the real HMAC over the input', async (alg) => {
    const app = await scenario(adapter, { methods: methods() });
    const token = forge({ header: { alg }, payload: claims(), signer: hmac(secret) });
    expectRejected(await app.bearer(token), 401, ALG_CODES);
  });

  const BAD_ALGS: [string, unknown][] = [
    ['missing', undefined],
    ['empty', ''],
    ['numeric', 256],
    ['null', null],
    ['an array', ['HS256']],
    ['an object', { name: 'HS256' }],
    ['lower case', 'hs256'],
    ['padded', ' HS256'],
    ['with a trailing space', 'HS256 '],
    ['with a NUL', 'HS256\u0000'],
  ];
  it.each(BAD_ALGS)('refuses alg %s, though HMAC-signed with the real secret', async (_, alg) => {
    const app = await scenario(adapter, { methods: methods() });
    const header: Record<string, unknown> = { typ: 'JWT' };
    if (alg !== undefined) header['alg'] = alg;
    const token = forge({ header, payload: claims(), signer: hmac(secret) });
    expectRejected(await app.bearer(token), 401, [...ALG_CODES, C.JWT_MALFORMED]);
  });

  it('refuses an RS256 token whose signature was stripped', async () => {
    const app = await scenario(adapter, { methods: rsMethods() });
    const token = forge({
      header: { alg: 'RS256' },
      payload: claims(),
      signer: rsa(rs.privateKey),
    });
    const stripped = token.slice(0, token.lastIndexOf('.') + 1);
    expectRejected(await app.bearer(stripped), 401, [
      C.JWT_MALFORMED,
      C.JWT_SIGNATURE_INVALID,
      C.UNSUPPORTED_CREDENTIAL,
    ]);
    const zeroed = forge({
      header: { alg: 'RS256' },
      payload: claims(),
      signer: fixed(new Uint8Array(256)),
    });
    expectRejected(await app.bearer(zeroed), 401, [C.JWT_SIGNATURE_INVALID]);
  });
});
