// Token generators for the differential test of the JWT verifier against jose: fresh keys, raw
// signing of any header (including ones jose will not sign), and fast-check arbitraries.
import {
  constants,
  createHmac,
  generateKeyPairSync,
  type KeyObject,
  sign as nodeSign,
  randomBytes,
} from 'node:crypto';
import fc from 'fast-check';
import type { Algorithm } from '../crypto/types.js';
import { AUDIENCE, b64, ISSUER, NOW } from './jwt-fixtures.js';

export interface Keyed {
  algorithms: Algorithm[];
  privateKey: KeyObject | Uint8Array;
  verifyKey: KeyObject | Uint8Array;
}
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ed = generateKeyPairSync('ed25519');
const secret = randomBytes(32);
export const KEYS: Keyed[] = [
  { algorithms: ['HS256'], privateKey: secret, verifyKey: secret },
  { algorithms: ['RS256', 'PS256'], privateKey: rsa.privateKey, verifyKey: rsa.publicKey },
  { algorithms: ['ES256'], privateKey: p256.privateKey, verifyKey: p256.publicKey },
  { algorithms: ['ES384'], privateKey: p384.privateKey, verifyKey: p384.publicKey },
  { algorithms: ['EdDSA'], privateKey: ed.privateKey, verifyKey: ed.publicKey },
];

/** Sign `input` as `alg` with the key's private half (whatever the header claims). */
function rawSign(alg: Algorithm, key: Keyed, input: string): Buffer {
  const data = Buffer.from(input);
  if (key.privateKey instanceof Uint8Array)
    return createHmac('sha256', key.privateKey).update(input).digest();
  const pk = key.privateKey;
  if (alg === 'PS256') {
    return nodeSign('sha256', data, {
      key: pk,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    });
  }
  if (alg.startsWith('ES'))
    return nodeSign(alg === 'ES384' ? 'sha384' : 'sha256', data, {
      key: pk,
      dsaEncoding: 'ieee-p1363',
    });
  if (alg === 'EdDSA') return nodeSign(null, data, pk);
  return nodeSign('sha256', data, pk);
}

const around = (spread: number) => fc.integer({ min: NOW - spread, max: NOW + spread });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
const rarely = <T, U>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 8, arbitrary: usual }, { weight: 1, arbitrary: odd });

// Mostly valid values, so that acceptance is common and each rule is hit alone.
const mostly = <T>(good: T, ...bad: unknown[]) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constant(good) },
    { weight: 1, arbitrary: fc.constantFrom(...bad) },
  );

export const payloadArb = fc.record({
  iss: mostly(ISSUER, 'https://other/', `${ISSUER} `, 42, undefined),
  aud: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(AUDIENCE, [AUDIENCE, 'other']) },
    { weight: 1, arbitrary: fc.constantFrom('other', ['other'], [], undefined, [AUDIENCE, 7]) },
  ),
  sub: mostly('user-1', '', undefined, 5, ['u']),
  exp: fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: NOW - 8, max: NOW + 120 }) },
    { weight: 1, arbitrary: around(30) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, 'soon', 1.5e300, NOW + 0.5) },
  ),
  nbf: maybe(rarely(around(30), fc.constantFrom('x', null))),
  iat: maybe(rarely(fc.integer({ min: NOW - 60, max: NOW + 10 }), fc.constant('x'))),
  jti: maybe(rarely(fc.string({ maxLength: 8 }), fc.integer())),
  scope: maybe(
    rarely(fc.string({ maxLength: 12 }), fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 })),
  ),
});

const anyHeaderArb = fc.record(
  {
    kid: fc.oneof(fc.string({ maxLength: 10 }), fc.integer()),
    typ: fc.constantFrom('JWT', 'at+jwt', 'application/jwt'),
    crit: fc.constantFrom(['exp'], []),
    jku: fc.constant('https://attacker.example/jwks'),
    b64: fc.boolean(),
    x5u: fc.constant('https://attacker.example/x5u'),
  },
  { requiredKeys: [] },
);

export const headerExtraArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({}) },
  {
    weight: 2,
    arbitrary: fc.record(
      { kid: fc.string({ maxLength: 10 }), typ: fc.constantFrom('JWT', 'at+jwt') },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: anyHeaderArb },
);

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/. ';
export const mutationArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('flip' as const),
      segment: fc.nat(2),
      at: fc.nat(),
      char: fc.constantFrom(...ALPHABET),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('swap' as const), a: fc.nat(2), b: fc.nat(2) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('reheader' as const),
      alg: fc.constantFrom('none', 'HS256', 'RS256', 'ES256', 'PS256', 'EdDSA', 'ES384'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('resign-alg' as const),
      alg: fc.constantFrom('none', 'HS256', 'RS256', 'ES256', 'PS256', 'EdDSA', 'NONE'),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'truncate' as const }) },
);
export type Mutation = typeof mutationArb extends fc.Arbitrary<infer T> ? T : never;

export function build(
  key: Keyed,
  alg: Algorithm,
  payload: Record<string, unknown>,
  extra: Record<string, unknown>,
  mutation: Mutation,
): string {
  const header: Record<string, unknown> = { alg, ...extra };
  if (mutation.kind === 'resign-alg') header['alg'] = mutation.alg;
  const signed = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  const token = `${signed}.${b64(rawSign(alg, key, signed))}`;
  const parts = token.split('.');
  switch (mutation.kind) {
    case 'flip': {
      const s = parts[mutation.segment]!;
      const at = mutation.at % s.length;
      parts[mutation.segment] = s.slice(0, at) + mutation.char + s.slice(at + 1);
      return parts.join('.');
    }
    case 'swap':
      [parts[mutation.a], parts[mutation.b]] = [parts[mutation.b]!, parts[mutation.a]!];
      return parts.join('.');
    case 'reheader':
      parts[0] = b64(JSON.stringify({ ...header, alg: mutation.alg }));
      return parts.join('.');
    case 'truncate':
      return token.slice(0, -1);
    default:
      return token;
  }
}
