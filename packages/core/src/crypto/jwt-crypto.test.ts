import { execFileSync } from 'node:child_process';
import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
} from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { createJwtVerifier as createVerifier } from '../jwt/verifier.js';
import { AUDIENCE, claims, ctx, ISSUER } from '../test-helpers/jwt-fixtures.js';
import * as node from './node.js';
import { readPem } from './spki.js';
import * as web from './web.js';

const spkiPem = (key: { export(o: object): string | Buffer }) =>
  key.export({ type: 'spki', format: 'pem' }) as string;
const spkiDer = (key: { export(o: object): string | Buffer }) =>
  new Uint8Array(key.export({ type: 'spki', format: 'der' }) as Buffer);

// A fresh self-signed certificate per run, when openssl is installed.
const dir = mkdtempSync(join(tmpdir(), 'portcullis-cert-'));
let certificate: { pem: string; keyPem: string } | undefined;
try {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=test',
    ],
    { stdio: 'ignore' },
  );
  certificate = {
    pem: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    keyPem: readFileSync(join(dir, 'key.pem'), 'utf8'),
  };
} catch {
  certificate = undefined;
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('decodeSegment', () => {
  it('decodes the same bytes on node and web for every length', () => {
    for (let length = 1; length < 70; length++) {
      const bytes = randomBytes(length);
      const text = bytes.toString('base64url');
      expect(Buffer.from(node.decodeSegment(text)!)).toEqual(bytes);
      expect(Buffer.from(web.decodeSegment(text)!)).toEqual(bytes);
    }
  });

  it('refuses on node and web whatever is not the canonical encoding', () => {
    for (let length = 1; length < 40; length++) {
      const text = randomBytes(length).toString('base64url');
      for (const bad of [
        `${text}=`,
        text.replace(/[-_]/g, '+'),
        ` ${text}`,
        `${text.slice(0, 1)}\t${text.slice(1)}`,
        text + 'A'.repeat((5 - (text.length % 4)) % 4), // length % 4 === 1
        text.length % 4 === 0
          ? `${text}=`
          : `${text.slice(0, -1)}${text.endsWith('B') ? 'C' : 'B'}`,
      ]) {
        if (bad === text) continue;
        expect([bad, node.decodeSegment(bad)]).toEqual([bad, undefined]);
        expect([bad, web.decodeSegment(bad)]).toEqual([bad, undefined]);
      }
    }
  });
});

describe('utf8', () => {
  const bytes = (...values: number[]) => new Uint8Array(values);
  it.each([
    ['ASCII', Buffer.from('{"sub":"a"}'), '{"sub":"a"}'],
    ['two-, three- and four-byte characters', Buffer.from('{"n":"é€😀"}'), '{"n":"é€😀"}'],
    ['a byte order mark, kept', bytes(0xef, 0xbb, 0xbf, 0x7b, 0x7d), '\ufeff{}'],
    ['a plain Uint8Array', bytes(0x7b, 0x7d), '{}'],
    ['a view into a larger buffer', new Uint8Array(bytes(0x41, 0x7b, 0x7d).buffer, 1, 2), '{}'],
  ])('reads %s the same on node and web', (_name, input, text) => {
    expect(node.utf8(input)).toBe(text);
    expect(web.utf8(input)).toBe(text);
  });

  it.each([
    ['a lone continuation byte', bytes(0x7b, 0x80, 0x7d)],
    ['an overlong encoding of "/"', bytes(0xc0, 0xaf)],
    ['a UTF-16 surrogate (CESU-8)', bytes(0xed, 0xa0, 0x80)],
    ['a code point above U+10FFFF', bytes(0xf4, 0x90, 0x80, 0x80)],
    ['a truncated sequence', bytes(0x7b, 0xe2, 0x82)],
    ['Latin-1 text', bytes(0x7b, 0xe9, 0x7d)],
  ])('refuses %s on node and web', (_name, input) => {
    expect(node.utf8(input)).toBeUndefined();
    expect(web.utf8(input)).toBeUndefined();
  });
});

describe.each([node, web])('HMAC checks on $runtime', (impl) => {
  it.each([
    ['HS256', 'sha256', 64],
    ['HS384', 'sha384', 128],
    ['HS512', 'sha512', 128],
  ] as const)(
    '%s agrees with createHmac for keys below, at and past the block size',
    async (alg, digest, block) => {
      for (const keyLength of [block / 2, block - 1, block, block + 1, 3 * block]) {
        const secret = randomBytes(keyLength);
        const check = impl.verifier(impl.importSecret(secret), alg);
        for (const length of [0, 1, 300, 5000]) {
          const data = randomBytes(length).toString('base64url').slice(0, length);
          const mac = createHmac(digest, secret).update(data).digest();
          expect([keyLength, length, await check(data, mac)]).toEqual([keyLength, length, true]);
          const wrong = Buffer.from(mac);
          wrong[length % wrong.length]! ^= 1;
          expect(await check(data, wrong)).toBe(false);
          expect(await check(data, mac.subarray(0, -1))).toBe(false);
          expect(await check(`${data}x`, mac)).toBe(false);
        }
      }
    },
  );
});

describe('readPem (web path key description)', () => {
  it.each([
    [
      'RSA 2048',
      generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey,
      'rsa',
      2048,
      undefined,
    ],
    [
      'RSA 3072',
      generateKeyPairSync('rsa', { modulusLength: 3072 }).publicKey,
      'rsa',
      3072,
      undefined,
    ],
    [
      'RSA 1024',
      generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey,
      'rsa',
      1024,
      undefined,
    ],
    [
      'RSA-PSS',
      generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).publicKey,
      'rsa-pss',
      2048,
      undefined,
    ],
    ['P-256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey, 'ec', 0, 'P-256'],
    ['P-384', generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey, 'ec', 0, 'P-384'],
    ['P-521', generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey, 'ec', 0, 'P-521'],
    [
      'secp256k1',
      generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey,
      'ec',
      0,
      undefined,
    ],
    ['Ed25519', generateKeyPairSync('ed25519').publicKey, 'ed25519', 0, undefined],
    ['Ed448', generateKeyPairSync('ed448').publicKey, 'unsupported', 0, undefined],
  ])('describes %s', (_name, key, kind, size, curve) => {
    const info = readPem(spkiPem(key));
    expect(info).toMatchObject({ kind, size, curve });
    expect(info.spki).toEqual(spkiDer(key));
  });

  it('refuses what is not a PEM public key or certificate', () => {
    expect(() => readPem('hello')).toThrow(TypeError);
    expect(() => readPem('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')).toThrow(
      TypeError,
    );
  });

  it.skipIf(certificate === undefined)('finds the key in an X.509 certificate', () => {
    const info = readPem(certificate!.pem);
    expect(info.kind).toBe('ec');
    expect(info.curve).toBe('P-256');
    expect(info.spki).toEqual(spkiDer(createPublicKey(certificate!.pem)));
  });
});

describe.each([node, web])('$runtime crypto', (impl) => {
  it('refuses unusable JWKs and wrong key inputs with a TypeError', () => {
    for (const jwk of [
      { kty: 'RSA' },
      { kty: 'EC', crv: 'P-256' },
      { kty: 'OKP', crv: 'X25519', x: 'AA' },
      { kty: 'oct' },
      { kty: 'nope' },
    ]) {
      expect(() => impl.importJwk(jwk as never), JSON.stringify(jwk)).toThrow(TypeError);
    }
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => impl.importPublicKey(pair.privateKey)).toThrow(TypeError);
    expect(() => impl.importPublicKey(42 as never)).toThrow(TypeError);
    expect(() => impl.importSecret(pair.publicKey)).toThrow(TypeError);
  });

  it('builds checks only for algorithms the key allows', () => {
    const rsa = impl.importPublicKey(
      spkiPem(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey),
    );
    expect(() => impl.verifier(rsa, 'RS256')).not.toThrow();
    expect(() => impl.verifier(rsa, 'ES256')).toThrow(TypeError);
    expect(() => impl.verifier(rsa, 'HS256')).toThrow(TypeError);
    const secret = impl.importSecret(new Uint8Array(48));
    expect(() => impl.verifier(secret, 'HS384')).not.toThrow();
    expect(() => impl.verifier(secret, 'HS512')).toThrow(/64 bytes/);
  });

  it.skipIf(certificate === undefined)(
    'verifies a token with the key of an X.509 certificate',
    async () => {
      const token = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'ES256' })
        .sign(createPrivateKey(certificate!.keyPem));
      const v = createVerifier(
        { algorithms: ['ES256'], issuer: ISSUER, audience: AUDIENCE, publicKey: certificate!.pem },
        impl,
      );
      expect((await v.verify(token, ctx())).subject).toBe('user-1');
    },
  );
});
